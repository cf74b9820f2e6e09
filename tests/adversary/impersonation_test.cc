// A man in the middle after alice and bob have met directly (issue 13): he renames the peer so
// the name slips past the pin store, or forges what the peer "sent". Names that hide characters
// are refused; a name that only looks like a pinned one is a key change; and whatever a changed
// key sends is held until alice decides, never shown, receipted or accepted behind her back.
//
// Pairing 1 passes untouched (alice and bob pin each other); pairing 2 is the attack.
#include <gtest/gtest.h>

#include "tests/adversary/adversary_harness.h"
#include "tests/adversary/frame_policies.h"

namespace duet::testing {
namespace {

class ImpersonationTest : public ::testing::Test {
 protected:
  // Starts the adversary with `args` (armed on pairing 2), lets alice and bob meet directly on
  // pairing 1, then brings bob back through the man in the middle.
  void MeetThenMitm(std::vector<std::string> args) {
    args.insert(args.end(), {"--arm-pair", "2"});
    adv_ = StartAdversary(args);
    ASSERT_FALSE(adv_.addr.empty()) << adv_.proc->Transcript();
    alice_ = StartPeer(adv_.addr, "alice", tmp_ / "alice");
    ASSERT_TRUE(Event(*alice_, "waiting"));
    {
      auto bob = StartPeer(adv_.addr, "bob", tmp_ / "bob");
      auto as = Event(*alice_, "secure");
      auto bs = Event(*bob, "secure");
      ASSERT_TRUE(as && bs) << alice_->Transcript() << bob->Transcript();
      ASSERT_EQ((*as)["sas"], (*bs)["sas"]);  // the first pairing passes untouched
      auto bid = Event(*bob, "identity");
      ASSERT_TRUE(bid);
      bob_fingerprint_ = (*bid)["fingerprint"];
      bob->WriteLine("/quit");
      ASSERT_EQ(bob->Wait(), 0);
    }
    ASSERT_TRUE(Event(*alice_, "peer_left"));
    bob_ = StartPeer(adv_.addr, "bob", tmp_ / "bob");
    ASSERT_TRUE(adv_.proc->WaitForLine("fired mitm pair=2")) << Transcripts();
  }

  std::string Transcripts() const {
    std::string s = "--- adversary\n" + adv_.proc->Transcript();
    if (alice_) s += "--- alice\n" + alice_->Transcript();
    if (bob_) s += "--- bob\n" + bob_->Transcript();
    return s;
  }

  // A renamed bob is refused: an error, and no session with the adversary's key, ever.
  void ExpectNameRefused(const std::string& shown_name) {
    auto refused = alice_->WaitForLine("\"code\":\"PEER_NAME_REFUSED\"", 10s);
    std::printf("outcome: rename to '%s' -> alice: %s\n", shown_name.c_str(),
                refused ? "PEER_NAME_REFUSED" : "no refusal");
    for (const json& s : Events(*alice_, "secure")) {
      std::printf("outcome: alice secure peer=%s trust=%s\n", s.dump().c_str(),
                  std::string(s.value("trust", "")).c_str());
    }
    ASSERT_TRUE(refused) << Transcripts();
    // Bounded wait for what must not come: a session under the renamed (adversary's) key.
    alice_->WaitForCount("\"event\":\"secure\"", 2, 1500ms);
    for (const json& s : Events(*alice_, "secure")) {
      EXPECT_EQ(s["fingerprint"], bob_fingerprint_) << Transcripts();
    }
    EXPECT_EQ(Events(*alice_, "message").size(), 0u);
  }

