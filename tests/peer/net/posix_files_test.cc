// The real download folder (peer/net/posix_files): parts written in many steps (the write-behind
// that keeps big files out of the page cache), resumed parts, final names that never replace a
// file.
#include "peer/net/posix_files.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/peer/core/memory_files.h"
#include "tests/support/process.h"
#include "wire/hex.h"

namespace duet::testing {
namespace {

namespace fs = std::filesystem;
using peer::PartFile;

wire::app::Id IdOf(uint8_t k) {
  wire::app::Id id{};
  id.fill(k);
  return id;
}

// Bytes that differ at every position of a large file (a repeated block would hide misplaced
// steps).
std::vector<uint8_t> Pattern(size_t n, uint32_t seed) {
  std::vector<uint8_t> v(n);
  uint32_t x = seed * 2654435761u + 1;
  for (auto& b : v) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<uint8_t>(x);
  }
  return v;
}

std::vector<uint8_t> Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(in), {});
}

std::unique_ptr<peer::DownloadFolder> OpenFolder(const std::string& path,
                                                 peer::PartLedgerStore& ledger) {
  auto folder = peer::OpenDownloadFolder(path, ledger);
  EXPECT_TRUE(folder) << (folder ? "" : folder.error().message);
  return folder ? std::move(*folder) : nullptr;
}

class PosixFilesTest : public ::testing::Test {
 protected:
  std::unique_ptr<PartFile> Open(const std::string& name, uint8_t id) {
    auto part = folder_->OpenPart(name, IdOf(id));
    EXPECT_TRUE(part) << (part ? "" : part.error().message);
    return part ? std::move(*part) : nullptr;
  }

  TempDir dir_;
  peer::testing::MemoryPartLedger ledger_;
  std::unique_ptr<peer::DownloadFolder> folder_ = OpenFolder(dir_.path(), ledger_);
};

TEST_F(PosixFilesTest, AFileWrittenInManyStepsArrivesIntactUnderItsName) {
  std::unique_ptr<PartFile> part = Open("big.bin", 1);
  ASSERT_TRUE(part);
  // 40 MiB plus a tail, in uneven pieces: crosses several write-behind steps and their edges.
  const std::vector<uint8_t> data = Pattern((40 << 20) + 12345, 7);
  for (size_t at = 0; at < data.size();) {
    const size_t n = std::min<size_t>(data.size() - at, 1'000'003);
    ASSERT_TRUE(part->Append(wire::ByteView(data.data() + at, n)));
    at += n;
  }
  EXPECT_EQ(part->size(), data.size());
  auto path = part->Commit();
  ASSERT_TRUE(path) << path.error().message;
  EXPECT_EQ(*path, dir_ / "big.bin");
  EXPECT_TRUE(Slurp(*path) == data);
  EXPECT_FALSE(fs::exists(dir_ / "big.bin.part"));
  EXPECT_FALSE(fs::exists(dir_ / "big.bin.part.id"));
}

TEST_F(PosixFilesTest, APartIsResumedByTheSameTransferOnlyAndContinuesWhereItStopped) {
  const std::vector<uint8_t> data = Pattern(30 << 20, 9);
  const size_t cut = (17 << 20) + 4321;  // not on a write-behind step
  {
    std::unique_ptr<PartFile> part = Open("r.bin", 2);
    ASSERT_TRUE(part);
    ASSERT_TRUE(part->Append(wire::ByteView(data.data(), cut)));
  }                                            // the run ends with the part on disk
  folder_ = OpenFolder(dir_.path(), ledger_);  // as a new run would
  // Another transfer with the same name gets a numbered part, not this one.
  std::unique_ptr<PartFile> other = Open("r.bin", 3);
  ASSERT_TRUE(other);
  EXPECT_EQ(other->size(), 0u);
  other->Remove();
  std::unique_ptr<PartFile> part = Open("r.bin", 2);
  ASSERT_TRUE(part);
  ASSERT_EQ(part->size(), cut);
  std::vector<uint8_t> back(cut);
  auto got = part->ReadAt(0, back);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, cut);
  EXPECT_TRUE(std::equal(back.begin(), back.end(), data.begin()));
  ASSERT_TRUE(part->Append(wire::ByteView(data.data() + cut, data.size() - cut)));
  auto path = part->Commit();
  ASSERT_TRUE(path);
  EXPECT_TRUE(Slurp(*path) == data);
}

