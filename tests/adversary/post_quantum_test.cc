// The key agreement against a hostile relay, read off the wire: the ServerHello is in clear, so
// the relay (like anyone on the LAN) sees the group the server chose. Where OpenSSL has ML-KEM
// (Debian 13), that group is X25519MLKEM768 and a relay that tries to push the peers down to
// X25519 (by stripping the hybrid group from the ClientHello, or by answering it with a
// HelloRetryRequest of its own) gets no session at all: TLS 1.3 binds the hellos to the
// handshake's signatures and Finished messages. Where it has not (Debian 12), the group is
// X25519 and there is nothing to strip.
#include <gtest/gtest.h>

#include "tests/adversary/adversary_harness.h"

namespace duet::testing {
namespace {

class PostQuantumAttackTest : public ::testing::Test {
 protected:
  // alice (side a, the TLS server) waits; bob (side b, the client) joins.
  void StartPair(const std::vector<std::string>& mode) {
    adv_ = StartAdversary(mode);
    ASSERT_FALSE(adv_.addr.empty()) << adv_.proc->Transcript();
    // The peers link the OpenSSL the hostile relay links: it says whether that one has ML-KEM.
    pq_ = adv_.proc->Count("ml-kem: yes") == 1;
    alice_ = StartPeer(adv_.addr, "alice", tmp_ / "alice");
    ASSERT_TRUE(Event(*alice_, "waiting")) << alice_->Transcript();
    bob_ = StartPeer(adv_.addr, "bob", tmp_ / "bob");
  }
  std::string Transcripts() const {
    return adv_.proc->Transcript() + alice_->Transcript() + bob_->Transcript();
  }
  // Every secure session either peer had used the hybrid group.
  void ExpectNoClassicSession() {
    for (Process* p : {alice_.get(), bob_.get()}) {
      for (const json& s : Events(*p, "secure")) {
        EXPECT_EQ(s["post_quantum"], true) << s;
        EXPECT_EQ(s["key_agreement"], "X25519MLKEM768") << s;
      }
    }
  }

  TempDir tmp_;
  bool pq_ = false;
  Adversary adv_;
  std::unique_ptr<Process> alice_, bob_;
};

TEST_F(PostQuantumAttackTest, TheGroupOnTheWireIsTheOneBothPeersReport) {
  StartPair({"--mode", "pass"});
  const bool pq = pq_;
  auto as = Event(*alice_, "secure");
  auto bs = Event(*bob_, "secure");
  ASSERT_TRUE(as && bs) << Transcripts();
  EXPECT_TRUE(adv_.proc->WaitForLine(std::string("server-hello pair=1 group=") +
                                     (pq ? "0x11ec" : "0x001d")))
      << Transcripts();
  EXPECT_EQ(adv_.proc->Count(" retry"), 0u) << "no HelloRetryRequest round trip";
  for (const auto& s : {*as, *bs}) {
    EXPECT_EQ(s["key_agreement"], pq ? "X25519MLKEM768" : "X25519") << s;
    EXPECT_EQ(s["post_quantum"], pq) << s;
  }
  std::printf("outcome: pass -> group on the wire %s, alice %s, bob %s\n", pq ? "0x11ec" : "0x001d",
              std::string((*as)["key_agreement"]).c_str(),
              std::string((*bs)["key_agreement"]).c_str());
}

TEST_F(PostQuantumAttackTest, StrippingTheHybridGroupFromTheClientHelloGetsNoSession) {
  StartPair({"--mode", "strip-pq", "--dir", "b2a", "--n", "1"});
  if (!pq_) {
    // X25519 alone is offered: nothing to strip, and the session is the classic one it always was.
    ASSERT_TRUE(Event(*alice_, "secure") && Event(*bob_, "secure")) << Transcripts();
    EXPECT_EQ(adv_.proc->Count("fired strip-pq"), 0u) << Transcripts();
    return;
  }
  ASSERT_TRUE(adv_.proc->WaitForLine("fired strip-pq pair=1")) << Transcripts();
  // The server, shown X25519 alone, chose it...
  EXPECT_TRUE(adv_.proc->WaitForLine("server-hello pair=1 group=0x001d")) << Transcripts();
  // ...and the handshake failed on both sides: the server signed a hello bob never sent.
  for (Process* p : {alice_.get(), bob_.get()}) {
    auto e = Event(*p, "error");
    ASSERT_TRUE(e) << Transcripts();
    EXPECT_EQ((*e)["code"], "TLS_HANDSHAKE_FAILED") << *e;
    EXPECT_NE(std::string((*e)["message"]).find("interfering"), std::string::npos) << *e;
  }
  // The next pairing passes untouched: post-quantum again, and never a classic session.
  ASSERT_TRUE(adv_.proc->WaitForLine("server-hello pair=2 group=0x11ec", 60s)) << Transcripts();
  ASSERT_TRUE(Event(*alice_, "secure", 0, 60s) && Event(*bob_, "secure", 0, 60s)) << Transcripts();
  ExpectNoClassicSession();
  std::printf("outcome: strip-pq -> alice %s, bob %s, then a post-quantum session\n",
              ErrorCodes(*alice_).count("TLS_HANDSHAKE_FAILED") ? "TLS_HANDSHAKE_FAILED" : "-",
              ErrorCodes(*bob_).count("TLS_HANDSHAKE_FAILED") ? "TLS_HANDSHAKE_FAILED" : "-");
}

// The relay answers bob's ClientHello itself, asking for X25519 as an older server would. bob
// already sent an X25519 key share, so a genuine server could never ask for it (RFC 8446 4.1.4):
// bob refuses, and never retries with fewer groups.
TEST_F(PostQuantumAttackTest, AForgedHelloRetryRequestForX25519GetsNoSession) {
  StartPair({"--mode", "hrr-x25519", "--dir", "b2a", "--n", "1"});
  ASSERT_TRUE(adv_.proc->WaitForLine("fired hrr-x25519 pair=1")) << Transcripts();
  auto e = Event(*bob_, "error");
  ASSERT_TRUE(e) << Transcripts();
  EXPECT_EQ((*e)["code"], "TLS_HANDSHAKE_FAILED") << *e;
  EXPECT_NE(std::string((*e)["message"]).find("interfering"), std::string::npos) << *e;
  // bob's second hello (if any) went to the relay on a new pairing, with every group it had.
  ASSERT_TRUE(Event(*alice_, "secure", 0, 60s) && Event(*bob_, "secure", 0, 60s)) << Transcripts();
  EXPECT_TRUE(adv_.proc->WaitForLine("paired pair=2")) << Transcripts();
  if (pq_) ExpectNoClassicSession();
  std::printf("outcome: hrr-x25519 -> bob %s, alice %s\n",
              ErrorCodes(*bob_).count("TLS_HANDSHAKE_FAILED") ? "TLS_HANDSHAKE_FAILED" : "-",
              ErrorCodes(*alice_).empty() ? "no error (never saw a hello)" : "error");
}

}  // namespace
}  // namespace duet::testing