  TempDir tmp_;
  Adversary adv_;
  std::unique_ptr<Process> alice_, bob_;
  std::string bob_fingerprint_;
};

TEST_F(ImpersonationTest, TrailingSpaceNameIsRefused) {
  ASSERT_NO_FATAL_FAILURE(MeetThenMitm({"--mode", "rename", "--name", "bob "}));
  ExpectNameRefused("bob ");
}

TEST_F(ImpersonationTest, ZeroWidthSpaceNameIsRefused) {
  ASSERT_NO_FATAL_FAILURE(MeetThenMitm({"--mode", "rename", "--name", "bob\\u200b"}));
  ExpectNameRefused("bob\\u200b");
}

// "bоb" with a Cyrillic о (U+043E) has the confusable skeleton of the pinned "bob".
TEST_F(ImpersonationTest, ConfusableNameIsAKeyChange) {
  ASSERT_NO_FATAL_FAILURE(MeetThenMitm({"--mode", "rename", "--name", "b\\u043eb"}));
  auto as = Event(*alice_, "secure", 1);
  ASSERT_TRUE(as) << Transcripts();
  std::printf("outcome: rename to confusable -> alice secure %s\n", as->dump().c_str());
  EXPECT_EQ((*as)["trust"], "changed") << Transcripts();
  EXPECT_TRUE(alice_->WaitForLine("\"code\":\"KEY_CHANGED\"", 5s)) << Transcripts();

  alice_->WriteLine("for bob only");
  ASSERT_TRUE(Event(*alice_, "queued"));
  // Bounded wait for what must not come: alice's message through the adversary.
  const bool through = adv_.proc->WaitForLine("dir=a2b app=MESSAGE", 1500ms).has_value();
  std::printf(
      "outcome: rename to confusable -> alice's message through the adversary: %s, "
      "delivered events: %zu\n",
      through ? "yes" : "no", Events(*alice_, "delivered").size());
  EXPECT_FALSE(through) << Transcripts();
  EXPECT_EQ(Events(*alice_, "delivered").size(), 0u) << Transcripts();
  EXPECT_EQ(bob_->Count("for bob only"), 0u);
}

class QuarantineTest : public ImpersonationTest {
 protected:
  // The forged MESSAGE and FILE_OFFER reach alice under a changed key and are held. Returns how
  // many alice says she holds.
  int ForgedFramesAreHeld() {
    MeetThenMitm({"--mode", "forge"});
    if (HasFatalFailure()) return -1;
    auto as = Event(*alice_, "secure", 1);
    EXPECT_TRUE(as) << Transcripts();
    if (!as) return -1;
    EXPECT_EQ((*as)["trust"], "changed") << Transcripts();
    EXPECT_TRUE(alice_->WaitForLine("\"code\":\"KEY_CHANGED\"", 5s)) << Transcripts();
    EXPECT_TRUE(adv_.proc->WaitForLine("fired forge pair=2", 5s)) << Transcripts();
    auto q = Event(*alice_, "quarantined", 0, 5s);
    // Bounded wait for what must not come: a receipt or a file acceptance for the forgeries.
    const bool receipt = adv_.proc->WaitForLine("dir=a2b app=RECEIPT", 2s).has_value();
    std::printf(
        "outcome: forge -> alice messages %zu, file offers %zu, quarantined %s, "
        "receipt to the adversary %s, file accepted %zu\n",
        Events(*alice_, "message").size(), Events(*alice_, "file_offer").size(),
        q ? q->dump().c_str() : "none", receipt ? "yes" : "no",
        adv_.proc->Count("dir=a2b app=FILE_ACCEPT"));
    EXPECT_FALSE(receipt) << Transcripts();
    EXPECT_EQ(adv_.proc->Count("dir=a2b app=FILE_ACCEPT"), 0u) << Transcripts();
    for (const json& m : Events(*alice_, "message")) {
      EXPECT_NE(m["text"], adversary::kForgedText) << Transcripts();
    }
    EXPECT_TRUE(q) << Transcripts();
    if (!q) return -1;
    // The forged message and the offer are counted one by one: wait for both.
    EXPECT_TRUE(Event(*alice_, "quarantined", 1, 5s)) << Transcripts();
    const json last = Events(*alice_, "quarantined").back();
    const int held = last.value("held", 0);
    EXPECT_GE(held, 1) << last;
    return held;
  }
};

TEST_F(QuarantineTest, ForgedMessagesFromAChangedKeyAreHeldNotShown) {
  const int held = ForgedFramesAreHeld();
  ASSERT_GE(held, 1);
  alice_->WriteLine("/reject");
  auto line = alice_->WaitForLine("\"code\":\"QUARANTINE_DROPPED\"", 5s);
  ASSERT_TRUE(line) << Transcripts();
  const json e = json::parse(*line, nullptr, false);
  EXPECT_NE(std::string(e.value("message", "")).find(std::to_string(held)), std::string::npos) << e;
  EXPECT_EQ(alice_->Wait(10s), 4) << Transcripts();
  EXPECT_EQ(alice_->Count(adversary::kForgedText), 0u) << Transcripts();
}

TEST_F(QuarantineTest, AcceptedKeyShowsHeldMessagesMarked) {
  ASSERT_GE(ForgedFramesAreHeld(), 1);
  alice_->WriteLine("/trust");
  auto m = Event(*alice_, "message", 0, 5s);
  ASSERT_TRUE(m) << Transcripts();
  EXPECT_EQ((*m)["text"], adversary::kForgedText);
  EXPECT_EQ((*m)["held"], true) << *m;
  EXPECT_EQ((*m)["trust"], "changed") << *m;
  EXPECT_EQ(Events(*alice_, "message").size(), 1u);
}

}  // namespace
}  // namespace duet::testing
