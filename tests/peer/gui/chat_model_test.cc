// The desktop app's view logic without a display: the model, the layout, the UI queue.
#include "peer/gui/chat_model.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <thread>

#include "peer/gui/gui_listener.h"
#include "peer/gui/state_dump.h"
#include "peer/gui/text_layout.h"
#include "peer/gui/ui_queue.h"

namespace duet::peer::gui {
namespace {

using Kind = TranscriptLine::Kind;

PeerInfo Peer(TrustLevel trust) {
  PeerInfo p;
  p.name = "bob";
  p.fingerprint = std::string(64, 'a');
  p.sas = "123 456";
  p.trust = trust;
  return p;
}

class ChatModelTest : public ::testing::Test {
 protected:
  ChatModel model_{[] { return int64_t{1'700'000'000'000}; }};
};

FileTransfer File(char id, bool incoming, const std::string& name) {
  return FileTransfer{std::string(32, id), incoming, name, 1000, std::string(64, '0'), "", ""};
}

TEST_F(ChatModelTest, OnlyIncomingOffersNotYetAnsweredWaitForAcceptAll) {
  model_.OnFileOffered(File('a', true, "a.txt"));
  EXPECT_EQ(model_.WaitingOffers(), std::vector<size_t>{0});
  model_.OnFileOffered(File('b', true, "b.txt"));
  const size_t out = model_.AddOutgoingFile("mine.txt", 5, "/tmp/mine.txt");
  model_.AttachFileId(out, std::string(32, 'o'));  // offered by us: not ours to accept
  model_.OnFileOffered(File('c', true, "c.txt"));
  model_.OnFileOffered(File('d', true, "d.txt"));
  EXPECT_EQ(model_.WaitingOffers(), (std::vector<size_t>{0, 1, 3, 4}));
  model_.AnswerFile(1);  // pressed on its card: the session answers
  model_.OnFileStarted(File('c', true, "c.txt"), 0);
  model_.OnFileFailed(File('d', true, "d.txt"),
                      Error{"FILE_CANCELLED", "The peer cancelled the transfer."});
  EXPECT_EQ(model_.WaitingOffers(), std::vector<size_t>{0});
  model_.AnswerFile(1, false);  // the session refused the answer: it waits again
  EXPECT_EQ(model_.WaitingOffers(), (std::vector<size_t>{0, 1}));
}

TEST_F(ChatModelTest, AFolderOfferWaitsForAcceptAllBesideFilesAndTheDumpShowsItsCard) {
  model_.OnFileOffered(File('a', true, "a.txt"));
  FolderTransfer folder;
  folder.id = std::string(32, 'f');
  folder.incoming = true;
  folder.name = "Album";
  folder.entries = 2;
  folder.size = 2000;
  model_.OnFolderOffered(folder);
  model_.OnFileOffered(File('b', true, "b.txt"));
  EXPECT_EQ(model_.WaitingOffers(), (std::vector<size_t>{0, 1, 2}));
  const nlohmann::json dump = nlohmann::json::parse(DumpState(ShownState{}, model_));
  EXPECT_EQ(dump["waiting_offers"], 3);
  ASSERT_EQ(dump["files"].size(), 3u);
  const nlohmann::json& card = dump["files"][1];
  EXPECT_EQ(card["folder"], true);
  EXPECT_EQ(card["name"], "Album");
  EXPECT_EQ(card["entries"], 2);
  EXPECT_EQ(card["entries_done"], 0);
  EXPECT_EQ(card["failed"], 0);
  EXPECT_EQ(card["state"], "offered");
  EXPECT_EQ(card["status"], "Wants to send you 2 files · 2.00 KB");
  EXPECT_EQ(dump["files"][0]["folder"], false);
  // Answered (Accept all presses every card's Accept): none waits.
  for (size_t card_index : model_.WaitingOffers()) model_.AnswerFile(card_index);
  EXPECT_TRUE(model_.WaitingOffers().empty());
}

TEST_F(ChatModelTest, ADeclineOrACancelIsAChoiceNotAFailureAndSaysWhose) {
  model_.OnStateChanged(SessionState::kSecure);
  model_.OnSecure(Peer(TrustLevel::kKnown));
  // We declined an offer.
  model_.OnFileOffered(File('a', true, "a.txt"));
  model_.AnswerFile(0);
  model_.OnFileFailed(File('a', true, "a.txt"), Error{"FILE_DECLINED", "You declined the file."});
  EXPECT_EQ(model_.files()[0].state, FileState::kDeclined);
  EXPECT_EQ(StatusLine(model_.files()[0], 0), "Declined");
  // bob declined ours.
  const size_t out = model_.AddOutgoingFile("b.txt", 5, "/tmp/b.txt");
  model_.AttachFileId(out, std::string(32, 'b'));
  model_.OnFileFailed(File('b', false, "b.txt"),
                      Error{"FILE_DECLINED", "The peer declined the file."});
  EXPECT_EQ(model_.files()[out].state, FileState::kDeclined);
  EXPECT_EQ(StatusLine(model_.files()[out], 0), "Declined by bob");
  // We cancelled one under way; bob cancelled another.
  for (char id : {'c', 'd'}) {
    model_.OnFileOffered(File(id, true, "c.txt"));
    model_.OnFileStarted(File(id, true, "c.txt"), 0);
  }
  model_.PressCancel(2);
  model_.OnFileFailed(File('c', true, "c.txt"),
                      Error{"FILE_CANCELLED", "You cancelled the transfer."});
  model_.OnFileFailed(File('d', true, "c.txt"),
                      Error{"FILE_CANCELLED", "The peer cancelled the transfer."});
  EXPECT_EQ(model_.files()[2].state, FileState::kCancelled);
  EXPECT_EQ(StatusLine(model_.files()[2], 0), "Cancelled");
  EXPECT_EQ(model_.files()[3].state, FileState::kCancelled);
  EXPECT_EQ(StatusLine(model_.files()[3], 0), "Cancelled by bob");
  // A real failure still says so; nothing later turns a stopped card into anything else, and
  // the end of the conversation leaves the choices as they were.
  model_.OnFileOffered(File('e', true, "e.txt"));
  model_.OnFileFailed(File('e', true, "e.txt"), Error{"FILE_INTEGRITY", "It did not match."});
  EXPECT_EQ(StatusLine(model_.files()[4], 0), "Failed: It did not match.");
  model_.OnFileDone(File('a', true, "a.txt"));
  model_.OnFileProgress(File('c', true, "c.txt"), 500);
  model_.OnStateChanged(SessionState::kClosed);
  EXPECT_EQ(model_.files()[0].state, FileState::kDeclined);
  EXPECT_EQ(model_.files()[2].state, FileState::kCancelled);
  EXPECT_EQ(model_.files()[3].state, FileState::kCancelled);
}

TEST_F(ChatModelTest, APeerTheCodeCheckedReadsVerifiedByTheCode) {
  model_.BeginSession("7301-acorn-gravy-petal");
  model_.OnStateChanged(SessionState::kSecure);
  PeerInfo p = Peer(TrustLevel::kVerified);
  p.code_checked = true;
  model_.OnSecure(p);
  EXPECT_TRUE(model_.checked_by_code());
  EXPECT_EQ(model_.TrustLabel(), "verified");
  EXPECT_EQ(model_.BadgeLabel(), "verified by code");
  EXPECT_EQ(model_.TrustDetail(), "Verified — checked by the code you exchanged");
  EXPECT_EQ(model_.transcript().back().text,
            "Secure session with bob (verified: checked by the code you exchanged).");
}

TEST_F(ChatModelTest, AKeyVerifiedByComparingDigitsIsNotCalledCheckedByTheCode) {
  model_.BeginSession("kitchen");
  model_.OnStateChanged(SessionState::kSecure);
  model_.OnSecure(Peer(TrustLevel::kVerified));
  EXPECT_FALSE(model_.checked_by_code());
  EXPECT_EQ(model_.BadgeLabel(), "verified");
  EXPECT_EQ(model_.TrustDetail(), "Verified — you compared the codes");
}

TEST_F(ChatModelTest, AWrongCodeEndsTheSessionWithItsSentence) {
  model_.BeginSession("7301-acorn-gravy-petal");
  model_.OnStateChanged(SessionState::kHandshaking);
  const std::string sentence =
      "The code check failed (a typo, or someone between you); nothing was trusted and the code "
      "is used up.";
  model_.OnError(Error{"CODE_MISMATCH", sentence}, true);
  model_.OnStateChanged(SessionState::kClosed);
  EXPECT_TRUE(model_.ended());
  EXPECT_FALSE(model_.has_peer());
  EXPECT_EQ(model_.end_code(), "CODE_MISMATCH");
  EXPECT_EQ(model_.end_reason(), sentence);
  EXPECT_FALSE(model_.can_send());
}

TEST_F(ChatModelTest, WalksThroughTheConnectionStatesWithPlainLabels) {
  model_.BeginSession("kitchen");
  EXPECT_EQ(model_.StateLabel(), "connecting");
  model_.OnStateChanged(SessionState::kWaitingForPeer);
  EXPECT_EQ(model_.StateLabel(), "waiting for peer");
  model_.OnStateChanged(SessionState::kHandshaking);
  EXPECT_EQ(model_.StateLabel(), "securing");
  model_.OnStateChanged(SessionState::kSecure);
  model_.OnSecure(Peer(TrustLevel::kNew));
  EXPECT_EQ(model_.Title(), "Duet — bob · secure");
  EXPECT_EQ(model_.TrustLabel(), "new");
  model_.OnStateChanged(SessionState::kPeerLeft);
  model_.OnPeerLeft();
  EXPECT_EQ(model_.Title(), "Duet — bob · peer left");  // who left stays in the header
  EXPECT_EQ(model_.transcript().back().text, "bob left. Waiting for them to come back.");
  model_.OnStateChanged(SessionState::kReconnecting);
  EXPECT_EQ(model_.Title(), "Duet · reconnecting");
}

TEST_F(ChatModelTest, OwnMessagesGetTheirIdThenTheDeliveredMark) {
  size_t i = model_.AddOwn("hi");
  EXPECT_EQ(model_.transcript()[i].kind, Kind::kOwn);
  model_.AttachId(i, "00ff");
  model_.OnDelivered("00fe");  // someone else's id: nothing
  EXPECT_FALSE(model_.transcript()[i].delivered);
  const uint64_t before = model_.version();
  model_.OnDelivered("00ff");
  EXPECT_TRUE(model_.transcript()[i].delivered);
  EXPECT_GT(model_.version(), before);
}

TEST_F(ChatModelTest, AChangedKeyBlocksSendingUntilTrusted) {
  model_.OnStateChanged(SessionState::kSecure);
  model_.OnSecure(Peer(TrustLevel::kChanged));
  model_.OnError(Error{"KEY_CHANGED", "changed"}, false);
  EXPECT_TRUE(model_.key_change_pending());
  EXPECT_FALSE(model_.can_send());
  EXPECT_EQ(model_.TrustLabel(), "KEY CHANGED");
  EXPECT_NE(model_.transcript().back().kind, Kind::kWarning);  // the banner says it
  model_.OnSecure(Peer(TrustLevel::kVerified));
  EXPECT_TRUE(model_.can_send());
  EXPECT_EQ(model_.transcript().back().text, "You accepted bob's new key.");
}

TEST_F(ChatModelTest, AFatalErrorEndsTheSessionWithItsSentence) {
  model_.OnError(Error{"VERIFICATION_FAILED", "You said the codes do not match."}, true);
  model_.OnStateChanged(SessionState::kClosed);
  EXPECT_TRUE(model_.ended());
  EXPECT_FALSE(model_.can_send());
  EXPECT_EQ(model_.end_code(), "VERIFICATION_FAILED");
  EXPECT_EQ(model_.end_reason(), "You said the codes do not match.");
}

TEST(GuiListenerTest, EventsFromAnotherThreadReachTheModelInOrderOnTheDrainingThread) {
  ChatModel model([] { return int64_t{0}; });
  int woken = 0, changed = 0;
  UiQueue queue([&woken] { ++woken; });  // (only the worker writes `woken`, before the join)
  GuiListener listener(queue, model, [&changed] { ++changed; });
  std::thread io([&listener] {
    listener.OnStateChanged(SessionState::kSecure);
    listener.OnSecure(Peer(TrustLevel::kNew));
    listener.OnMessage(ReceivedMessage{"01", "bob", "first", 1});
    listener.OnMessage(ReceivedMessage{"02", "bob", "second", 2});
  });
  io.join();
  EXPECT_TRUE(model.transcript().empty());  // nothing touched the model off its thread
  EXPECT_EQ(queue.RunPending(), 4u);
  EXPECT_EQ(woken, 4);
  EXPECT_EQ(changed, 4);
  ASSERT_GE(model.transcript().size(), 2u);
  EXPECT_EQ(model.transcript()[model.transcript().size() - 2].text, "first");
  EXPECT_EQ(model.transcript().back().text, "second");
}

// Every character is 10 px wide.
int Fixed(std::string_view s) {
  int n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n * 10;
}

TEST(TextLayoutTest, WrapsBetweenWordsAtNewlinesAndInsideOverlongWords) {
  EXPECT_EQ(WrapText("one two three", 80, Fixed), (std::vector<std::string>{"one two", "three"}));
  EXPECT_EQ(WrapText("a\nb c", 200, Fixed), (std::vector<std::string>{"a", "b c"}));
  EXPECT_EQ(WrapText("abcdefghij", 40, Fixed), (std::vector<std::string>{"abcd", "efgh", "ij"}));
  EXPECT_EQ(WrapText("", 40, Fixed), (std::vector<std::string>{""}));
  EXPECT_EQ(WrapText("héé hé", 30, Fixed), (std::vector<std::string>{"héé", "hé"}));
}

TEST(TextLayoutTest, SplitsEmojiIntoTheirOwnRuns) {
  auto runs = SplitRuns("hi 👋🏽 ok");
  ASSERT_EQ(runs.size(), 3u);
  EXPECT_EQ(runs[0].text, "hi ");
  EXPECT_FALSE(runs[0].emoji);
  EXPECT_EQ(runs[1].text, "👋🏽");
  EXPECT_TRUE(runs[1].emoji);
  EXPECT_EQ(runs[2].text, " ok");
  EXPECT_EQ(SplitRuns("a\xFF")[0].text, "a\xEF\xBF\xBD");  // invalid bytes become U+FFFD
}

}  // namespace
}  // namespace duet::peer::gui