TEST_F(PosixFilesTest, TheFinalNameNeverReplacesAFileThatAppearedMeanwhile) {
  std::unique_ptr<PartFile> part = Open("a.txt", 4);
  ASSERT_TRUE(part);
  ASSERT_TRUE(part->Append(wire::ByteView(reinterpret_cast<const uint8_t*>("new"), 3)));
  std::ofstream(dir_ / "a.txt") << "mine";
  auto path = part->Commit();
  ASSERT_TRUE(path);
  EXPECT_EQ(*path, dir_ / "a (1).txt");
  std::ifstream mine(dir_ / "a.txt");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(mine), {}), "mine");
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

TEST_F(PosixFilesTest, PartsAndReceivedFilesAreReadableByTheirOwnerOnly) {
  std::unique_ptr<PartFile> part = Open("private.txt", 5);
  ASSERT_TRUE(part);
  EXPECT_EQ(ModeOf(dir_ / "private.txt.part"), 0600u);
  ASSERT_TRUE(part->Append(wire::ByteView(reinterpret_cast<const uint8_t*>("x"), 1)));
  auto path = part->Commit();
  ASSERT_TRUE(path);
  EXPECT_EQ(ModeOf(*path), 0600u);
}

// A NAME.part someone else left (a browser's download, a file the peer sent with a side file
// naming its next transfer) is never adopted: it keeps every byte, and the transfer gets a part
// of its own.
TEST_F(PosixFilesTest, APartDuetDidNotCreateIsNeverAdoptedNorTouched) {
  std::ofstream(dir_ / "report.pdf.part") << "firefox was here";
  std::ofstream(dir_ / "report.pdf.part.id") << wire::ToHex(IdOf(6));
  EXPECT_FALSE(folder_->HasPart("report.pdf", IdOf(6)));
  std::unique_ptr<PartFile> part = Open("report.pdf", 6);
  ASSERT_TRUE(part);
  EXPECT_EQ(part->size(), 0u);
  EXPECT_TRUE(fs::exists(dir_ / "report (1).pdf.part"));
  std::ifstream foreign(dir_ / "report.pdf.part");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(foreign), {}), "firefox was here");
}

// The ledger names a path; a file put there in place of Duet's part (another inode) is not Duet's.
TEST_F(PosixFilesTest, AFileSwappedInForDuetsPartIsNotAdoptedAndTheRecordIsDropped) {
  {
    std::unique_ptr<PartFile> part = Open("swap.bin", 7);
    ASSERT_TRUE(part);
    ASSERT_TRUE(part->Append(wire::ByteView(reinterpret_cast<const uint8_t*>("ours"), 4)));
  }
  EXPECT_TRUE(folder_->HasPart("swap.bin", IdOf(7)));
  fs::remove(dir_ / "swap.bin.part");
  std::ofstream(dir_ / "other") << "theirs!";
  fs::rename(dir_ / "other", dir_ / "swap.bin.part");
  EXPECT_FALSE(folder_->HasPart("swap.bin", IdOf(7)));
  EXPECT_EQ(ledger_.text.find(wire::ToHex(IdOf(7))), std::string::npos);
  std::unique_ptr<PartFile> part = Open("swap.bin", 7);
  ASSERT_TRUE(part);
  EXPECT_EQ(part->size(), 0u);
  std::ifstream theirs(dir_ / "swap.bin.part");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(theirs), {}), "theirs!");
}

TEST_F(PosixFilesTest, ASymlinkInPlaceOfDuetsPartIsNotFollowed) {
  {
    std::unique_ptr<PartFile> part = Open("link.bin", 8);
    ASSERT_TRUE(part);
  }
  std::ofstream(dir_ / "target") << "target";
  fs::remove(dir_ / "link.bin.part");
  fs::create_symlink(dir_ / "target", dir_ / "link.bin.part");
  EXPECT_FALSE(folder_->HasPart("link.bin", IdOf(8)));
}

TEST_F(PosixFilesTest, AFinishedOrRemovedPartLeavesNoRecord) {
  std::unique_ptr<PartFile> a = Open("a.bin", 9);
  std::unique_ptr<PartFile> b = Open("b.bin", 10);
  ASSERT_TRUE(a && b);
  const std::vector<uint8_t> data = Pattern(2 << 20, 3);
  ASSERT_TRUE(a->Append(wire::ByteView(data)));  // worth resuming: recorded
  ASSERT_TRUE(b->Append(wire::ByteView(data)));
  EXPECT_NE(ledger_.text.find(dir_ / "a.bin.part"), std::string::npos);
  ASSERT_TRUE(a->Commit());
  b->Remove();
  EXPECT_EQ(ledger_.text, "# duet part ledger v1\n");
}

