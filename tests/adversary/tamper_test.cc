// The hostile relay tampers with the DATA frames between two real duet peers. For every mode:
// the session that was hit ends with an error naming tampering or connection loss, nothing
// altered or reordered is ever shown, the peers reconnect by themselves with a fresh handshake,
// and every message is delivered exactly once, in order, with its receipt.
//
// Frame numbers (per pairing and direction, from 1; alice joins first and is side a):
//   a2b: 1 server flight, 2 SAS_NONCE, 3 alice's HELLO, 4.. alice's messages.
//   b2a: 1 ClientHello, 2 bob's certificate and Finished, 3 SAS_COMMIT, 4 SAS_REVEAL, 5 bob's
//        HELLO, 6.. receipts.
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include "tests/adversary/adversary_harness.h"

namespace duet::testing {
namespace {

const std::set<std::string> kTamper = {"TLS_TAMPERED"};
const std::set<std::string> kTamperOrProtocol = {"TLS_TAMPERED", "TLS_PROTOCOL_ERROR"};
const std::set<std::string> kHandshake = {"TLS_HANDSHAKE_FAILED"};
const std::set<std::string> kLost = {"CONNECTION_LOST"};
// Everything a peer may say while the relay misbehaves. A code outside it is a finding.
const std::set<std::string> kAllowed = {"TLS_TAMPERED", "TLS_PROTOCOL_ERROR",
                                        "TLS_HANDSHAKE_FAILED", "CONNECTION_LOST"};

struct Case {
  std::vector<std::string> args;   // for duet-adversary
  std::set<std::string> expected;  // at least one of these on some side (empty: no error)
  bool in_handshake = false;       // the mode hits the handshake: type before it is secure
  bool both_lost = false;          // both sides must report CONNECTION_LOST
};

class TamperTest : public ::testing::Test {
 protected:
  std::string Transcripts() const {
    std::string s = "--- adversary\n" + adv_.proc->Transcript();
    if (alice_) s += "--- alice\n" + alice_->Transcript();
    if (bob_) s += "--- bob\n" + bob_->Transcript();
    return s;
  }

  void Run(const Case& c) {
    adv_ = StartAdversary(c.args);
    ASSERT_FALSE(adv_.addr.empty()) << adv_.proc->Transcript();
    alice_ = StartPeer(adv_.addr, "alice", tmp_ / "alice");
    ASSERT_TRUE(Event(*alice_, "waiting")) << Transcripts();
    bob_ = StartPeer(adv_.addr, "bob", tmp_ / "bob");
    if (!c.in_handshake) {
      ASSERT_TRUE(Event(*alice_, "secure") && Event(*bob_, "secure")) << Transcripts();
    }
    const std::vector<std::string> texts = {"probe one", "probe two", "probe three"};
    for (const std::string& t : texts) alice_->WriteLine(t);
    if (c.args[1] != "pass") {
      ASSERT_TRUE(adv_.proc->WaitForLine("fired ")) << Transcripts();
    }

    // Delivered: three receipts at alice, three messages at bob, in order, once each.
    ASSERT_TRUE(Event(*alice_, "delivered", 2, 60s)) << Transcripts();
    ASSERT_TRUE(bob_->WaitForCount("\"event\":\"message\"", 3)) << Transcripts();
    std::vector<std::string> shown;
    for (const json& m : Events(*bob_, "message")) shown.push_back(m.value("text", ""));
    EXPECT_EQ(shown, texts) << Transcripts();

    // Named: every error is one the attack explains, and the expected one is among them.
    std::set<std::string> codes = ErrorCodes(*alice_);
    const std::set<std::string> bob_codes = ErrorCodes(*bob_);
    for (const std::string& code : codes) EXPECT_TRUE(kAllowed.count(code)) << code;
    for (const std::string& code : bob_codes) EXPECT_TRUE(kAllowed.count(code)) << code;
    codes.insert(bob_codes.begin(), bob_codes.end());
    // The outcome, for the note: which side said what, and how many handshakes it took.
    std::string said;
    for (const std::string& code : ErrorCodes(*alice_)) said += " alice:" + code;
    for (const std::string& code : bob_codes) said += " bob:" + code;
    std::printf("outcome: %s ->%s; secure sessions: %zu\n", c.args[1].c_str(),
                said.empty() ? " no error" : said.c_str(), Events(*bob_, "secure").size());
    if (c.expected.empty()) {
      EXPECT_TRUE(codes.empty()) << Transcripts();
      EXPECT_EQ(Events(*bob_, "secure").size(), 1u);
    } else {
      EXPECT_TRUE(std::any_of(c.expected.begin(), c.expected.end(), [&](const std::string& e) {
        return codes.count(e) > 0;
      })) << Transcripts();
      // Recovered by itself, with a fresh handshake on a new pairing.
      EXPECT_GE(Events(*bob_, "secure").size(), c.in_handshake ? 1u : 2u) << Transcripts();
      EXPECT_TRUE(adv_.proc->WaitForLine("paired pair=2")) << Transcripts();
    }
    if (c.both_lost) {
      EXPECT_TRUE(ErrorCodes(*alice_).count("CONNECTION_LOST")) << Transcripts();
      EXPECT_TRUE(bob_codes.count("CONNECTION_LOST")) << Transcripts();
    }

    alice_->CloseStdin();
    bob_->CloseStdin();
    EXPECT_EQ(alice_->Wait(30s), 0) << Transcripts();
    EXPECT_EQ(bob_->Wait(30s), 0) << Transcripts();
    for (const std::string& t : texts) EXPECT_EQ(bob_->Count(t), 1u) << t;
    EXPECT_EQ(alice_->Count("\"event\":\"message\""), 0u);
  }

