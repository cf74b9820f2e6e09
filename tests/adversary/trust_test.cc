// The hostile relay attacks who talks to whom: it splices two rooms, and it runs a full man in
// the middle with identities of its own. The peers cannot stop it from trying; they must show
// it (different SAS and safety numbers), and block it once keys are pinned.
#include <gtest/gtest.h>

#include "tests/adversary/adversary_harness.h"

namespace duet::testing {
namespace {

class TrustTest : public ::testing::Test {
 protected:
  TempDir tmp_;
};

// The relay pairs alice (room one) with dave (room two) and carol (two) with bob (one). The
// HELLO inside TLS carries the room code: all four end the session, then meet the right peer.
TEST_F(TrustTest, SplicedRoomsAreRefusedByBothSidesThenTheRightPairsMeet) {
  Adversary adv = StartAdversary({"--mode", "splice"});
  auto alice = StartPeer(adv.addr, "alice", tmp_ / "alice", "one");
  ASSERT_TRUE(Event(*alice, "waiting"));
  auto carol = StartPeer(adv.addr, "carol", tmp_ / "carol", "two");
  ASSERT_TRUE(Event(*carol, "waiting"));
  auto bob = StartPeer(adv.addr, "bob", tmp_ / "bob", "one");
  ASSERT_TRUE(Event(*bob, "waiting"));
  auto dave = StartPeer(adv.addr, "dave", tmp_ / "dave", "two");
  ASSERT_TRUE(adv.proc->WaitForLine("fired splice rooms=one,two"));
  ASSERT_TRUE(adv.proc->WaitForLine("paired pair=1 rooms=one,two"));
  ASSERT_TRUE(adv.proc->WaitForLine("paired pair=2 rooms=two,one"));

  Process* all[] = {alice.get(), bob.get(), carol.get(), dave.get()};
  for (Process* p : all) {
    auto e = Event(*p, "error");
    ASSERT_TRUE(e) << p->Transcript() << adv.proc->Transcript();
    EXPECT_EQ((*e)["code"], "ROOM_MISMATCH") << *e;
    EXPECT_EQ((*e)["message"],
              "The peer the relay connected you to is in a different room: the relay spliced two "
              "rooms together. The session was ended.");
    EXPECT_EQ(Events(*p, "message").size(), 0u);
  }
  // After the splice, the relay pairs by room and each session comes up with the right peer.
  auto as = Event(*alice, "secure");
  auto cs = Event(*carol, "secure");
  ASSERT_TRUE(as && cs) << alice->Transcript() << carol->Transcript() << adv.proc->Transcript();
  EXPECT_EQ((*as)["peer"], "bob");
  EXPECT_EQ((*cs)["peer"], "dave");
  alice->WriteLine("only for room one");
  auto bm = Event(*bob, "message");
  ASSERT_TRUE(bm);
  EXPECT_EQ((*bm)["text"], "only for room one");
  EXPECT_EQ(dave->Count("only for room one"), 0u);
}

// First contact through a man in the middle: each peer has a secure session, but with the
// adversary, so the codes the two people read to each other differ.
TEST_F(TrustTest, ManInTheMiddleAtFirstContactShowsDifferentCodes) {
  Adversary adv = StartAdversary({"--mode", "mitm"});
  ASSERT_FALSE(adv.addr.empty()) << adv.proc->Transcript();
  auto alice = StartPeer(adv.addr, "alice", tmp_ / "alice");
  ASSERT_TRUE(Event(*alice, "waiting"));
  auto bob = StartPeer(adv.addr, "bob", tmp_ / "bob");
  auto as = Event(*alice, "secure");
  auto bs = Event(*bob, "secure");
  ASSERT_TRUE(as && bs) << alice->Transcript() << bob->Transcript() << adv.proc->Transcript();
  auto aid = Event(*alice, "identity");
  auto bid = Event(*bob, "identity");
  ASSERT_TRUE(aid && bid);
  std::printf("outcome: mitm first contact -> alice sas %s, bob sas %s\n",
              std::string((*as)["sas"]).c_str(), std::string((*bs)["sas"]).c_str());
  EXPECT_NE((*as)["sas"], (*bs)["sas"]);
  EXPECT_NE((*as)["safety_number"], (*bs)["safety_number"]);
  // Each sees a key that is not the other's.
  EXPECT_NE((*as)["fingerprint"], (*bid)["fingerprint"]);
  EXPECT_NE((*bs)["fingerprint"], (*aid)["fingerprint"]);
  EXPECT_EQ((*as)["trust"], "new");
}

// In the middle at first contact, the relay bends one bit of bob's SAS_REVEAL on its way to
// alice: it no longer opens bob's commitment, so alice ends that session (SAS_COMMIT_MISMATCH)
// before any HELLO, and the next pairing, untouched, comes up with matching codes.
TEST_F(TrustTest, ABentRevealIsACommitMismatchAndNothingIsShown) {
  Adversary adv = StartAdversary({"--mode", "bad-reveal"});
  auto alice = StartPeer(adv.addr, "alice", tmp_ / "alice");
  ASSERT_TRUE(Event(*alice, "waiting"));
  auto bob = StartPeer(adv.addr, "bob", tmp_ / "bob");
  ASSERT_TRUE(adv.proc->WaitForLine("fired mitm pair=1"));
  ASSERT_TRUE(alice->WaitForLine("\"code\":\"SAS_COMMIT_MISMATCH\""))
      << alice->Transcript() << adv.proc->Transcript();
  auto as = Event(*alice, "secure");
  auto bs = Event(*bob, "secure");
  ASSERT_TRUE(as && bs) << alice->Transcript() << bob->Transcript() << adv.proc->Transcript();
  std::printf("outcome: bad-reveal -> alice %s, then secure with sas %s (bob %s)\n",
              ErrorCodes(*alice).count("SAS_COMMIT_MISMATCH") ? "SAS_COMMIT_MISMATCH" : "-",
              std::string((*as)["sas"]).c_str(), std::string((*bs)["sas"]).c_str());
  // alice's only secure session is the one with bob himself, on the untouched pairing.
  EXPECT_TRUE(adv.proc->WaitForLine("paired pair=2"));
  EXPECT_EQ(Events(*alice, "secure").size(), 1u);
  auto bid = Event(*bob, "identity");
  ASSERT_TRUE(bid);
  EXPECT_EQ((*as)["fingerprint"], (*bid)["fingerprint"]);
  EXPECT_EQ((*as)["sas"], (*bs)["sas"]);
  // alice never said her name to the man in the middle.
  EXPECT_EQ(adv.proc->Count("mitm pair=1 dir=a2b app=HELLO"), 0u) << adv.proc->Transcript();
}

// Once they have met directly, the man in the middle cannot hide: both see a changed key and
// nothing is sent through him until someone accepts it.
TEST_F(TrustTest, ManInTheMiddleAfterPinningIsAChangedKeyAndBlocksSending) {
  Adversary adv = StartAdversary({"--mode", "mitm", "--arm-pair", "2"});
  auto alice = StartPeer(adv.addr, "alice", tmp_ / "alice");
  ASSERT_TRUE(Event(*alice, "waiting"));
  {
    auto bob = StartPeer(adv.addr, "bob", tmp_ / "bob");
    auto as = Event(*alice, "secure");
    auto bs = Event(*bob, "secure");
    ASSERT_TRUE(as && bs);
    EXPECT_EQ((*as)["sas"], (*bs)["sas"]);  // the first pairing passes untouched
    bob->WriteLine("/quit");
    EXPECT_EQ(bob->Wait(), 0);
  }
  ASSERT_TRUE(Event(*alice, "peer_left"));
  auto bob = StartPeer(adv.addr, "bob", tmp_ / "bob");
  ASSERT_TRUE(adv.proc->WaitForLine("fired mitm pair=2"));
  auto as = Event(*alice, "secure", 1);
  auto bs = Event(*bob, "secure");
  ASSERT_TRUE(as && bs) << alice->Transcript() << bob->Transcript() << adv.proc->Transcript();
  EXPECT_EQ((*as)["trust"], "changed");
  EXPECT_EQ((*bs)["trust"], "changed");
  ASSERT_TRUE(alice->WaitForLine("\"code\":\"KEY_CHANGED\""));
  ASSERT_TRUE(bob->WaitForLine("\"code\":\"KEY_CHANGED\""));

  alice->WriteLine("for bob only");
  bob->WriteLine("for alice only");
  ASSERT_TRUE(Event(*alice, "queued") && Event(*bob, "queued"));
  // Nothing but HELLOs crosses the adversary's two sessions (bounded wait for what must not come).
  EXPECT_FALSE(adv.proc->WaitForLine("app=MESSAGE", 1500ms)) << adv.proc->Transcript();
  EXPECT_TRUE(adv.proc->WaitForLine("app=HELLO"));
  EXPECT_EQ(bob->Count("for bob only"), 0u);
  EXPECT_EQ(alice->Count("for alice only"), 0u);
  EXPECT_EQ(Events(*alice, "delivered").size(), 0u);
}

}  // namespace
}  // namespace duet::testing
