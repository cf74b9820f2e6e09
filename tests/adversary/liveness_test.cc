// How a session ends, and how a peer notices that it has (issue 13). A session ends on purpose
// only with close_notify: a PEER_LEFT without it (mid-record or between records) is a lost
// connection, not a goodbye. A relay that swallows everything while keeping the connections up
// is noticed (stalled, then lost), and the message that went into it arrives once afterwards.
//
// The adversary is armed from stdin ("arm") once both peers are secure, so --n 1 is the first
// DATA frame after the session's set-up, whatever that set-up takes.
#include <gtest/gtest.h>

#include "tests/adversary/adversary_harness.h"

namespace duet::testing {
namespace {

class LivenessTest : public ::testing::Test {
 protected:
  // Starts the adversary with `args` and two peers (with `extra` arguments) that reach secure.
  void StartSecure(const std::vector<std::string>& args,
                   const std::vector<std::string>& extra = {}) {
    adv_ = StartAdversary(args);
    ASSERT_FALSE(adv_.addr.empty()) << adv_.proc->Transcript();
    alice_ = StartPeer(adv_.addr, "alice", tmp_ / "alice", "lab", extra);
    ASSERT_TRUE(Event(*alice_, "waiting")) << Transcripts();
    bob_ = StartPeer(adv_.addr, "bob", tmp_ / "bob", "lab", extra);
    ASSERT_TRUE(Event(*alice_, "secure") && Event(*bob_, "secure")) << Transcripts();
  }

  void Arm() {
    adv_.proc->WriteLine("arm");
    ASSERT_TRUE(adv_.proc->WaitForLine("armed", 5s)) << Transcripts();
  }

  std::string Transcripts() const {
    std::string s = "--- adversary\n" + adv_.proc->Transcript();
    if (alice_) s += "--- alice\n" + alice_->Transcript();
    if (bob_) s += "--- bob\n" + bob_->Transcript();
    return s;
  }

  void BlackHoleIsNoticedAndTheMessageArrivesOnce(const std::string& mode);

  void PrintOutcome(const std::string& mode) const {
    std::string said;
    for (const std::string& c : ErrorCodes(*alice_)) said += " alice:" + c;
    for (const std::string& c : ErrorCodes(*bob_)) said += " bob:" + c;
    std::printf("outcome: %s ->%s; peer_left alice %zu bob %zu; secure alice %zu bob %zu\n",
                mode.c_str(), said.empty() ? " no error" : said.c_str(),
                Events(*alice_, "peer_left").size(), Events(*bob_, "peer_left").size(),
                Events(*alice_, "secure").size(), Events(*bob_, "secure").size());
  }

  // alice's frame is torn (or withheld), bob hears PEER_LEFT, alice's connection is closed.
  // bob reports a lost connection, not a peer that left; the next pairing delivers everything
  // exactly once.
  void LeaveWithoutCloseNotifyIsConnectionLost(const std::string& mode) {
    ASSERT_NO_FATAL_FAILURE(StartSecure({"--mode", mode, "--arm-on-stdin", "--n", "1"}));
    ASSERT_NO_FATAL_FAILURE(Arm());
    alice_->WriteLine("cut off mid-sentence");
    ASSERT_TRUE(adv_.proc->WaitForLine("fired " + mode + " pair=1 dir=a2b n=1")) << Transcripts();
    const bool lost = bob_->WaitForLine("\"code\":\"CONNECTION_LOST\"", 5s).has_value();
    ASSERT_TRUE(adv_.proc->WaitForLine("paired pair=2", 15s)) << Transcripts();
    const bool again = Event(*alice_, "secure", 1, 10s) && Event(*bob_, "secure", 1, 10s);
    PrintOutcome(mode);
    EXPECT_TRUE(lost) << Transcripts();
    EXPECT_EQ(Events(*bob_, "peer_left").size(), 0u) << Transcripts();
    ASSERT_TRUE(again) << Transcripts();

    ASSERT_TRUE(Event(*alice_, "delivered", 0, 10s)) << Transcripts();
    alice_->WriteLine("after the reconnect");
    ASSERT_TRUE(Event(*alice_, "delivered", 1, 10s)) << Transcripts();
    alice_->CloseStdin();
    bob_->CloseStdin();
    EXPECT_EQ(alice_->Wait(10s), 0) << Transcripts();
    EXPECT_EQ(bob_->Wait(10s), 0) << Transcripts();
    EXPECT_EQ(bob_->Count("cut off mid-sentence"), 1u) << Transcripts();
    EXPECT_EQ(bob_->Count("after the reconnect"), 1u) << Transcripts();
  }

