// The session's key agreement between real duet --cli processes through a real duet-relay: what
// both sides say (the JSON `secure` event and the terminal's line), and --require-pq. Each test
// holds on Debian 12 (OpenSSL 3.0: X25519) and on Debian 13 (OpenSSL 3.5: X25519MLKEM768): it
// asks the linked library which one this machine makes. The group chosen on the wire is read
// from the ServerHello by the adversarial suite (tests/adversary/post_quantum_test.cc).
#include <gtest/gtest.h>

#include "crypto/tls_endpoint.h"
#include "tests/peer/cli/cli_harness.h"

namespace duet::testing {
namespace {

class CliPostQuantumTest : public ::testing::Test {
 protected:
  TempDir tmp_;
};

TEST_F(CliPostQuantumTest, BothSidesSayWhichKeyAgreementTheSessionUses) {
  const bool pq = crypto::HybridGroupAvailable();
  const std::string group = pq ? "X25519MLKEM768" : "X25519";
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice", "pq-room");
  ASSERT_TRUE(Event(*alice, "waiting")) << alice->Transcript();
  // bob is the terminal a person reads.
  auto bob = std::make_unique<Process>(std::vector<std::string>{
      BinDir() + "/duet", "--cli", "--relay", relay.addr, "--room", "pq-room", "--name", "bob",
      "--home", tmp_ / "bob", "--wait", "5"});
  auto as = Event(*alice, "secure");
  ASSERT_TRUE(as) << alice->Transcript() << bob->Transcript();
  EXPECT_EQ((*as)["key_agreement"], group);
  EXPECT_EQ((*as)["post_quantum"], pq);
  ASSERT_TRUE(bob->WaitForLine("Key agreement: " + group +
                               (pq ? " (post-quantum: yes)" : " (post-quantum: no;")))
      << bob->Transcript();
  bob->WriteLine("/verify");
  ASSERT_TRUE(bob->WaitForLine("  key agreement:  " + group +
                               (pq ? " (post-quantum: yes)" : " (post-quantum: no)")))
      << bob->Transcript();
  bob->CloseStdin();
  alice->CloseStdin();
  EXPECT_EQ(bob->Wait(), 0) << bob->Transcript();
  EXPECT_EQ(alice->Wait(), 0) << alice->Transcript();
}

// Where OpenSSL has no ML-KEM, --require-pq says so at once and nothing connects; where it has
// it, two peers that require it get their post-quantum session. (A peer that requires it against
// an older one: PostQuantumSession.RequiringItRefusesAnOlderPeerAndTellsItWhy, and across
// releases tests/peer/cli/mixed_release_test.cc.)
TEST_F(CliPostQuantumTest, RequirePqNeedsMlKemHereAndGetsItBetweenTwoThatHaveIt) {
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice", "pq-only", {"--require-pq"});
  if (!crypto::HybridGroupAvailable()) {
    auto e = Event(*alice, "error");
    ASSERT_TRUE(e) << alice->Transcript();
    EXPECT_EQ((*e)["code"], "PQ_UNAVAILABLE");
    EXPECT_NE(std::string((*e)["message"]).find("has no ML-KEM"), std::string::npos) << *e;
    EXPECT_EQ(alice->Wait(), 2) << alice->Transcript();
    EXPECT_EQ(alice->Count("\"event\":\"waiting\""), 0u) << alice->Transcript();
    return;
  }
  ASSERT_TRUE(Event(*alice, "waiting")) << alice->Transcript();
  auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob", "pq-only", {"--require-pq"});
  auto as = Event(*alice, "secure");
  auto bs = Event(*bob, "secure");
  ASSERT_TRUE(as && bs) << alice->Transcript() << bob->Transcript();
  EXPECT_EQ((*as)["post_quantum"], true);
  EXPECT_EQ((*bs)["post_quantum"], true);
  bob->CloseStdin();
  alice->CloseStdin();
  EXPECT_EQ(bob->Wait(), 0) << bob->Transcript();
  EXPECT_EQ(alice->Wait(), 0) << alice->Transcript();
}

}  // namespace
}  // namespace duet::testing
