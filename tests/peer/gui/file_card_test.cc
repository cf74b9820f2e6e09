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

FolderTransfer Folder(bool incoming) {
  FolderTransfer f;
  f.id = std::string(32, 'e');
  f.incoming = incoming;
  f.name = "Album";
  f.entries = 40;
  f.size = 4000;
  return f;
}

size_t FileLines(const ChatModel& model) {
  size_t n = 0;
  for (const TranscriptLine& l : model.transcript()) n += l.kind == TranscriptLine::Kind::kFile;
  return n;
}

TEST(FolderCardModel, AnIncomingFolderIsOneCardFromOfferToSavedCountedInFiles) {
  const int64_t now = 1'000'000;
  ChatModel model([now] { return now; });
  FolderTransfer f = Folder(true);
  model.OnFolderOffered(f);
  model.OnFolderOffered(f);  // offered again after a reconnect: still one card
  ASSERT_EQ(model.files().size(), 1u);
  const FileCard& c = model.files()[0];
  EXPECT_TRUE(c.folder);
  EXPECT_EQ(c.name, "Album");
  EXPECT_TRUE(c.CanAccept());
  EXPECT_EQ(StatusLine(c, now), "Wants to send you 40 files · 4.00 KB");
  model.AnswerFile(0);  // Accept pressed
  EXPECT_EQ(StatusLine(c, now), "Answering…");
  f.path = "/downloads/Album";
  model.OnFolderStarted(f);
  EXPECT_EQ(c.state, FileState::kTransferring);
  EXPECT_TRUE(c.CanCancel());
  EXPECT_TRUE(c.bar_shown);
  EXPECT_EQ(c.path, "/downloads/Album");
  f.entries_done = 12;
  f.bytes_done = 1000;
  f.current = "2024/june/beach.jpg";
  model.OnFolderProgress(f);
  EXPECT_DOUBLE_EQ(c.Fraction(), 0.25);
  EXPECT_EQ(c.entries_done, 12u);
  EXPECT_EQ(StatusLine(c, now), "12 of 40 · 2024/june/beach.jpg");
  // The other side stops answering: said instead of the file under way.
  model.OnStalled(10'000);
  EXPECT_EQ(StatusLine(c, now), "12 of 40 · stalled, waiting for the other side");
  model.OnLive();
  f.entries_done = 40;
  f.bytes_done = 4000;
  model.OnFolderDone(f);
  EXPECT_EQ(c.state, FileState::kDone);
  EXPECT_DOUBLE_EQ(c.Fraction(), 1.0);
  EXPECT_EQ(StatusLine(c, now), "Saved in /downloads/Album");
  EXPECT_TRUE(c.CanOpen());  // Open shows the folder
  EXPECT_EQ(FileLines(model), 1u);
}

TEST(FolderCardModel, AFileThatFailsInsideAFolderIsCountedOnItsCardNotACardOfItsOwn) {
  ChatModel model([] { return int64_t{0}; });
  FolderTransfer f = Folder(true);
  model.OnFolderOffered(f);
  f.path = "/downloads/Album";
  model.OnFolderStarted(f);
  const FileTransfer inside{std::string(32, '1'), true, "2024/june/beach.jpg", 100, "", "", f.id};
  model.OnFileFailed(inside, Error{"FILE_INTEGRITY", "beach.jpg was damaged on the way."});
  ASSERT_EQ(model.files().size(), 1u);
  EXPECT_EQ(FileLines(model), 1u);
  const FileCard& c = model.files()[0];
  EXPECT_EQ(c.state, FileState::kTransferring);  // the folder goes on
  EXPECT_EQ(c.failed, 1u);
  EXPECT_EQ(c.failed_name, "2024/june/beach.jpg");
  // The folder's own progress carries the same count.
  f.entries_done = 13;
  f.failed = 1;
  f.bytes_done = 1200;
  f.current = "2024/june/sea.jpg";
  model.OnFolderProgress(f);
  EXPECT_EQ(c.failed, 1u);
  EXPECT_EQ(StatusLine(c, 0), "13 of 40 · 1 failed · 2024/june/sea.jpg");
  f.entries_done = 40;
  f.bytes_done = 3900;
  model.OnFolderDone(f);
  EXPECT_EQ(c.state, FileState::kDone);
  EXPECT_EQ(StatusLine(c, 0), "Saved in /downloads/Album · 1 failed: 2024/june/beach.jpg");
  // Two failed: counted, not named.
  model.OnFileFailed(inside, Error{"FILE_INTEGRITY", "late"});  // after the end: nothing moves
  EXPECT_EQ(c.failed, 1u);
  FolderTransfer g = Folder(false);
  g.id = std::string(32, 'g');
  const size_t out = model.AddOutgoingFolder("Album", "/home/alice/Album");
  model.SetFolderContents(out, 40, 4000, {});
  model.AttachFileId(out, g.id);
  g.entries_done = 40;
  g.failed = 2;
  g.bytes_done = 3800;
  model.OnFolderDone(g);
  EXPECT_EQ(StatusLine(model.files()[out], 0), "Delivered · 2 failed");
  EXPECT_EQ(model.files().size(), 2u);
}

TEST(FolderCardModel, AnOutgoingFolderIsReadThenOfferedAndSaysWhatWasNotSent) {
  ChatModel model([] { return int64_t{0}; });
  const size_t card = model.AddOutgoingFolder("Album", "/home/alice/Album");
  EXPECT_EQ(model.files()[card].state, FileState::kPreparing);
  EXPECT_TRUE(model.files()[card].folder);
  EXPECT_EQ(StatusLine(model.files()[card], 0), "Preparing (reading the folder)…");
  model.SetFolderContents(card, 3, 3000,
                          {"x: a symbolic link (links are not followed)", "fifo: not a file"});
  ASSERT_FALSE(model.transcript().empty());
  EXPECT_EQ(model.transcript().back().kind, TranscriptLine::Kind::kSystem);
  EXPECT_EQ(model.transcript().back().text,
            "Not sent from Album: x: a symbolic link (links are not followed); fifo: not a file");
  model.AttachFileId(card, std::string(32, 'a'));
  const FileCard& c = model.files()[card];
  EXPECT_EQ(c.state, FileState::kOffered);
  EXPECT_FALSE(c.CanAccept());
  EXPECT_TRUE(c.CanCancel());
  EXPECT_EQ(StatusLine(c, 0), "Offered · 3 files · 3.00 KB · waiting for them to accept");
  FolderTransfer f{std::string(32, 'a'), false, "Album", 3, 3000, "", 1, 0, 1000, "b.txt"};
  model.OnFolderProgress(f);  // the peer accepted: an outgoing folder has no "started"
  EXPECT_EQ(c.state, FileState::kTransferring);
  EXPECT_EQ(StatusLine(c, 0), "1 of 3 · b.txt");
  f.entries_done = 3;
  f.bytes_done = 3000;
  model.OnFolderDone(f);
  EXPECT_EQ(StatusLine(c, 0), "Delivered");
  EXPECT_EQ(model.files().size(), 1u);
}

TEST(FolderCardModel, ADeclinedOrCancelledFolderReadsLikeAFileAndAFailureSaysWhy) {
  ChatModel model([] { return int64_t{0}; });
  model.OnStateChanged(SessionState::kSecure);
  PeerInfo bob;
  bob.name = "bob";
  model.OnSecure(bob);
  // We declined an offer.
  FolderTransfer in = Folder(true);
  model.OnFolderOffered(in);
  model.AnswerFile(0);
  model.OnFolderFailed(in, Error{"FILE_DECLINED", "You declined the folder Album."});
  EXPECT_EQ(model.files()[0].state, FileState::kDeclined);
  EXPECT_EQ(StatusLine(model.files()[0], 0), "Declined");
  EXPECT_TRUE(model.WaitingOffers().empty());
  // bob declined ours.
  const size_t out = model.AddOutgoingFolder("Album", "/home/alice/Album");
  model.SetFolderContents(out, 40, 4000, {});
  model.AttachFileId(out, std::string(32, 'b'));
  FolderTransfer mine = Folder(false);
  mine.id = std::string(32, 'b');
  model.OnFolderFailed(mine, Error{"FILE_DECLINED", "The peer declined the folder Album."});
  EXPECT_EQ(StatusLine(model.files()[out], 0), "Declined by bob");
  // We cancelled one under way.
  FolderTransfer c = Folder(true);
  c.id = std::string(32, 'c');
  model.OnFolderOffered(c);
  model.OnFolderStarted(c);
  model.PressCancel(2);
  model.OnFolderFailed(c, Error{"FILE_CANCELLED", "You cancelled the folder Album."});
  EXPECT_EQ(StatusLine(model.files()[2], 0), "Cancelled");
  // Not enough space: a failure, said.
  FolderTransfer d = Folder(true);
  d.id = std::string(32, 'd');
  model.OnFolderOffered(d);
  model.OnFolderFailed(d, Error{"FILE_NO_SPACE", "Album was not saved: not enough free space."});
  EXPECT_EQ(model.files()[3].state, FileState::kFailed);
  EXPECT_EQ(StatusLine(model.files()[3], 0), "Failed: Album was not saved: not enough free space.");
  // A folder under way when the conversation ends never reads as complete.
  FolderTransfer e = Folder(true);
  e.id = std::string(32, 'f');
  model.OnFolderOffered(e);
  model.OnFolderStarted(e);
  model.OnStateChanged(SessionState::kClosed);
  EXPECT_EQ(model.files()[4].state, FileState::kFailed);
}

}  // namespace
}  // namespace duet::peer::gui