  TempDir tmp_;
  Adversary adv_;
  std::unique_ptr<Process> alice_, bob_;
};

TEST_F(LivenessTest, PeerLeftMidRecordIsConnectionLost) {
  LeaveWithoutCloseNotifyIsConnectionLost("leave-mid");
}

TEST_F(LivenessTest, PeerLeftWithoutCloseNotifyIsConnectionLost) {
  LeaveWithoutCloseNotifyIsConnectionLost("leave");
}

TEST_F(LivenessTest, QuitWithCloseNotifyIsPeerLeft) {
  ASSERT_NO_FATAL_FAILURE(StartSecure({"--mode", "pass"}));
  bob_->WriteLine("/quit");
  EXPECT_EQ(bob_->Wait(10s), 0) << Transcripts();
  ASSERT_TRUE(Event(*alice_, "peer_left", 0, 5s)) << Transcripts();
  PrintOutcome("quit");
  EXPECT_EQ(ErrorCodes(*alice_).count("CONNECTION_LOST"), 0u) << Transcripts();
  EXPECT_EQ(ErrorCodes(*bob_).count("CONNECTION_LOST"), 0u) << Transcripts();
}

// The relay keeps both connections open and answers PINGs, but from alice's message on, no DATA
// crosses (blackhole; blackhole-alive also answers each swallowed frame with an empty DATA, as
// if the other side were there). alice notices within seconds (--stall-after 2, --lost-after 5),
// reconnects, and the message is delivered on the next pairing, once.
void LivenessTest::BlackHoleIsNoticedAndTheMessageArrivesOnce(const std::string& mode) {
  ASSERT_NO_FATAL_FAILURE(StartSecure({"--mode", mode, "--arm-on-stdin", "--n", "1"},
                                      {"--stall-after", "2", "--lost-after", "5"}));
  ASSERT_NO_FATAL_FAILURE(Arm());
  alice_->WriteLine("into the black hole");
  auto queued = Event(*alice_, "queued", 0, 5s);
  ASSERT_TRUE(queued) << Transcripts();
  ASSERT_TRUE(adv_.proc->WaitForLine("fired " + mode + " pair=1 dir=a2b n=1")) << Transcripts();

  auto stalled = Event(*alice_, "stalled", 0, 4s);
  ASSERT_TRUE(stalled) << Transcripts();
  ASSERT_TRUE(alice_->WaitForLine("\"code\":\"CONNECTION_STALLED\"", 5s)) << Transcripts();
  ASSERT_TRUE(Event(*alice_, "reconnecting", 0, 5s)) << Transcripts();
  ASSERT_TRUE(adv_.proc->WaitForLine("paired pair=2", 10s)) << Transcripts();
  auto delivered = Event(*alice_, "delivered", 0, 10s);
  ASSERT_TRUE(delivered) << Transcripts();
  EXPECT_EQ((*delivered)["id"], (*queued)["id"]);
  ASSERT_TRUE(bob_->WaitForLine("into the black hole", 5s)) << Transcripts();
  PrintOutcome(mode);

  alice_->CloseStdin();
  bob_->CloseStdin();
  EXPECT_EQ(alice_->Wait(10s), 0) << Transcripts();
  EXPECT_EQ(bob_->Wait(10s), 0) << Transcripts();
  EXPECT_EQ(bob_->Count("into the black hole"), 1u) << Transcripts();
}

TEST_F(LivenessTest, BlackHoleAfterTheLastMessageIsNoticedAndTheMessageArrivesOnce) {
  BlackHoleIsNoticedAndTheMessageArrivesOnce("blackhole");
}

// Empty DATA frames are no sign of life: only authenticated records count.
TEST_F(LivenessTest, BlackHoleThatFakesLifeWithEmptyFramesIsNoticedAllTheSame) {
  BlackHoleIsNoticedAndTheMessageArrivesOnce("blackhole-alive");
}

}  // namespace
}  // namespace duet::testing
