// The session state machine, two real sessions through an in-memory relay.
#include "peer/core/session.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "tests/crypto/test_certificates.h"
#include "tests/peer/core/session_harness.h"
#include "tests/support/process.h"

namespace duet::peer::testing {
namespace {

namespace fs = std::filesystem;

class SessionTest : public SessionFixture {
 protected:
  // alice and bob, connected and secure.
  void ConnectPair(TestPeer& a, TestPeer& b) {
    relay_.Connect(a);
    relay_.Connect(b);
    ASSERT_EQ(a.session->state(), SessionState::kSecure);
    ASSERT_EQ(b.session->state(), SessionState::kSecure);
  }
};

TEST_F(SessionTest, ChatsBothWaysWithReceipts) {
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  auto b = MakePeer("bob", *bob_id_, "b.pins");
  ConnectPair(*a, *b);

  Result<std::string> id = a->session->SendText("hello bob");
  ASSERT_TRUE(id.ok());
  relay_.Pump();
  ASSERT_EQ(b->rec.messages.size(), 1u);
  EXPECT_EQ(b->rec.messages[0].text, "hello bob");
  EXPECT_EQ(b->rec.messages[0].from, "alice");
  EXPECT_EQ(b->rec.messages[0].id, *id);
  EXPECT_EQ(b->rec.messages[0].timestamp_ms, clock_);
  EXPECT_EQ(a->rec.delivered, std::vector<std::string>{*id});
  EXPECT_EQ(a->session->pending_count(), 0u);

  ASSERT_TRUE(b->session->SendText("hi alice \xF0\x9F\x91\x8B").ok());
  relay_.Pump();
  EXPECT_EQ(a->rec.texts(), std::vector<std::string>{"hi alice \xF0\x9F\x91\x8B"});
  EXPECT_EQ(b->rec.delivered.size(), 1u);
}

TEST_F(SessionTest, BothSidesSeeTheSameSasAndSafetyNumber) {
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  auto b = MakePeer("bob", *bob_id_, "b.pins");
  ConnectPair(*a, *b);
  ASSERT_TRUE(a->rec.peer && b->rec.peer);
  EXPECT_EQ(a->rec.peer->sas, b->rec.peer->sas);
  EXPECT_EQ(a->rec.peer->safety_number, b->rec.peer->safety_number);
  EXPECT_EQ(a->rec.peer->name, "bob");
  EXPECT_EQ(b->rec.peer->name, "alice");
  EXPECT_EQ(a->rec.peer->fingerprint, bob_id_->fingerprint().Hex());
  EXPECT_EQ(b->rec.peer->fingerprint, alice_id_->fingerprint().Hex());
  EXPECT_EQ(a->rec.peer->trust, TrustLevel::kNew);
}

TEST_F(SessionTest, RelaySeesNoPlaintext) {
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  auto b = MakePeer("bob", *bob_id_, "b.pins");
  ConnectPair(*a, *b);
  ASSERT_TRUE(a->session->SendText("the secret plan").ok());
  relay_.Pump();
  ASSERT_EQ(b->rec.texts().size(), 1u);
  for (const wire::Bytes& frame : relay_.seen) {
    std::string s(frame.begin(), frame.end());
    EXPECT_EQ(s.find("secret"), std::string::npos);
    EXPECT_EQ(s.find("alice"), std::string::npos);
    EXPECT_EQ(s.find(a->rec.peer->sas), std::string::npos);
  }
}

TEST_F(SessionTest, MessagesTypedBeforePairingAreSentOnceSecure) {
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  auto b = MakePeer("bob", *bob_id_, "b.pins");
  relay_.Connect(*a);
  EXPECT_EQ(a->session->state(), SessionState::kWaitingForPeer);
  ASSERT_TRUE(a->session->SendText("one").ok());
  ASSERT_TRUE(a->session->SendText("two").ok());
  relay_.Pump();
  EXPECT_EQ(a->session->pending_count(), 2u);
  relay_.Connect(*b);
  EXPECT_EQ(b->rec.texts(), (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(a->rec.delivered.size(), 2u);
}

TEST_F(SessionTest, SecondSessionWithSameKeysIsKnown) {
  {
    auto a = MakePeer("alice", *alice_id_, "a.pins");
    auto b = MakePeer("bob", *bob_id_, "b.pins");
    ConnectPair(*a, *b);
    EXPECT_EQ(a->rec.peer->trust, TrustLevel::kNew);
  }
  relay_ = MemoryRelay();
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  auto b = MakePeer("bob", *bob_id_, "b.pins");
  ConnectPair(*a, *b);
  EXPECT_EQ(a->rec.peer->trust, TrustLevel::kKnown);
  EXPECT_EQ(b->rec.peer->trust, TrustLevel::kKnown);
  ASSERT_TRUE(a->session->TrustPeer().ok());
  EXPECT_EQ(a->rec.peer->trust, TrustLevel::kVerified);
}

TEST_F(SessionTest, ChangedKeyBlocksSendingUntilTrusted) {
  {
    auto a = MakePeer("alice", *alice_id_, "a.pins");
    auto b = MakePeer("bob", *bob_id_, "b.pins");
    ConnectPair(*a, *b);
  }
  relay_ = MemoryRelay();
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  auto fake_bob = MakePeer("bob", *mallory_id_, "m.pins");
  ConnectPair(*a, *fake_bob);
  EXPECT_EQ(a->rec.peer->trust, TrustLevel::kChanged);
  EXPECT_TRUE(a->rec.HasError("KEY_CHANGED"));
  EXPECT_TRUE(a->session->sending_blocked());

  ASSERT_TRUE(a->session->SendText("are you there?").ok());
  relay_.Pump();
  EXPECT_TRUE(fake_bob->rec.messages.empty());
  EXPECT_EQ(a->session->pending_count(), 1u);

  ASSERT_TRUE(a->session->TrustPeer().ok());
  relay_.Pump();
  EXPECT_EQ(fake_bob->rec.texts(), std::vector<std::string>{"are you there?"});
  EXPECT_EQ(a->rec.peer->trust, TrustLevel::kVerified);
}

TEST_F(SessionTest, LostReceiptIsResentAfterReconnectAndShownOnce) {
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  auto b = MakePeer("bob", *bob_id_, "b.pins");
  ConnectPair(*a, *b);
  // Cut bob's link as soon as he sends anything (his receipt), before it reaches alice.
  relay_.tamper = [&](TestPeer& from, wire::Bytes&) {
    if (&from != b.get()) return true;
    relay_.Drop(*b);
    return false;
  };
  ASSERT_TRUE(a->session->SendText("exactly once").ok());
  relay_.Pump();
  EXPECT_EQ(b->rec.texts().size(), 1u);
  EXPECT_TRUE(a->rec.delivered.empty());
  EXPECT_EQ(a->rec.peer_left, 0);  // bob vanished without a goodbye: the connection was lost
  EXPECT_TRUE(a->rec.HasError("CONNECTION_LOST"));
  EXPECT_EQ(b->session->state(), SessionState::kReconnecting);

  relay_.tamper = nullptr;
  relay_.Connect(*b);
  EXPECT_EQ(b->rec.texts(), std::vector<std::string>{"exactly once"});
  EXPECT_EQ(a->rec.delivered.size(), 1u);
  EXPECT_EQ(a->session->pending_count(), 0u);
}

TEST_F(SessionTest, TamperedRecordEndsSessionThenRecovers) {
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  auto b = MakePeer("bob", *bob_id_, "b.pins");
  ConnectPair(*a, *b);
  bool flipped = false;
  relay_.tamper = [&](TestPeer& from, wire::Bytes& payload) {
    if (&from == a.get() && !flipped) {
      payload[payload.size() / 2] ^= 0x01;
      flipped = true;
    }
    return true;
  };
  ASSERT_TRUE(a->session->SendText("do not alter me").ok());
  relay_.Pump();
  EXPECT_TRUE(b->rec.HasError("TLS_TAMPERED"));
  EXPECT_TRUE(b->rec.messages.empty());
  EXPECT_EQ(b->session->state(), SessionState::kReconnecting);
  EXPECT_EQ(a->session->pending_count(), 1u);

  // b's bad_record_mac alert ends alice's TLS session too: both reconnect, as peer/net does.
  EXPECT_EQ(a->session->state(), SessionState::kReconnecting);
  relay_.Connect(*a);
  relay_.Connect(*b);
  EXPECT_EQ(b->rec.texts(), std::vector<std::string>{"do not alter me"});
  EXPECT_EQ(a->session->pending_count(), 0u);
}

// A key whose certificate is signed with PKCS#1 v1.5: every pairing fails. The run of failures
// is one error (the repeats only counted), failed_pairings() climbs for peer/net's back-off,
// and a secure session starts both over.
TEST_F(SessionTest, ARunOfRefusedPairingsIsOneErrorUntilASecureSession) {
  EVP_PKEY* key = TestIdentity(2).key();
  EVP_PKEY_up_ref(key);
  crypto::PkeyPtr own(key);
  crypto::X509Ptr cert = crypto::testing::MakeCertificate({key, key, RSA_PKCS1_PADDING});
  crypto::Identity pkcs1 = crypto::Identity::FromParts(std::move(own), std::move(cert)).value();
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  auto m = MakePeer("mallory", pkcs1, "m.pins");
  for (int i = 0; i < 3; ++i) {  // whoever left comes back, as peer/net does: three pairings
    if (!a->connected) relay_.Connect(*a);
    if (!m->connected) relay_.Connect(*m);
  }
  EXPECT_EQ(a->rec.secure_count, 0);
  EXPECT_EQ(a->session->failed_pairings(), 3);
  ASSERT_EQ(a->rec.errors.size(), 1u);
  EXPECT_EQ(a->rec.errors[0].code, "TLS_HANDSHAKE_FAILED");
  EXPECT_NE(a->rec.errors[0].message.find("not RSA-PSS"), std::string::npos);
  ASSERT_EQ(a->rec.repeated.size(), 2u);
  EXPECT_EQ(a->rec.repeated[1].code, "TLS_HANDSHAKE_FAILED");

  relay_.Remove(*m);
  auto b = MakePeer("bob", *bob_id_, "b.pins");
  if (!a->connected) relay_.Connect(*a);
  relay_.Connect(*b);
  ASSERT_EQ(a->session->state(), SessionState::kSecure);
  EXPECT_EQ(a->session->failed_pairings(), 0);
}

TEST_F(SessionTest, RoomMismatchEndsTheSession) {
  auto a = MakePeer("alice", *alice_id_, "a.pins", "kitchen");
  auto b = MakePeer("bob", *bob_id_, "b.pins", "garden");
  relay_.Connect(*a);
  relay_.Connect(*b);
  EXPECT_TRUE(a->rec.HasError("ROOM_MISMATCH"));
  EXPECT_TRUE(b->rec.HasError("ROOM_MISMATCH"));
  EXPECT_FALSE(a->rec.peer.has_value());
  EXPECT_NE(a->session->state(), SessionState::kSecure);
}

TEST_F(SessionTest, HostileRelayBytesEndTheConnectionNotTheProgram) {
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  auto b = MakePeer("bob", *bob_id_, "b.pins");
  ConnectPair(*a, *b);
  // A DATA frame of garbage after PAIRED.
  wire::Bytes garbage;
  const uint8_t fake_record[] = {0x17, 0x03, 0x03, 0x00, 0x05, 'h', 'e', 'l', 'l', 'o'};
  wire::relay::AppendData(garbage, fake_record);
  relay_.Send(*a, garbage);
  EXPECT_FALSE(a->rec.errors.empty());
  EXPECT_TRUE(a->session->wants_disconnect());
  relay_.Pump();

  // A frame longer than the cap.
  relay_.Connect(*a);
  const wire::Bytes huge = {0x05, 0xff, 0xff, 0xff, 0xff};
  relay_.Send(*b, huge);
  EXPECT_TRUE(b->rec.HasError("RELAY_PROTOCOL_ERROR"));
  relay_.Pump();

  // An unknown frame type.
  relay_.Connect(*b);
  relay_.Send(*a, wire::EncodeFrame(0x7f, {}));
  EXPECT_TRUE(a->rec.HasError("RELAY_PROTOCOL_ERROR"));
  relay_.Pump();
}

TEST_F(SessionTest, RelayErrorMidSessionIsReported) {
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  auto b = MakePeer("bob", *bob_id_, "b.pins");
  ConnectPair(*a, *b);
  relay_.Send(*a, wire::relay::EncodeError("RELAY_SHUTDOWN", "The relay is shutting down."));
  ASSERT_FALSE(a->rec.errors.empty());
  EXPECT_EQ(a->rec.errors.back().code, "RELAY_SHUTDOWN");
  EXPECT_EQ(a->rec.errors.back().message, "The relay says: The relay is shutting down.");
  EXPECT_TRUE(a->session->should_reconnect());
}

TEST_F(SessionTest, ThirdPeerIsRefusedForGood) {
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  auto b = MakePeer("bob", *bob_id_, "b.pins");
  auto m = MakePeer("mallory", *mallory_id_, "m.pins");
  ConnectPair(*a, *b);
  relay_.Connect(*m);
  ASSERT_EQ(m->rec.fatal_errors.size(), 1u);
  EXPECT_EQ(m->rec.fatal_errors[0].code, "ROOM_FULL");
  EXPECT_EQ(m->session->state(), SessionState::kClosed);
  EXPECT_FALSE(m->session->should_reconnect());
  EXPECT_EQ(a->session->state(), SessionState::kSecure);
}

TEST_F(SessionTest, TheyDontMatchEndsTheSessionOnBothSides) {
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  auto b = MakePeer("bob", *bob_id_, "b.pins");
  ConnectPair(*a, *b);
  ASSERT_TRUE(a->session->RejectPeer().ok());
  relay_.Pump();
  EXPECT_EQ(a->session->state(), SessionState::kClosed);
  ASSERT_EQ(a->rec.fatal_errors.size(), 1u);
  EXPECT_EQ(a->rec.fatal_errors[0].code, "VERIFICATION_FAILED");
  EXPECT_TRUE(b->rec.HasError("PEER_REJECTED_VERIFICATION"));
  EXPECT_EQ(b->rec.peer_left, 1);
}

TEST_F(SessionTest, PeerTextIsSanitized) {
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  auto b = MakePeer("bob", *bob_id_, "b.pins");
  ConnectPair(*a, *b);
  ASSERT_TRUE(b->session->SendText("\x1b]0;owned\x07").ok());
  relay_.Pump();
  ASSERT_EQ(a->rec.messages.size(), 1u);
  EXPECT_EQ(a->rec.messages[0].text.find('\x1b'), std::string::npos);
}

TEST_F(SessionTest, RejectsBadOutgoingText) {
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  EXPECT_EQ(a->session->SendText("").error().code, "MESSAGE_EMPTY");
  EXPECT_EQ(a->session->SendText("\xff").error().code, "MESSAGE_NOT_UTF8");
  EXPECT_EQ(a->session->SendText(std::string(65537, 'a')).error().code, "MESSAGE_TOO_LONG");
}

TEST_F(SessionTest, QuitSendsCloseNotifyAndPeerSeesPeerLeft) {
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  auto b = MakePeer("bob", *bob_id_, "b.pins");
  ConnectPair(*a, *b);
  a->session->Quit();
  relay_.Pump();
  EXPECT_EQ(a->session->state(), SessionState::kClosed);
  EXPECT_EQ(b->session->state(), SessionState::kPeerLeft);
  EXPECT_EQ(b->rec.peer_left, 1);
  EXPECT_FALSE(b->rec.HasError("CONNECTION_LOST"));
}

}  // namespace
}  // namespace duet::peer::testing