  TempDir tmp_;
  Adversary adv_;
  std::unique_ptr<Process> alice_, bob_;
};

TEST_F(TamperTest, PassDeliversEverythingAndTheRelaySeesNoText) {
  const std::string capture = tmp_ / "capture.bin";
  Run({{"--mode", "pass", "--capture", capture}, {}});
  adv_.proc->Drain(200ms);
  std::ifstream in(capture, std::ios::binary);
  const std::string seen((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  EXPECT_GT(seen.size(), 3000u);
  for (const char* secret : {"probe", "alice", "bob"}) {
    EXPECT_EQ(seen.find(secret), std::string::npos) << secret;
  }
}

TEST_F(TamperTest, DroppedFrameIsTamperingAndIsResent) {
  Run({{"--mode", "drop", "--n", "4"}, kTamper});
}

TEST_F(TamperTest, DuplicatedFrameIsTamperingAndShownOnce) {
  Run({{"--mode", "dup", "--n", "4"}, kTamper});
}

TEST_F(TamperTest, SwappedFramesAreTamperingNotReordered) {
  Run({{"--mode", "swap", "--n", "4"}, kTamper});
}

TEST_F(TamperTest, ReplayedFrameIsTampering) {
  Run({{"--mode", "replay", "--n", "4", "--m", "5"}, kTamper});
}

TEST_F(TamperTest, ReflectedFrameIsTamperingForItsSender) {
  Run({{"--mode", "reflect", "--n", "4"}, kTamper});
}

TEST_F(TamperTest, ReflectingEverythingFailsTheHandshake) {
  Run({{"--mode", "reflect-all", "--dir", "b2a"}, kHandshake, true});
}

TEST_F(TamperTest, FlippedBitInTheRecordHeaderEndsTheSession) {
  Run({{"--mode", "flip", "--n", "4", "--offset", "0"}, kTamperOrProtocol});
}

TEST_F(TamperTest, FlippedBitInTheBodyIsTampering) {
  Run({{"--mode", "flip", "--n", "4", "--offset", "40"}, kTamper});
}

TEST_F(TamperTest, FlippedBitInTheTagIsTampering) {
  Run({{"--mode", "flip", "--n", "4", "--offset", "-1"}, kTamper});
}

TEST_F(TamperTest, FlippedBitInAReceiptIsTamperingAndTheMessageIsNotShownTwice) {
  Run({{"--mode", "flip", "--dir", "b2a", "--n", "6", "--offset", "-1"}, kTamper});
}

TEST_F(TamperTest, FlippedBitInTheServerHandshakeFailsIt) {
  Run({{"--mode", "flip", "--n", "1", "--offset", "1500"}, kHandshake, true});
}

TEST_F(TamperTest, TruncatedStreamIsConnectionLostNotACleanClose) {
  Run({{"--mode", "truncate", "--n", "4"}, kLost, false, true});
}

TEST_F(TamperTest, FrameCutShortIsConnectionLost) {
  Run({{"--mode", "cut", "--n", "4"}, kLost, false, true});
}

TEST_F(TamperTest, ResetConnectionsAreConnectionLost) {
  Run({{"--mode", "reset", "--n", "4"}, kLost, false, true});
}

TEST_F(TamperTest, InjectedRandomFrameEndsTheSession) {
  Run({{"--mode", "inject", "--n", "4"}, kTamperOrProtocol});
}

TEST_F(TamperTest, StalledFramesAreDeliveredLateButIntact) {
  Run({{"--mode", "stall", "--n", "4", "--stall-ms", "1500"}, {}});
  EXPECT_TRUE(adv_.proc->WaitForLine("released pair=1 frames="));
}

// A record captured from an earlier session, injected into a later one: a cross-session replay.
TEST_F(TamperTest, FrameCapturedInAnEarlierSessionIsTampering) {
  adv_ = StartAdversary({"--mode", "inject-captured", "--n", "4", "--arm-pair", "2"});
  alice_ = StartPeer(adv_.addr, "alice", tmp_ / "alice");
  ASSERT_TRUE(Event(*alice_, "waiting"));
  {
    auto bob = StartPeer(adv_.addr, "bob", tmp_ / "bob");
    alice_->WriteLine("from the first session");
    ASSERT_TRUE(Event(*bob, "message")) << adv_.proc->Transcript();
    ASSERT_TRUE(Event(*alice_, "delivered"));
    bob->WriteLine("/quit");
    EXPECT_EQ(bob->Wait(), 0);
  }
  ASSERT_TRUE(Event(*alice_, "peer_left"));
  bob_ = StartPeer(adv_.addr, "bob", tmp_ / "bob");
  ASSERT_TRUE(Event(*bob_, "secure")) << Transcripts();
  alice_->WriteLine("from the second session");
  ASSERT_TRUE(adv_.proc->WaitForLine("fired inject-captured pair=2")) << Transcripts();
  ASSERT_TRUE(Event(*alice_, "delivered", 1, 60s)) << Transcripts();
  ASSERT_TRUE(Event(*bob_, "message"));
  EXPECT_TRUE(ErrorCodes(*bob_).count("TLS_TAMPERED")) << Transcripts();
  alice_->CloseStdin();
  bob_->CloseStdin();
  EXPECT_EQ(alice_->Wait(30s), 0);
  EXPECT_EQ(bob_->Wait(30s), 0);
  EXPECT_EQ(bob_->Count("from the first session"), 0u) << Transcripts();
  EXPECT_EQ(bob_->Count("from the second session"), 1u) << Transcripts();
}

}  // namespace
}  // namespace duet::testing