// A folder of small files: each part is created, filled and given its name in one go, and the
// ledger (a file rewritten, and so created, at each change) is never touched. A small part left
// unfinished is recorded when it is closed, so a later run still resumes it.
TEST_F(PosixFilesTest, SmallPartsReceivedInOneGoNeverTouchTheLedger) {
  const std::vector<uint8_t> data = Pattern(4096, 4);
  for (uint8_t i = 0; i < 50; ++i) {
    std::unique_ptr<PartFile> part = Open("f" + std::to_string(i), 20 + i);
    ASSERT_TRUE(part);
    ASSERT_TRUE(part->Append(wire::ByteView(data)));
    ASSERT_TRUE(part->Commit());
  }
  EXPECT_EQ(ledger_.saves, 0);
  std::unique_ptr<PartFile> left = Open("left.bin", 90);
  ASSERT_TRUE(left && left->Append(wire::ByteView(data)));
  left->Close();
  EXPECT_TRUE(folder_->HasPart("left.bin", IdOf(90)));
}

TEST_F(PosixFilesTest, TheFolderSaysHowMuchIsFree) {
  std::optional<uint64_t> free = folder_->FreeBytes();
  ASSERT_TRUE(free);
  EXPECT_GT(*free, 0u);
  EXPECT_EQ(folder_->path(), dir_.path());
}

// A file put in place of a part while it is received is neither deleted nor given the final name.
TEST_F(PosixFilesTest, AFileSwappedInWhileReceivingIsNeitherCommittedNorDeleted) {
  std::unique_ptr<PartFile> part = Open("live.bin", 11);
  ASSERT_TRUE(part);
  ASSERT_TRUE(part->Append(wire::ByteView(reinterpret_cast<const uint8_t*>("ours"), 4)));
  part->Close();
  std::ofstream(dir_ / "other") << "theirs!";
  fs::rename(dir_ / "other", dir_ / "live.bin.part");
  auto more = part->Append(wire::ByteView(reinterpret_cast<const uint8_t*>("x"), 1));
  ASSERT_FALSE(more);
  EXPECT_EQ(more.error().code, "FILE_WRITE_FAILED");
  EXPECT_FALSE(part->Commit());
  part->Remove();
  EXPECT_FALSE(fs::exists(dir_ / "live.bin"));
  std::ifstream theirs(dir_ / "live.bin.part");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(theirs), {}), "theirs!");
}

// The same while the part is still open (the usual case: at most four parts are closed to save
// descriptors): the name is checked against the open file before the rename or the unlink.
TEST_F(PosixFilesTest, AFileSwappedInWhileThePartIsOpenIsNeitherCommittedNorDeleted) {
  std::unique_ptr<PartFile> part = Open("open.bin", 12);
  ASSERT_TRUE(part);
  ASSERT_TRUE(part->Append(wire::ByteView(reinterpret_cast<const uint8_t*>("ours"), 4)));
  std::ofstream(dir_ / "other") << "theirs!";
  fs::rename(dir_ / "other", dir_ / "open.bin.part");
  auto committed = part->Commit();
  ASSERT_FALSE(committed);
  EXPECT_EQ(committed.error().code, "FILE_WRITE_FAILED");
  part->Remove();
  EXPECT_FALSE(fs::exists(dir_ / "open.bin"));
  std::ifstream theirs(dir_ / "open.bin.part");
  EXPECT_EQ(std::string(std::istreambuf_iterator<char>(theirs), {}), "theirs!");
}

// --- folders sent whole ---------------------------------------------------------------------

// A received folder: created under its name, numbered on a clash; the folders inside it made on
// the way to each file; an empty folder made too.
TEST_F(PosixFilesTest, AReceivedFolderKeepsItsTreeAndAClashIsNumbered) {
  fs::create_directory(dir_ / "Album");
  std::ofstream(dir_ / "Album/mine.txt") << "mine";
  auto album = folder_->OpenFolder("Album", IdOf(20));
  ASSERT_TRUE(album) << album.error().message;
  EXPECT_EQ((*album)->path(), dir_ / "Album (1)");
  auto part = (*album)->OpenPart("2024/june/beach.jpg", IdOf(21));
  ASSERT_TRUE(part) << part.error().message;
  const std::vector<uint8_t> data = Pattern(1000, 4);
  ASSERT_TRUE((*part)->Append(wire::ByteView(data)));
  auto path = (*part)->Commit();
  ASSERT_TRUE(path);
  EXPECT_EQ(*path, dir_ / "Album (1)/2024/june/beach.jpg");
  EXPECT_EQ(Slurp(*path), data);
  ASSERT_TRUE((*album)->MakeFolder("2024/nothing yet/"));
  EXPECT_TRUE(fs::is_directory(dir_ / "Album (1)/2024/nothing yet"));
  EXPECT_EQ(Slurp(dir_ / "Album/mine.txt").size(), 4u);  // the folder that was there: untouched
  EXPECT_EQ(fs::status(dir_ / "Album (1)/2024").permissions() & fs::perms::all,
            fs::perms::owner_all);
}

