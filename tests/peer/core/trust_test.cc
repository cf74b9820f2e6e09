// Who the peer is, decided by its key: the SAS by commit-then-reveal, key-first contacts with
// names compared as people read them, the quarantine of a changed key, truthful endings and
// liveness. Real sessions through the in-memory relay, or a scripted TLS peer.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/peer/core/session_harness.h"
#include "tests/support/process.h"

namespace duet::peer::testing {
namespace {

namespace app = wire::app;
namespace fs = std::filesystem;

class TrustTest : public SessionFixture {
 protected:
  struct Pair {
    std::unique_ptr<TestPeer> a, b;
  };
  // alice and `b_name` (bob's key unless `b_id`), connected through the relay.
  Pair Connected(const std::string& b_name = "bob", const crypto::Identity* b_id = nullptr,
                 const std::function<void(SessionConfig&)>& tweak = {}) {
    Pair p{MakePeer("alice", *alice_id_, "a.pins", "r1", tweak),
           MakePeer(b_name, b_id ? *b_id : *bob_id_, b_id ? "m.pins" : "b.pins", "r1", tweak)};
    relay_.Connect(*p.a);
    relay_.Connect(*p.b);
    return p;
  }
  // `seconds` seconds pass, one tick each for `peers`, the relay pumped after each.
  void Tick(int seconds, std::initializer_list<TestPeer*> peers) {
    for (int i = 0; i < seconds; ++i) {
      clock_ += 1000;
      for (TestPeer* p : peers) p->session->OnTick();
      relay_.Pump();
    }
  }
  // alice has met bob (his real key is pinned in "a.pins"); the relay is fresh.
  void AliceMetBob() {
    {
      Pair p = Connected();
      ASSERT_EQ(p.a->session->state(), SessionState::kSecure);
      relay_.Remove(*p.a);
      relay_.Remove(*p.b);
    }
    relay_ = MemoryRelay();
  }
};

TEST_F(TrustTest, BothSidesShowTheSameFinalCode) {
  auto [a, b] = Connected();
  ASSERT_TRUE(a->rec.peer && b->rec.peer);
  EXPECT_EQ(a->rec.peer->sas, b->rec.peer->sas);
  EXPECT_EQ(a->rec.peer->sas.size(), 7u);
  // The secure event comes once, with the final code: never a provisional one.
  EXPECT_EQ(a->rec.secure_count, 1);
  EXPECT_EQ(b->rec.secure_count, 1);
}

TEST_F(TrustTest, EverySessionHasAFreshCode) {
  auto [a, b] = Connected();
  const std::string first = a->rec.peer->sas;
  relay_.Drop(*b);
  relay_.Connect(*b);
  ASSERT_EQ(a->rec.secure_count, 2);
  EXPECT_EQ(a->rec.peer->sas, b->rec.peer->sas);
  EXPECT_NE(a->rec.peer->sas, first);
}

// The code exchange in order: the client commits first, then reveals and says HELLO.
TEST_F(TrustTest, ClientCommitsThenRevealsThenSaysHello) {
  MemoryPins pins;
  ScriptedPeer p(*alice_id_, *bob_id_, pins, &clock_);
  ASSERT_TRUE(p.tls_up());
  EXPECT_EQ(p.TakeReceivedTypes(), std::vector<uint8_t>{0x40});  // SAS_COMMIT, nothing else
  p.AnswerCommit();
  EXPECT_EQ(p.TakeReceivedTypes(), (std::vector<uint8_t>{0x42, 0x10}));  // SAS_REVEAL, HELLO
  p.SendHello("bob");
  ASSERT_TRUE(p.rec.peer);
  EXPECT_EQ(p.session->state(), SessionState::kSecure);
}

// Each (channel state, frame) pair that the protocol does not allow ends the TLS session as a
// protocol error, and nothing is shown.
TEST_F(TrustTest, FramesOutOfTurnEndTheSession) {
  struct Case {
    const char* what;
    int hellos;  // 0: still in the code exchange; 1: waiting for HELLO; 2: secure
    app::AppMessage frame;
  };
  const app::ChatMessage chat{app::Id{1}, 1, "too early"};
  const std::vector<Case> cases = {
      {"MESSAGE in the code exchange", 0, chat},
      {"SAS_REVEAL from the server", 0, app::SasReveal{}},
      {"SAS_COMMIT from the server", 0, app::SasCommit{}},
      {"MESSAGE before HELLO", 1, chat},
      {"a second SAS_NONCE", 1, app::SasNonce{}},
      {"SAS_COMMIT after HELLO", 2, app::SasCommit{}},
      {"a second HELLO", 2, app::Hello{2, "bob", "r1", "", 0}},
  };
  for (const Case& c : cases) {
    MemoryPins pins;
    ScriptedPeer p(*alice_id_, *bob_id_, pins, &clock_);
    if (c.hellos >= 1) p.AnswerCommit();
    if (c.hellos >= 2) p.SendHello("bob");
    const size_t shown = p.rec.messages.size();
    p.Send(c.frame);
    ASSERT_FALSE(p.rec.errors.empty()) << c.what;
    EXPECT_EQ(p.rec.errors.back().code, "PEER_PROTOCOL_ERROR") << c.what;
    EXPECT_TRUE(p.session->wants_disconnect()) << c.what;
    EXPECT_EQ(p.rec.messages.size(), shown) << c.what;
  }
}

// A version 1 peer says HELLO straight after the handshake: told apart, and told to update.
TEST_F(TrustTest, AnOlderPeerWithoutTheCodeExchangeIsAskedToUpdate) {
  MemoryPins pins;
  ScriptedPeer p(*alice_id_, *bob_id_, pins, &clock_);
  p.Send(app::Hello{1, "bob", "r1", "duet/0.1", 3});
  ASSERT_EQ(p.rec.fatal_errors.size(), 1u);
  EXPECT_EQ(p.rec.fatal_errors[0].code, "BAD_VERSION");
  EXPECT_FALSE(p.rec.peer.has_value());
}

TEST_F(TrustTest, TheSecureEventWaitsForTheCodeToBeFinal) {
  MemoryPins pins;
  ScriptedPeer p(*alice_id_, *bob_id_, pins, &clock_);
  EXPECT_FALSE(p.rec.peer.has_value());
  EXPECT_EQ(p.session->state(), SessionState::kHandshaking);
  p.AnswerCommit();
  EXPECT_FALSE(p.rec.peer.has_value());
  p.SendHello("bob");
  ASSERT_TRUE(p.rec.peer.has_value());
  EXPECT_FALSE(p.rec.peer->sas.empty());
}

// --- key-first contacts ----------------------------------------------------------------------

TEST_F(TrustTest, APinnedKeyIsShownUnderItsPinnedNameWhateverItCallsItself) {
  AliceMetBob();
  auto [a, b] = Connected("robert");
  ASSERT_TRUE(a->rec.peer);
  EXPECT_EQ(a->rec.peer->trust, TrustLevel::kKnown);
  EXPECT_EQ(a->rec.peer->name, "bob");
  EXPECT_EQ(a->rec.peer->contact, "bob");
  EXPECT_EQ(a->rec.peer->claimed_name, "robert");
  ASSERT_TRUE(b->session->SendText("it's me").ok());
  relay_.Pump();
  ASSERT_EQ(a->rec.messages.size(), 1u);
  EXPECT_EQ(a->rec.messages[0].from, "bob");
}

// A new key under a name a person would read as a pinned contact's is that contact's key
// changed: blocked and held, never "new".
TEST_F(TrustTest, ALookAlikeNameOnANewKeyIsAKeyChange) {
  AliceMetBob();
  for (const std::string look_alike : {"bob", "BOB", "Bob",
                                       "b\xD0\xBE"
                                       "b" /* Cyrillic o */,
                                       "\xEF\xBD\x82\xEF\xBD\x8F\xEF\xBD\x82" /* fullwidth */}) {
    auto [a, m] = Connected(look_alike, mallory_id_);
    ASSERT_TRUE(a->rec.peer) << look_alike;
    EXPECT_EQ(a->rec.peer->trust, TrustLevel::kChanged) << look_alike;
    EXPECT_EQ(a->rec.peer->contact, "bob") << look_alike;
    EXPECT_TRUE(a->rec.HasError("KEY_CHANGED")) << look_alike;
    EXPECT_TRUE(a->session->sending_blocked()) << look_alike;
    // Nothing about the contact changed.
    ASSERT_EQ(a->pins.pins().size(), 1u);
    EXPECT_EQ(a->pins.pins()[0].fingerprint, bob_id_->fingerprint());
    relay_.Remove(*a);
    relay_.Remove(*m);
    relay_ = MemoryRelay();
  }
}

TEST_F(TrustTest, NamesThatCouldPassForAnotherAreRefused) {
  for (const std::string bad : {"bob ", " bob", "bob\xE2\x80\x8B" /* U+200B */,
                                "bob\xE2\x80\xAE" /* U+202E */, "\x1b[31mbob"}) {
    MemoryPins pins;
    ScriptedPeer p(*alice_id_, *bob_id_, pins, &clock_);
    p.AnswerCommit();
    p.SendHello(bad);
    EXPECT_FALSE(p.rec.peer.has_value()) << bad;
    EXPECT_TRUE(p.rec.HasError("PEER_NAME_REFUSED")) << bad;
    EXPECT_TRUE(p.session->wants_disconnect()) << bad;
    EXPECT_TRUE(pins.pins().empty()) << bad;
  }
}

// A contact's room expects one key: any other is refused as soon as the handshake ends, before
// the code exchange, so not even our name reaches it.
TEST_F(TrustTest, AContactRoomRefusesAnotherKeyBeforeSendingOurName) {
  auto expect_bob = [this](SessionConfig& c) {
    c.expected_peer = bob_id_->fingerprint();
    c.expected_name = "bob";
  };
  MemoryPins pins;
  ScriptedPeer mallory(*alice_id_, *mallory_id_, pins, &clock_, "r1", expect_bob);
  ASSERT_TRUE(mallory.rec.HasError("UNEXPECTED_KEY"));
  EXPECT_EQ(mallory.TakeReceivedTypes(), std::vector<uint8_t>{});  // no SAS_COMMIT, no HELLO
  EXPECT_TRUE(mallory.session->wants_disconnect());
  EXPECT_TRUE(pins.pins().empty());

  ScriptedPeer bob(*alice_id_, *bob_id_, pins, &clock_, "r1", expect_bob);
  EXPECT_FALSE(bob.rec.HasError("UNEXPECTED_KEY"));
  EXPECT_EQ(bob.TakeReceivedTypes(), std::vector<uint8_t>{0x40});
}

TEST(FindContact, ByTheNormalisedPinnedNameOnly) {
  std::vector<crypto::Pin> pins = {{"Bob", TestIdentity(1).fingerprint(), 0, false},
                                   {"carol", TestIdentity(2).fingerprint(), 0, false}};
  EXPECT_EQ(FindContact(pins, "bob").value().fingerprint, TestIdentity(1).fingerprint());
  EXPECT_EQ(FindContact(pins, "BOB").value().name, "Bob");
  EXPECT_EQ(FindContact(pins, "dave").error().code, "NO_SUCH_CONTACT");
  pins.push_back({"bob", TestIdentity(0).fingerprint(), 0, false});
  EXPECT_EQ(FindContact(pins, "bob").error().code, "AMBIGUOUS_CONTACT");
}

// A peer (or a relay) that cycles through keys cannot grow the pins file into one Duet cannot
// load: past the cap a new key is simply not pinned, and says so.
TEST(Contacts, StopsPinningAtTheCapInsteadOfGrowingTheFile) {
  auto fp = [](size_t i) {
    crypto::Fingerprint f;
    f.bytes[0] = static_cast<uint8_t>(i >> 8);
    f.bytes[1] = static_cast<uint8_t>(i);
    f.bytes[2] = 0xd7;
    return f;
  };
  MemoryPins pins;
  for (size_t i = 0; i < Contacts::kMaxContacts; ++i) {
    pins.pins_.push_back({"peer" + std::to_string(i), fp(i), 0, false});
  }
  Contacts contacts(pins);
  Status full = contacts.PinNew("one more", TestIdentity(1).fingerprint(), 0);
  ASSERT_FALSE(full.ok());
  EXPECT_EQ(full.error().code, "PINS_FULL");
  EXPECT_EQ(pins.pins_.size(), Contacts::kMaxContacts);
  EXPECT_EQ(pins.stores, 0);
  // Keys already pinned still work as before.
  EXPECT_TRUE(contacts.PinNew("peer4", fp(4), 0).ok());
  EXPECT_TRUE(contacts.MarkVerified("peer4", fp(4), 0).ok());
  EXPECT_EQ(pins.stores, 1);
  // The user's own /trust of the key that found no room takes the oldest unverified pin's place.
  pins.pins_[7].first_seen_s = -1;  // the oldest
  ASSERT_TRUE(contacts.MarkVerified("one more", TestIdentity(1).fingerprint(), 5000).ok());
  EXPECT_EQ(pins.pins_.size(), Contacts::kMaxContacts);
  EXPECT_EQ(pins.pins_.back().name, "one more");
  EXPECT_TRUE(pins.pins_.back().verified);
  EXPECT_EQ(std::count_if(pins.pins_.begin(), pins.pins_.end(),
                          [&](const crypto::Pin& p) { return p.fingerprint == fp(7); }),
            0);
  // Once every pin is verified, nothing more is taken in, and it says so.
  for (crypto::Pin& p : pins.pins_) p.verified = true;
  EXPECT_EQ(contacts.MarkVerified("two more", TestIdentity(2).fingerprint(), 0).error().code,
            "PINS_FULL");
}

// /trust names the key the user was shown: a session the relay forced in between is not
// trusted by mistake. /reject without a peer refuses nothing.
TEST_F(TrustTest, TrustActsOnTheKeyTheUserWasShown) {
  auto [a, b] = Connected();
  const std::string shown = a->rec.peer->fingerprint;
  Status wrong = a->session->TrustPeer(std::string(64, '0'));
  ASSERT_FALSE(wrong.ok());
  EXPECT_EQ(wrong.error().code, "PEER_CHANGED");
  EXPECT_EQ(a->rec.peer->trust, TrustLevel::kNew);
  EXPECT_FALSE(a->pins.pins()[0].verified);
  ASSERT_TRUE(a->session->TrustPeer(shown).ok());
  EXPECT_EQ(a->rec.peer->trust, TrustLevel::kVerified);
  EXPECT_TRUE(a->pins.pins()[0].verified);

  auto lone = MakePeer("carol", *mallory_id_, "c.pins");
  EXPECT_EQ(lone->session->RejectPeer().error().code, "NOT_SECURE");
  EXPECT_NE(lone->session->state(), SessionState::kClosed);
}

// --- quarantine --------------------------------------------------------------------------------

TEST_F(TrustTest, WhatAChangedKeySendsIsHeldUnreadAndUnanswered) {
  AliceMetBob();
  auto [a, m] = Connected("bob", mallory_id_);
  ASSERT_EQ(a->rec.peer->trust, TrustLevel::kChanged);
  ASSERT_TRUE(m->session->SendText("send the keys to the safe").ok());
  relay_.Pump();
  EXPECT_TRUE(a->rec.messages.empty());
  EXPECT_TRUE(m->rec.delivered.empty());  // no receipt
  EXPECT_EQ(a->rec.quarantined, std::vector<size_t>{1});
  EXPECT_EQ(m->session->pending_count(), 1u);

  // Accepting the key shows it, marked, and answers it.
  ASSERT_TRUE(a->session->TrustPeer().ok());
  relay_.Pump();
  ASSERT_EQ(a->rec.messages.size(), 1u);
  EXPECT_EQ(a->rec.messages[0].text, "send the keys to the safe");
  EXPECT_TRUE(a->rec.messages[0].held);
  EXPECT_EQ(a->rec.messages[0].trust, TrustLevel::kChanged);
  EXPECT_EQ(m->rec.delivered.size(), 1u);
  // The contact keeps its name and now has the new key, verified.
  ASSERT_EQ(a->pins.pins().size(), 1u);
  EXPECT_EQ(a->pins.pins()[0].name, "bob");
  EXPECT_EQ(a->pins.pins()[0].fingerprint, mallory_id_->fingerprint());
  EXPECT_TRUE(a->pins.pins()[0].verified);
}

TEST_F(TrustTest, AChangedKeysFileOfferIsNeitherShownNorAccepted) {
  AliceMetBob();
  auto a = MakePeer("alice", *alice_id_, "a.pins");
  MemoryPins pins;
  pins.pins_ = a->pins.pins();
  relay_.Remove(*a);
  ScriptedPeer p(*alice_id_, *mallory_id_, pins, &clock_);
  p.AnswerCommit();
  p.SendHello("bob");
  ASSERT_EQ(p.rec.peer->trust, TrustLevel::kChanged);
  (void)p.TakeReceivedTypes();
  p.Send(app::FileOffer{app::Id{7}, 10, "invoice.pdf"});
  p.Send(app::ChatMessage{app::Id{8}, 1, "open the invoice"});
  EXPECT_TRUE(p.rec.offers.empty());
  EXPECT_TRUE(p.rec.messages.empty());
  EXPECT_EQ(p.TakeReceivedTypes(), std::vector<uint8_t>{});  // no FILE_ACCEPT, no RECEIPT
  EXPECT_EQ(p.rec.quarantined, (std::vector<size_t>{1, 2}));

  // Refused: dropped, counted, and the run ends as a security failure.
  ASSERT_TRUE(p.session->RejectPeer().ok());
  ASSERT_TRUE(p.rec.HasError("QUARANTINE_DROPPED"));
  EXPECT_NE(std::find_if(p.rec.errors.begin(), p.rec.errors.end(),
                         [](const Error& e) {
                           return e.code == "QUARANTINE_DROPPED" &&
                                  e.message.rfind("2 messages and file offers", 0) == 0;
                         }),
            p.rec.errors.end());
  ASSERT_EQ(p.rec.fatal_errors.size(), 1u);
  EXPECT_EQ(p.rec.fatal_errors[0].code, "KEY_REFUSED");
  EXPECT_TRUE(p.rec.messages.empty());
  EXPECT_EQ(pins.pins()[0].fingerprint, bob_id_->fingerprint());  // bob's pin stands
}

// A changed key cannot fill our memory: beyond max_held_bytes items are dropped at once and
// counted, and the count is said when the key is accepted.
TEST_F(TrustTest, TheQuarantineIsBoundedAndSaysWhatItDropped) {
  AliceMetBob();
  constexpr size_t kRoom = sizeof(app::AppMessage) + 10;  // one short message fits
  auto [a, m] = Connected("bob", mallory_id_, [](SessionConfig& c) { c.max_held_bytes = kRoom; });
  ASSERT_TRUE(m->session->SendText("12345678").ok());
  ASSERT_TRUE(m->session->SendText("this one does not fit").ok());
  relay_.Pump();
  EXPECT_EQ(a->rec.quarantined, (std::vector<size_t>{1, 2}));
  ASSERT_TRUE(a->session->TrustPeer().ok());
  relay_.Pump();
  EXPECT_EQ(a->rec.texts(), std::vector<std::string>{"12345678"});
  ASSERT_TRUE(a->rec.HasError("QUARANTINE_DROPPED"));
  EXPECT_EQ(a->rec.errors.back().message,
            "1 more item from this key was dropped unread: the quarantine holds at most " +
                std::to_string(kRoom) + " bytes.");
}

TEST_F(TrustTest, HeldItemsAreDroppedAndCountedWhenTheSessionEnds) {
  AliceMetBob();
  auto [a, m] = Connected("bob", mallory_id_);
  ASSERT_TRUE(m->session->SendText("one").ok());
  ASSERT_TRUE(m->session->SendText("two").ok());
  relay_.Pump();
  EXPECT_TRUE(a->rec.messages.empty());
  relay_.Drop(*m);
  ASSERT_TRUE(a->rec.HasError("QUARANTINE_DROPPED"));
  EXPECT_TRUE(a->session->left_key_unaccepted());  // the CLI exits 4
  EXPECT_NE(std::find_if(a->rec.errors.begin(), a->rec.errors.end(),
                         [](const Error& e) {
                           return e.message ==
                                  "2 messages and file offers from the changed key were dropped "
                                  "unread: the session ended before you accepted the new key.";
                         }),
            a->rec.errors.end());
  EXPECT_TRUE(a->rec.messages.empty());
}

// --- truthful endings --------------------------------------------------------------------------

TEST_F(TrustTest, APeerThatVanishesWithoutGoodbyeIsConnectionLost) {
  auto [a, b] = Connected();
  relay_.Drop(*b);  // bob's transport ends: no close_notify reaches alice
  EXPECT_EQ(a->rec.peer_left, 0);
  ASSERT_TRUE(a->rec.HasError("CONNECTION_LOST"));
  EXPECT_EQ(a->session->state(), SessionState::kPeerLeft);
}

// The peer said goodbye (close_notify) but the relay never says it left: the session is shown
// as it was until the handshake timeout, then ends as a goodbye and reconnects.
TEST_F(TrustTest, AGoodbyeWithoutPeerLeftEndsAfterTheTimeout) {
  MemoryPins pins;
  ScriptedPeer p(*alice_id_, *bob_id_, pins, &clock_);
  p.AnswerCommit();
  p.SendHello("bob");
  p.Close();
  EXPECT_EQ(p.session->state(), SessionState::kSecure);
  EXPECT_EQ(p.rec.peer_left, 0);
  clock_ += 29'000;
  p.session->OnTick();
  EXPECT_EQ(p.rec.peer_left, 0);
  clock_ += 1'000;
  p.session->OnTick();
  EXPECT_EQ(p.rec.peer_left, 1);
  EXPECT_TRUE(p.session->wants_disconnect());
  EXPECT_TRUE(p.rec.errors.empty());
}

TEST_F(TrustTest, PeerLeftPartWayThroughARecordIsConnectionLost) {
  auto [a, b] = Connected();
  bool cut = false;  // (the hook must not reset itself while it runs)
  relay_.tamper = [&](TestPeer& from, wire::Bytes& payload) {
    if (&from != b.get() || cut) return true;
    cut = true;
    payload.resize(payload.size() / 2);  // half a record, then "bob left"
    wire::Bytes half;
    wire::relay::AppendData(half, payload);
    relay_.Send(*a, half);
    relay_.Send(*a, wire::relay::EncodePeerLeft());
    return false;
  };
  ASSERT_TRUE(b->session->SendText("cut short").ok());
  relay_.Pump();
  EXPECT_EQ(a->rec.peer_left, 0);
  EXPECT_TRUE(a->rec.HasError("CONNECTION_LOST"));
  EXPECT_TRUE(a->rec.messages.empty());
}

// --- liveness ----------------------------------------------------------------------------------

TEST_F(TrustTest, ABlackHoleIsNoticedThenDroppedAndTheMessageArrivesOnceAfter) {
  auto tweak = [](SessionConfig& c) {
    c.stall_after_ms = 10'000;
    c.lost_after_ms = 30'000;
  };
  auto [a, b] = Connected("bob", nullptr, tweak);
  relay_.tamper = [](TestPeer&, wire::Bytes&) { return false; };
  ASSERT_TRUE(a->session->SendText("into the void").ok());
  relay_.Pump();
  Tick(9, {a.get()});
  EXPECT_TRUE(a->rec.stalled.empty());  // 9 s: not yet
  Tick(1, {a.get()});
  ASSERT_EQ(a->rec.stalled.size(), 1u);
  EXPECT_GE(a->rec.stalled[0], 10'000);
  EXPECT_FALSE(a->rec.HasError("CONNECTION_STALLED"));
  Tick(20, {a.get()});
  ASSERT_TRUE(a->rec.HasError("CONNECTION_STALLED"));
  EXPECT_EQ(a->session->state(), SessionState::kReconnecting);

  relay_.tamper = nullptr;
  relay_.Connect(*a);
  ASSERT_EQ(a->session->state(), SessionState::kSecure);
  EXPECT_EQ(b->rec.texts(), std::vector<std::string>{"into the void"});
  EXPECT_EQ(a->rec.delivered.size(), 1u);
}

// The relay keeps sending empty DATA frames while it swallows everything: only authenticated
// records count as an answer, so the silence is still noticed.
TEST_F(TrustTest, EmptyDataFromTheRelayIsNotAnAnswer) {
  auto [a, b] = Connected();
  relay_.tamper = [](TestPeer&, wire::Bytes&) { return false; };
  ASSERT_TRUE(a->session->SendText("anyone?").ok());
  relay_.Pump();
  for (int s = 0; s < 40 && !a->session->wants_disconnect(); ++s) {
    clock_ += 1000;
    relay_.Send(*a, wire::EncodeFrame(static_cast<uint8_t>(wire::relay::FrameType::kData), {}));
    a->session->OnTick();
  }
  EXPECT_EQ(a->rec.stalled.size(), 1u);
  EXPECT_TRUE(a->rec.HasError("CONNECTION_STALLED"));
}

// A link that was quiet because nobody spoke is not dead: the wait for an answer starts when
// the message goes out, not at the last thing heard.
TEST_F(TrustTest, AMessageAfterAQuietSpellIsNotStalledAtOnce) {
  auto [a, b] = Connected();
  Tick(14, {a.get()});
  relay_.tamper = [](TestPeer&, wire::Bytes&) { return false; };
  ASSERT_TRUE(a->session->SendText("after a while").ok());
  relay_.Pump();
  Tick(9, {a.get()});
  EXPECT_TRUE(a->rec.stalled.empty());
  Tick(1, {a.get()});
  EXPECT_EQ(a->rec.stalled.size(), 1u);
}

TEST_F(TrustTest, AnIdleLinkIsPingedAndAnsweredSoItNeverStalls) {
  auto [a, b] = Connected();
  size_t frames = relay_.seen.size();
  Tick(120, {a.get(), b.get()});
  EXPECT_GT(relay_.seen.size(), frames);  // PINGs and PONGs inside TLS
  EXPECT_TRUE(a->rec.stalled.empty());
  EXPECT_TRUE(b->rec.stalled.empty());
  EXPECT_EQ(a->session->state(), SessionState::kSecure);
}

TEST_F(TrustTest, AnIdlePeerThatStopsAnsweringIsNoticed) {
  auto [a, b] = Connected();
  relay_.tamper = [](TestPeer&, wire::Bytes&) { return false; };
  Tick(60, {a.get()});
  EXPECT_EQ(a->rec.stalled.size(), 1u);
  EXPECT_TRUE(a->rec.HasError("CONNECTION_STALLED"));
}

}  // namespace
}  // namespace duet::peer::testing
