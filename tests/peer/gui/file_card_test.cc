// The desktop app's file cards without a display: sizes, rate and time left, drops, image
// headers, and what transfer events do to a card.
#include "peer/gui/file_card.h"

#include <gtest/gtest.h>

#include "peer/gui/chat_model.h"

namespace duet::peer::gui {
namespace {

TEST(FileCardFormat, SizesUseThreeSignificantDigits) {
  EXPECT_EQ(FormatBytes(0), "0 B");
  EXPECT_EQ(FormatBytes(999), "999 B");
  EXPECT_EQ(FormatBytes(1500), "1.50 KB");
  EXPECT_EQ(FormatBytes(12'345'678), "12.3 MB");
  EXPECT_EQ(FormatBytes(999'999), "1.00 MB");
  EXPECT_EQ(FormatBytes(250'000'000), "250 MB");
  EXPECT_EQ(FormatBytes(1'020'000'000), "1.02 GB");
}

TEST(FileCardFormat, DurationsReadLikeAClock) {
  EXPECT_EQ(FormatDuration(9), "9 s");
  EXPECT_EQ(FormatDuration(125), "2 min 05 s");
  EXPECT_EQ(FormatDuration(3720), "1 h 02 min");
}

TEST(FileCardFormat, ProgressShowsRateAndTimeLeftOnceMeasurable) {
  EXPECT_EQ(FormatProgress(1'000'000, 10'000'000, 0, 100), "1.00 MB of 10.0 MB");
  // 4 MB in 2 s since a resume at 1 MB: 1.5 MB/s; 6 MB left: 4 s.
  EXPECT_EQ(FormatProgress(4'000'000, 10'000'000, 1'000'000, 2000),
            "4.00 MB of 10.0 MB · 1.50 MB/s · 4 s left");
  EXPECT_EQ(FormatProgress(10'000'000, 10'000'000, 0, 2000), "10.0 MB of 10.0 MB · 5.00 MB/s");
}

TEST(FileCardFormat, StatusLineNeverCallsAFailureSuccess) {
  FileCard c;
  c.incoming = true;
  c.size = 2000;
  c.state = FileState::kOffered;
  EXPECT_EQ(StatusLine(c, 0), "Wants to send you 2.00 KB");
  c.state = FileState::kFailed;
  c.error = "The received file does not match the sender's checksum.";
  EXPECT_EQ(StatusLine(c, 0), "Failed: The received file does not match the sender's checksum.");
  EXPECT_FALSE(c.CanOpen());
  EXPECT_FALSE(c.CanCancel());
  c.state = FileState::kDone;
  c.path = "/tmp/x";
  EXPECT_EQ(StatusLine(c, 0), "Saved and checked · 2.00 KB");
  EXPECT_TRUE(c.CanOpen());
}

TEST(FileCardFormat, DeclinedAndCancelledAreNamedAndReadCalmly) {
  EXPECT_EQ(FileStateName(FileState::kFailed), "failed");
  EXPECT_EQ(FileStateName(FileState::kDeclined), "declined");
  EXPECT_EQ(FileStateName(FileState::kCancelled), "cancelled");
  EXPECT_EQ(StoppedState("FILE_DECLINED"), FileState::kDeclined);
  EXPECT_EQ(StoppedState("FILE_CANCELLED"), FileState::kCancelled);
  EXPECT_EQ(StoppedState("FILE_INTEGRITY"), FileState::kFailed);
  FileCard c;
  c.incoming = true;
  c.error = "You declined the file.";
  c.state = FileState::kDeclined;
  EXPECT_EQ(StatusLine(c, 0), "Declined");
  c.ended_by = "bob";
  EXPECT_EQ(StatusLine(c, 0), "Declined by bob");
  c.state = FileState::kCancelled;
  EXPECT_EQ(StatusLine(c, 0), "Cancelled by bob");
  c.ended_by.clear();
  EXPECT_EQ(StatusLine(c, 0), "Cancelled");
  EXPECT_TRUE(c.Stopped());
  EXPECT_FALSE(c.CanAccept());
  EXPECT_FALSE(c.CanCancel());
  EXPECT_FALSE(c.CanOpen());
}

TEST(FileCardDrop, TakesLocalFileUrisAndPathsOnly) {
  EXPECT_EQ(ParseDroppedPaths("file:///home/a/My%20Photo.png\r\nfile:///tmp/b.txt\n"),
            (std::vector<std::string>{"/home/a/My Photo.png", "/tmp/b.txt"}));
  EXPECT_EQ(ParseDroppedPaths("/tmp/plain path.txt"),
            (std::vector<std::string>{"/tmp/plain path.txt"}));
  EXPECT_EQ(ParseDroppedPaths("file://localhost/tmp/c\nfile://otherhost/etc/passwd\n"
                              "http://example.com/x\nhello\n\n"),
            (std::vector<std::string>{"/tmp/c"}));
  EXPECT_EQ(ParseDroppedPaths("file:///tmp/%zz%4"), (std::vector<std::string>{"/tmp/%zz%4"}));
}

std::string Png(uint32_t w, uint32_t h) {
  std::string s("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
  for (uint32_t v : {w, h}) {
    for (int shift = 24; shift >= 0; shift -= 8) s += static_cast<char>(v >> shift & 0xFF);
  }
  return s;
}

TEST(FileCardImage, ReadsDimensionsFromTheHeaderBeforeDecoding) {
  EXPECT_EQ(ImageDimensions(Png(640, 480)), (std::pair<int, int>(640, 480)));
  EXPECT_EQ(ImageDimensions(std::string("GIF89a\x20\x03\x58\x02", 10)),
            (std::pair<int, int>(800, 600)));
  // SOI, an APP0 segment of 16 bytes, then SOF0 with height 0x0100 and width 0x0200.
  std::string jpeg("\xFF\xD8\xFF\xE0\x00\x10", 6);
  jpeg += std::string(14, 'j');
  jpeg += std::string("\xFF\xC0\x00\x11\x08\x01\x00\x02\x00", 9);
  EXPECT_EQ(ImageDimensions(jpeg), (std::pair<int, int>(512, 256)));
  EXPECT_EQ(SniffImage("hello world"), ImageKind::kNone);
  EXPECT_EQ(ImageDimensions("hello world"), std::nullopt);
  EXPECT_EQ(ImageDimensions(Png(640, 480).substr(0, 20)), std::nullopt);
}

TEST(FileCardImage, BoundsWhatIsDecodedAndScalesDownOnly) {
  EXPECT_TRUE(PreviewAllowed(100'000, {1920, 1080}));
  EXPECT_FALSE(PreviewAllowed(100'000, {100'000, 100'000}));  // a decompression bomb
  EXPECT_FALSE(PreviewAllowed(kMaxPreviewBytes + 1, {10, 10}));
  EXPECT_FALSE(PreviewAllowed(10, {0, 10}));
  EXPECT_EQ(FitInside(1600, 1200, 320, 220), (std::pair<int, int>(293, 220)));
  EXPECT_EQ(FitInside(64, 48, 320, 220), (std::pair<int, int>(64, 48)));
}

FileTransfer Incoming(uint64_t size) {
  return FileTransfer{std::string(32, 'f'), true, "cat.png", size, std::string(64, '0'), "", ""};
}

TEST(FileCardModel, AnIncomingFileGoesFromOfferToSavedWithItsPath) {
  int64_t now = 1'000'000;
  ChatModel model([&now] { return now; });
  FileTransfer f = Incoming(4000);
  model.OnFileOffered(f);
  model.OnFileOffered(f);  // offered again after a reconnect: still one card
  ASSERT_EQ(model.files().size(), 1u);
  EXPECT_TRUE(model.files()[0].CanAccept());
  model.AnswerFile(0);  // Accept pressed: no second press while the session answers
  EXPECT_FALSE(model.files()[0].CanAccept());
  EXPECT_EQ(StatusLine(model.files()[0], now), "Answering…");
  EXPECT_EQ(model.transcript().back().kind, TranscriptLine::Kind::kFile);
  model.OnFileStarted(f, 0);
  now += 1000;
  model.OnFileProgress(f, 1000);
  const FileCard& c = model.files()[0];
  EXPECT_EQ(c.state, FileState::kTransferring);
  EXPECT_TRUE(c.bar_shown);
  EXPECT_DOUBLE_EQ(c.Fraction(), 0.25);
  EXPECT_EQ(StatusLine(c, now), "1.00 KB of 4.00 KB · 1.00 KB/s · 3 s left");
  // The other side stops answering: the card says so instead of a rate that decays.
  now += 20'000;
  model.OnStalled(10'000);
  EXPECT_EQ(StatusLine(c, now), "1.00 KB of 4.00 KB · stalled, waiting for the other side");
  model.OnFileProgress(f, 2000);  // bytes move again
  EXPECT_EQ(StatusLine(c, now).find("stalled"), std::string::npos);
  model.OnStalled(10'000);
  model.OnLive();
  EXPECT_EQ(StatusLine(c, now).find("stalled"), std::string::npos);
  f.path = "/downloads/cat.png";
  model.OnFileDone(f);
  EXPECT_EQ(c.state, FileState::kDone);
  EXPECT_EQ(c.path, "/downloads/cat.png");
  EXPECT_DOUBLE_EQ(c.Fraction(), 1.0);
}

TEST(FileCardModel, OutgoingCardsWaitForTheirIdAndFailPlainly) {
  ChatModel model([] { return int64_t{0}; });
  const size_t card = model.AddOutgoingFile("big.iso", 5, "/tmp/big.iso");
  EXPECT_EQ(model.files()[card].state, FileState::kPreparing);
  model.AttachFileId(card, std::string(32, 'a'));
  EXPECT_EQ(model.files()[card].state, FileState::kOffered);
  EXPECT_TRUE(model.files()[card].CanCancel());
  FileTransfer f{std::string(32, 'a'), false, "big.iso", 5, "", "", ""};
  model.OnFileFailed(f, Error{"FILE_PEER_WRITE_FAILED", "The peer could not save the file."});
  EXPECT_EQ(model.files()[card].state, FileState::kFailed);
  EXPECT_EQ(model.files()[card].error, "The peer could not save the file.");
  EXPECT_EQ(StatusLine(model.files()[card], 0), "Failed: The peer could not save the file.");
  model.OnFileDone(f);  // nothing turns a failure into a success afterwards
  model.OnFileProgress(f, 5);
  EXPECT_EQ(model.files()[card].state, FileState::kFailed);
}

TEST(FileCardModel, AFileQueuedInAnEarlierRunGetsItsCardWhenItResumesOrIsDropped) {
  ChatModel model([] { return int64_t{0}; });
  FileTransfer resumed{std::string(32, 'b'), false, "big.iso", 100, "", "", ""};
  model.OnFileResumed(resumed, 40);
  model.OnFileStarted(resumed, 40);
  ASSERT_EQ(model.files().size(), 1u);
  EXPECT_EQ(model.files()[0].name, "big.iso");
  EXPECT_EQ(model.files()[0].state, FileState::kTransferring);
  EXPECT_EQ(model.files()[0].start_offset, 40u);
  FileTransfer changed{std::string(32, 'c'), false, "draft.txt", 5, "", "", ""};
  model.OnFileFailed(changed, Error{"QUEUED_FILE_CHANGED", "draft.txt changed."});
  ASSERT_EQ(model.files().size(), 2u);
  EXPECT_EQ(model.files()[1].state, FileState::kFailed);
  EXPECT_EQ(model.files()[1].error, "draft.txt changed.");
  FileTransfer incoming{std::string(32, 'd'), true, "photo.jpg", 50, "", "", ""};
  model.OnFileResumed(incoming, 20);  // accepted in an earlier run: no offer in this one
  model.OnFileStarted(incoming, 20);
  ASSERT_EQ(model.files().size(), 3u);
  EXPECT_TRUE(model.files()[2].incoming);
  EXPECT_EQ(model.files()[2].state, FileState::kTransferring);
}

TEST(FileCardModel, FilesUnderWayFailWhenTheConversationEnds) {
  ChatModel model([] { return int64_t{0}; });
  FileTransfer f = Incoming(10);
  model.OnFileOffered(f);
  model.OnFileStarted(f, 0);
  model.OnStateChanged(SessionState::kClosed);
  EXPECT_EQ(model.files()[0].state, FileState::kFailed);
  EXPECT_EQ(model.files()[0].error, "The conversation ended before the transfer finished.");
}

}  // namespace
}  // namespace duet::peer::gui
