// The code check (peer/core/code_check.h, wire/PROTOCOL.md 3.2) between real Sessions: the honest
// case, a wrong secret, a cut, a peer without the code, and a man in the middle that terminates
// TLS with each side and forwards everything faithfully.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/peer/core/session_harness.h"

namespace duet::peer::testing {
namespace {

namespace app = wire::app;

constexpr char kCode[] = "7301-acorn-gravy-petal";

std::function<void(SessionConfig&)> WithCode(const std::string& code) {
  return [code](SessionConfig& c) { c.code = code; };
}

bool HasFatal(const Recorder& rec, std::string_view code) {
  return std::any_of(rec.fatal_errors.begin(), rec.fatal_errors.end(),
                     [&](const Error& e) { return e.code == code; });
}

std::vector<uint8_t> FrameTypes(const wire::Bytes& plaintext) {
  wire::FrameDecoder decoder(app::kMaxAppPayload);
  std::vector<wire::Frame> frames;
  (void)decoder.Feed(plaintext, frames);
  std::vector<uint8_t> types;
  for (const wire::Frame& f : frames) types.push_back(f.type);
  return types;
}

class CodeCheckSession : public SessionFixture {
 protected:
  struct Pair {
    std::unique_ptr<TestPeer> a, b;
  };
  Pair Connected(const std::string& a_code, const std::string& b_code) {
    Pair p{MakePeer("alice", *alice_id_, "a.pins", "7301", WithCode(a_code)),
           MakePeer("bob", *bob_id_, "b.pins", "7301", WithCode(b_code))};
    relay_.Connect(*p.a);
    relay_.Connect(*p.b);
    return p;
  }
};

TEST_F(CodeCheckSession, TheSameCodeVerifiesBothKeysWithoutComparingDigits) {
  auto [a, b] = Connected(kCode, kCode);
  ASSERT_EQ(a->session->state(), SessionState::kSecure);
  ASSERT_EQ(b->session->state(), SessionState::kSecure);
  ASSERT_TRUE(a->rec.peer && b->rec.peer);
  EXPECT_TRUE(a->rec.peer->code_checked);
  EXPECT_TRUE(b->rec.peer->code_checked);
  EXPECT_EQ(a->rec.peer->trust, TrustLevel::kVerified);
  EXPECT_EQ(b->rec.peer->trust, TrustLevel::kVerified);
  // Pinned as verified on both sides, under the names they gave.
  ASSERT_EQ(a->pins.pins().size(), 1u);
  EXPECT_TRUE(a->pins.pins()[0].verified);
  EXPECT_EQ(a->pins.pins()[0].fingerprint, bob_id_->fingerprint());
  EXPECT_EQ(a->pins.pins()[0].name, "bob");
  ASSERT_EQ(b->pins.pins().size(), 1u);
  EXPECT_TRUE(b->pins.pins()[0].verified);
  // The six digits are still there, the same on both sides.
  EXPECT_EQ(a->rec.peer->sas, b->rec.peer->sas);
  // Messages flow.
  ASSERT_TRUE(a->session->SendText("hello bob").ok());
  relay_.Pump();
  EXPECT_EQ(b->rec.texts(), std::vector<std::string>{"hello bob"});
  // The secret words never crossed the relay in clear.
  for (const wire::Bytes& payload : relay_.seen) {
    const std::string s(payload.begin(), payload.end());
    EXPECT_EQ(s.find("gravy"), std::string::npos);
  }
}

TEST_F(CodeCheckSession, AWrongSecretFailsOnBothSidesAndPinsNothing) {
  auto [a, b] = Connected(kCode, "7301-acorn-gravy-pecan");
  EXPECT_TRUE(HasFatal(a->rec, "CODE_MISMATCH"));
  EXPECT_TRUE(HasFatal(b->rec, "CODE_MISMATCH"));
  EXPECT_FALSE(a->rec.peer.has_value());  // no secure event: no name, no message
  EXPECT_FALSE(b->rec.peer.has_value());
  EXPECT_TRUE(a->pins.pins().empty());
  EXPECT_TRUE(b->pins.pins().empty());
  EXPECT_FALSE(a->session->should_reconnect());  // the code is used up: the run is over
  EXPECT_FALSE(b->session->should_reconnect());
}

TEST_F(CodeCheckSession, ACutDuringTheCheckUsesTheCodeUp) {
  MemoryPins pins;
  // The session is the TLS client: it sends its share as soon as the handshake is done.
  ScriptedPeer other(*alice_id_, *bob_id_, pins, &clock_, "7301", WithCode(kCode));
  EXPECT_EQ(other.TakeReceivedTypes(), std::vector<uint8_t>{0x43});  // CODE_SHARE only
  other.session->OnTransportClosed();
  EXPECT_TRUE(HasFatal(other.rec, "CODE_INTERRUPTED"));
  EXPECT_FALSE(other.session->should_reconnect());
  EXPECT_TRUE(pins.pins().empty());
}

// Frames out of turn after our share went out: a protocol error, and the code is used up all the
// same (whoever sent them had our share).
TEST_F(CodeCheckSession, AFrameOutOfTurnAfterOurShareEndsTheRunAndUsesTheCodeUp) {
  MemoryPins pins;
  ScriptedPeer other(*alice_id_, *bob_id_, pins, &clock_, "7301", WithCode(kCode));
  ASSERT_EQ(other.TakeReceivedTypes(), std::vector<uint8_t>{0x43});
  app::CodeConfirm early;
  early.tag.fill(1);
  other.Send(early);  // a confirmation before any share
  EXPECT_TRUE(other.rec.HasError("PEER_PROTOCOL_ERROR"));
  EXPECT_TRUE(HasFatal(other.rec, "CODE_INTERRUPTED"));
  EXPECT_FALSE(other.session->should_reconnect());
  EXPECT_EQ(other.TakeReceivedTypes(), std::vector<uint8_t>{});  // no HELLO, no SAS
}

TEST_F(CodeCheckSession, APeerWithoutTheCodeIsTurnedAwayAndTheCodeStillWorks) {
  // alice made the code and waits (TLS server); a stranger joins the number alone.
  auto a = MakePeer("alice", *alice_id_, "a.pins", "7301", WithCode(kCode));
  auto stranger = MakePeer("mallory", *mallory_id_, "m.pins", "7301");
  relay_.Connect(*a);
  relay_.Connect(*stranger);
  EXPECT_TRUE(a->rec.HasError("CODE_MISSING"));
  EXPECT_TRUE(a->rec.fatal_errors.empty());  // nothing of ours went out: the code still holds
  EXPECT_FALSE(a->rec.peer.has_value());
  EXPECT_FALSE(stranger->rec.peer.has_value());
  relay_.Remove(*stranger);
  relay_.Remove(*a);
  relay_ = MemoryRelay();

  // With the roles the other way round, the one without the code is told to type it whole.
  auto late = MakePeer("mallory", *mallory_id_, "m2.pins", "7301");
  auto a2 = MakePeer("alice", *alice_id_, "a.pins", "7301", WithCode(kCode));
  relay_.Connect(*late);
  relay_.Connect(*a2);
  EXPECT_TRUE(HasFatal(late->rec, "CODE_REQUIRED"));
  EXPECT_FALSE(late->rec.peer.has_value());
  relay_.Remove(*late);
  relay_.Remove(*a2);
  relay_ = MemoryRelay();

  // bob comes with the code: checked and verified.
  auto a3 = MakePeer("alice", *alice_id_, "a.pins", "7301", WithCode(kCode));
  auto b = MakePeer("bob", *bob_id_, "b.pins", "7301", WithCode(kCode));
  relay_.Connect(*a3);
  relay_.Connect(*b);
  ASSERT_TRUE(a3->rec.peer.has_value());
  EXPECT_TRUE(a3->rec.peer->code_checked);
  EXPECT_EQ(a3->rec.peer->trust, TrustLevel::kVerified);
}

TEST_F(CodeCheckSession, AfterTheCheckOnlyTheCheckedKeyIsAcceptedOnReconnect) {
  auto [a, b] = Connected(kCode, kCode);
  ASSERT_EQ(a->session->state(), SessionState::kSecure);
  relay_.Drop(*b);  // bob's connection is lost; alice waits in the room
  // mallory takes bob's place: refused before the code check and before alice's name.
  auto m = MakePeer("mallory", *mallory_id_, "m.pins", "7301", WithCode(kCode));
  relay_.Connect(*m);
  EXPECT_TRUE(a->rec.HasError("UNEXPECTED_KEY"));
  EXPECT_FALSE(m->rec.peer.has_value());
  EXPECT_TRUE(a->session->should_reconnect());
}

// A relay that terminates TLS with each side (its own key on both) and forwards every frame of
// the code check between its two sessions, unchanged: each side sees a share that does not come
// from the key of its TLS session, and the code's CPace runs on different channel identifiers in
// any case. Both fail; neither name nor message reaches the relay.
TEST_F(CodeCheckSession, ARelayInTheMiddleThatForwardsTheCheckFailsOnBothSides) {
  MemoryPins pins_a, pins_b;
  ScriptedPeer to_alice(*alice_id_, *mallory_id_, pins_a, &clock_, "7301", WithCode(kCode));
  ScriptedPeer to_bob(*bob_id_, *mallory_id_, pins_b, &clock_, "7301", WithCode(kCode));
  wire::Bytes saw;
  for (int round = 0; round < 10; ++round) {
    wire::Bytes from_alice = to_alice.TakeReceived();
    wire::Bytes from_bob = to_bob.TakeReceived();
    if (from_alice.empty() && from_bob.empty()) break;
    saw.insert(saw.end(), from_alice.begin(), from_alice.end());
    saw.insert(saw.end(), from_bob.begin(), from_bob.end());
    to_bob.Send(from_alice);
    to_alice.Send(from_bob);
  }
  EXPECT_TRUE(HasFatal(to_alice.rec, "CODE_MISMATCH"));
  EXPECT_TRUE(HasFatal(to_bob.rec, "CODE_MISMATCH"));
  const std::vector<uint8_t> types = FrameTypes(saw);
  EXPECT_EQ(std::count(types.begin(), types.end(), 0x10), 0);  // no HELLO: no name
  EXPECT_EQ(std::count(types.begin(), types.end(), 0x11), 0);  // no MESSAGE
  EXPECT_TRUE(pins_a.pins().empty());
  EXPECT_TRUE(pins_b.pins().empty());
}

// The same relay, but it rewrites the keys in the shares to its own, so that each side's key
// check passes: the CPace runs still disagree (different TLS sessions, different channel
// identifiers, and the relay does not know the code), so no confirmation ever verifies.
TEST_F(CodeCheckSession, ARelayThatRewritesTheKeysStillCannotConfirm) {
  MemoryPins pins_a, pins_b;
  ScriptedPeer to_alice(*alice_id_, *mallory_id_, pins_a, &clock_, "7301", WithCode(kCode));
  ScriptedPeer to_bob(*bob_id_, *mallory_id_, pins_b, &clock_, "7301", WithCode(kCode));
  // Both sessions are TLS clients here, so the relay must play responder to each: it answers
  // each side's share with the other side's share (key rewritten) and a confirmation it can only
  // guess.
  auto share_of = [](const wire::Bytes& plaintext) {
    wire::FrameDecoder decoder(app::kMaxAppPayload);
    std::vector<wire::Frame> frames;
    EXPECT_TRUE(decoder.Feed(plaintext, frames).ok());
    EXPECT_EQ(frames.size(), 1u);
    Result<app::AppMessage> m = app::DecodeAppMessage(frames.at(0).type, frames.at(0).payload);
    return std::get<app::CodeShare>(m.value());
  };
  app::CodeShare from_alice = share_of(to_alice.TakeReceived());
  app::CodeShare from_bob = share_of(to_bob.TakeReceived());
  from_alice.fingerprint = from_bob.fingerprint = mallory_id_->fingerprint().bytes;
  app::CodeConfirm guess;
  guess.tag.fill(0x5a);
  to_bob.Send(from_alice);
  to_bob.Send(guess);
  to_alice.Send(from_bob);
  to_alice.Send(guess);
  EXPECT_TRUE(HasFatal(to_alice.rec, "CODE_MISMATCH"));
  EXPECT_TRUE(HasFatal(to_bob.rec, "CODE_MISMATCH"));
  EXPECT_FALSE(to_alice.rec.peer.has_value());
  EXPECT_FALSE(to_bob.rec.peer.has_value());
  const std::vector<uint8_t> types = FrameTypes(to_alice.TakeReceived());
  EXPECT_EQ(std::count(types.begin(), types.end(), 0x10), 0);
}

}  // namespace
}  // namespace duet::peer::testing
