// The code check (wire/PROTOCOL.md 3.2) against a relay in the middle: it terminates TLS with
// each peer under its own keys and forwards every application frame between its two sessions,
// the code check's included, unchanged. Without a code (the TrustTest of trust_test.cc) this
// attack gets a secure session with each side and reads everything unless the people compare
// digits; with a code both sides fail on their own, and no name or message ever reaches it.
#include <gtest/gtest.h>

#include "tests/adversary/adversary_harness.h"

namespace duet::testing {
namespace {

constexpr char kCode[] = "7301-acorn-gravy-petal";

class CodeTest : public ::testing::Test {
 protected:
  TempDir tmp_;
};

TEST_F(CodeTest, ARelayInTheMiddleThatForwardsTheCodeCheckFailsOnBothSides) {
  Adversary adv = StartAdversary({"--mode", "mitm"});
  ASSERT_FALSE(adv.addr.empty()) << adv.proc->Transcript();
  auto alice = StartPeer(adv.addr, "alice", tmp_ / "alice", kCode);
  ASSERT_TRUE(Event(*alice, "waiting"));
  auto bob = StartPeer(adv.addr, "bob", tmp_ / "bob", kCode);
  ASSERT_TRUE(adv.proc->WaitForLine("fired mitm pair=1")) << adv.proc->Transcript();
  for (Process* p : {alice.get(), bob.get()}) {
    auto e = Event(*p, "error");
    ASSERT_TRUE(e) << p->Transcript() << adv.proc->Transcript();
    EXPECT_EQ((*e)["code"], "CODE_MISMATCH") << *e;
    EXPECT_EQ((*e)["message"],
              "The code did not match: a typo, or someone between you. Nothing was sent and no "
              "key was trusted. That code is used up; make a new one and read it out again.");
    EXPECT_EQ(p->Wait(), 4) << p->Transcript();
    EXPECT_EQ(Events(*p, "secure").size(), 0u) << p->Transcript();
  }
  std::printf("outcome: mitm with a code -> alice %s, bob %s\n",
              ErrorCodes(*alice).count("CODE_MISMATCH") ? "CODE_MISMATCH" : "-",
              ErrorCodes(*bob).count("CODE_MISMATCH") ? "CODE_MISMATCH" : "-");
  // It did forward bob's share faithfully; alice saw a key in it that is not the one of her TLS
  // session (the relay's), refused it, and said so to bob (BYE, forwarded too)...
  EXPECT_TRUE(adv.proc->WaitForLine("dir=b2a app=CODE_SHARE")) << adv.proc->Transcript();
  EXPECT_TRUE(adv.proc->WaitForLine("dir=a2b app=BYE")) << adv.proc->Transcript();
  // ...and never saw a name or a message.
  EXPECT_EQ(adv.proc->Count("app=HELLO"), 0u) << adv.proc->Transcript();
  EXPECT_EQ(adv.proc->Count("app=MESSAGE"), 0u) << adv.proc->Transcript();
  EXPECT_EQ(adv.proc->Count("app=SAS_COMMIT"), 0u) << adv.proc->Transcript();
}

// The same relay, but it puts its own key into each share, so that each side's check of the key
// passes: the two CPace runs are bound to two different TLS sessions (their exporter values are
// in the channel identifier), so bob's check of alice's confirmation fails, and alice hears it.
TEST_F(CodeTest, ARelayThatPutsItsOwnKeyInTheSharesStillFailsTheConfirmation) {
  Adversary adv = StartAdversary({"--mode", "code-rekey"});
  ASSERT_FALSE(adv.addr.empty()) << adv.proc->Transcript();
  auto alice = StartPeer(adv.addr, "alice", tmp_ / "alice", kCode);
  ASSERT_TRUE(Event(*alice, "waiting"));
  auto bob = StartPeer(adv.addr, "bob", tmp_ / "bob", kCode);
  ASSERT_TRUE(adv.proc->WaitForLine("fired code-rekey pair=1")) << adv.proc->Transcript();
  for (Process* p : {alice.get(), bob.get()}) {
    auto e = Event(*p, "error");
    ASSERT_TRUE(e) << p->Transcript() << adv.proc->Transcript();
    EXPECT_EQ((*e)["code"], "CODE_MISMATCH") << *e;
    EXPECT_EQ(p->Wait(), 4) << p->Transcript();
    EXPECT_EQ(Events(*p, "secure").size(), 0u) << p->Transcript();
  }
  std::printf("outcome: code-rekey -> alice %s, bob %s\n",
              ErrorCodes(*alice).count("CODE_MISMATCH") ? "CODE_MISMATCH" : "-",
              ErrorCodes(*bob).count("CODE_MISMATCH") ? "CODE_MISMATCH" : "-");
  // Both shares and alice's confirmation went through; bob refused it and said so.
  EXPECT_TRUE(adv.proc->WaitForLine("dir=b2a app=CODE_SHARE")) << adv.proc->Transcript();
  EXPECT_TRUE(adv.proc->WaitForLine("dir=a2b app=CODE_CONFIRM")) << adv.proc->Transcript();
  EXPECT_TRUE(adv.proc->WaitForLine("dir=b2a app=BYE")) << adv.proc->Transcript();
  EXPECT_EQ(adv.proc->Count("app=HELLO"), 0u) << adv.proc->Transcript();
  EXPECT_EQ(adv.proc->Count("app=SAS_COMMIT"), 0u) << adv.proc->Transcript();
}

}  // namespace
}  // namespace duet::testing