// Someone with write access to the download folder plants a link inside a folder being received
// (a folder of the tree replaced by a link to elsewhere): nothing is written through it.
TEST_F(PosixFilesTest, ALinkPlantedInAReceivedFolderIsNotFollowed) {
  TempDir elsewhere;
  auto album = folder_->OpenFolder("Album", IdOf(22));
  ASSERT_TRUE(album);
  fs::create_directory_symlink(elsewhere.path(), dir_ / "Album/sub");
  auto part = (*album)->OpenPart("sub/x.txt", IdOf(23));
  ASSERT_FALSE(part);
  EXPECT_EQ(part.error().code, "FILE_WRITE_FAILED");
  EXPECT_FALSE((*album)->MakeFolder("sub/deeper/"));
  EXPECT_TRUE(fs::is_empty(elsewhere.path()));
}

// A received folder is recorded like a part: a later run finds it again (only if it is still
// the very folder), and it is forgotten once complete.
TEST_F(PosixFilesTest, AReceivedFolderIsFoundAgainByALaterRunUntilForgotten) {
  {
    auto album = folder_->OpenFolder("Album", IdOf(24));
    ASSERT_TRUE(album);
  }
  auto later = OpenFolder(dir_.path(), ledger_);
  EXPECT_TRUE(later->HasFolder(IdOf(24)));
  EXPECT_FALSE(later->HasFolder(IdOf(25)));
  auto again = later->OpenFolder("Album", IdOf(24));
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->path(), dir_ / "Album");
  // Replaced by another folder of the same name: not Duet's, not taken.
  fs::remove(dir_ / "Album");
  fs::create_directory(dir_ / "Album");
  EXPECT_FALSE(later->HasFolder(IdOf(24)));
  auto other = later->OpenFolder("Other", IdOf(26));
  ASSERT_TRUE(other);
  later->ForgetFolder(IdOf(26));
  EXPECT_FALSE(later->HasFolder(IdOf(26)));
  EXPECT_TRUE(fs::is_directory(dir_ / "Other"));  // the folder itself stays
}

// The sender's walk: files and empty folders in name order, links never followed (to a file or
// to a folder), anything else skipped and named.
TEST(PosixFolderToSendTest, LinksAndSpecialFilesAreSkippedAndNamed) {
  TempDir dir;
  TempDir outside;
  std::ofstream(outside / "secret.txt") << "secret";
  fs::create_directories(dir / "Album/b/c");
  fs::create_directories(dir / "Album/empty");
  std::ofstream(dir / "Album/a.txt") << "a";
  std::ofstream(dir / "Album/b/c/d.txt") << "dd";
  fs::create_symlink(outside / "secret.txt", dir / "Album/link-to-file");
  fs::create_directory_symlink(outside.path(), dir / "Album/link-to-folder");
  ASSERT_EQ(::mkfifo((dir / "Album/fifo").c_str(), 0600), 0);
  auto f = peer::OpenFolderToSend(dir / "Album/");
  ASSERT_TRUE(f) << f.error().message;
  EXPECT_EQ(f->name, "Album");
  std::vector<std::string> paths;
  for (const auto& e : f->entries) paths.push_back(e.path);
  EXPECT_EQ(paths, (std::vector<std::string>{"a.txt", "b/c/d.txt", "empty/"}));
  EXPECT_EQ(f->entries[1].size, 2u);
  EXPECT_EQ(f->entries[2].source, nullptr);
  EXPECT_EQ(f->skipped, (std::vector<std::string>{
                            "fifo: not a regular file",
                            "link-to-file: a symbolic link (links are not followed)",
                            "link-to-folder: a symbolic link (links are not followed)"}));
  EXPECT_EQ(peer::OpenFolderToSend(dir / "nope").error().code, "FILE_NOT_FOUND");
}

}  // namespace
}  // namespace duet::testing
