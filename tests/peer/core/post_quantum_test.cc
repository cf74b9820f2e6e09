// The session's key agreement (crypto/tls_endpoint.h): the hybrid post-quantum group where the
// linked OpenSSL has ML-KEM, X25519 where it does not, what each side reports, and
// --require-pq (SessionConfig::require_post_quantum) refusing a session without it. Each test
// holds on both kinds of machine: it asks the library what it offers.
#include <gtest/gtest.h>

#include <algorithm>

#include "crypto/tls_endpoint.h"
#include "tests/peer/core/session_harness.h"

namespace duet::peer::testing {
namespace {

bool HasFatal(const Recorder& rec, std::string_view code) {
  return std::any_of(rec.fatal_errors.begin(), rec.fatal_errors.end(),
                     [&](const Error& e) { return e.code == code; });
}

std::function<void(SessionConfig&)> RequirePq() {
  return [](SessionConfig& c) { c.require_post_quantum = true; };
}

// A peer whose OpenSSL has no ML-KEM (as on Debian 12), whatever this machine's has.
std::function<void(SessionConfig&)> Classic() {
  return [](SessionConfig& c) { c.tls.offer_post_quantum = false; };
}

class PostQuantumSession : public SessionFixture {};

TEST_F(PostQuantumSession, BothSidesReportTheGroupTheirSessionUses) {
  auto a = MakePeer("alice", *alice_id_, "a.pins", "lab");
  auto b = MakePeer("bob", *bob_id_, "b.pins", "lab");
  relay_.Connect(*a);
  relay_.Connect(*b);
  ASSERT_TRUE(a->rec.peer && b->rec.peer);
  const bool pq = crypto::HybridGroupAvailable();
  for (TestPeer* p : {a.get(), b.get()}) {
    EXPECT_EQ(p->rec.peer->key_agreement, pq ? "X25519MLKEM768" : "X25519");
    EXPECT_EQ(p->rec.peer->post_quantum, pq);
  }
}

TEST_F(PostQuantumSession, AnOlderPeerGetsX25519AndNoOneCallsItPostQuantum) {
  auto a = MakePeer("alice", *alice_id_, "a.pins", "lab");
  auto b = MakePeer("bob", *bob_id_, "b.pins", "lab", Classic());
  relay_.Connect(*a);
  relay_.Connect(*b);
  ASSERT_TRUE(a->rec.peer && b->rec.peer);
  for (TestPeer* p : {a.get(), b.get()}) {
    EXPECT_EQ(p->rec.peer->key_agreement, "X25519");
    EXPECT_FALSE(p->rec.peer->post_quantum);
  }
  ASSERT_TRUE(a->session->SendText("still works").ok());
  relay_.Pump();
  EXPECT_EQ(b->rec.texts(), std::vector<std::string>{"still works"});
}

// --require-pq against a peer without the hybrid group, with either TLS role: the one who asked
// says PQ_REQUIRED, the other PQ_REQUIRED_BY_PEER; both runs end (trying again cannot help) and
// neither side learnt the other's name.
TEST_F(PostQuantumSession, RequiringItRefusesAnOlderPeerAndTellsItWhy) {
  for (bool requirer_first : {true, false}) {
    SCOPED_TRACE(requirer_first ? "the requirer is the TLS server" : "the requirer is the client");
    relay_ = MemoryRelay();
    auto strict = MakePeer("alice", *alice_id_, "a.pins", "lab", RequirePq());
    auto older = MakePeer("bob", *bob_id_, "b.pins", "lab", Classic());
    relay_.Connect(requirer_first ? *strict : *older);
    relay_.Connect(requirer_first ? *older : *strict);
    EXPECT_TRUE(HasFatal(strict->rec, "PQ_REQUIRED"));
    EXPECT_TRUE(HasFatal(older->rec, "PQ_REQUIRED_BY_PEER"));
    EXPECT_FALSE(strict->rec.peer.has_value());
    EXPECT_FALSE(older->rec.peer.has_value());
    EXPECT_FALSE(strict->session->should_reconnect());
    EXPECT_FALSE(older->session->should_reconnect());
    EXPECT_TRUE(strict->pins.pins().empty());
    EXPECT_TRUE(older->pins.pins().empty());
    relay_.Remove(*strict);
    relay_.Remove(*older);
  }
}

TEST_F(PostQuantumSession, RequiringItBetweenTwoPeersThatHaveItIsAnOrdinarySession) {
  if (!crypto::HybridGroupAvailable()) {
    GTEST_SKIP() << "this OpenSSL has no ML-KEM (the refusal is covered above)";
  }
  auto a = MakePeer("alice", *alice_id_, "a.pins", "lab", RequirePq());
  auto b = MakePeer("bob", *bob_id_, "b.pins", "lab", RequirePq());
  relay_.Connect(*a);
  relay_.Connect(*b);
  ASSERT_TRUE(a->rec.peer && b->rec.peer);
  EXPECT_TRUE(a->rec.peer->post_quantum);
  EXPECT_TRUE(b->rec.peer->post_quantum);
}

}  // namespace
}  // namespace duet::peer::testing
