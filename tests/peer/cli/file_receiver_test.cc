// A receiver no peer can fill (issue 14): real duet --cli processes through a real duet-relay,
// the sender playing the attacker with nothing but files it chose.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "crypto/sha256.h"
#include "peer/core/transfer_state.h"
#include "tests/peer/cli/cli_harness.h"
#include "wire/hex.h"

namespace duet::testing {
namespace {

namespace fs = std::filesystem;

class FileReceiverTest : public ::testing::Test {
 protected:
  TempDir tmp_;
};

// A browser's unfinished download (report.pdf.part) lies in bob's folder. The peer first sends
// a file named report.pdf.part.id (what older Duet took as proof that it created the part),
// then report.pdf. Bob is asked about report.pdf as about any
// new file, and the browser's part keeps every byte: Duet resumes only parts its ledger records.
TEST_F(FileReceiverTest, APartDuetDidNotCreateIsNeitherResumedNorTouched) {
  fs::create_directories(tmp_ / "bob-cwd");
  const std::string foreign = "%PDF-1.7 half of someone else's download";
  std::ofstream(tmp_ / "bob-cwd/report.pdf.part") << foreign;
  fs::create_directories(tmp_ / "mallory");
  const std::string sum = WriteRandomFile(tmp_ / "mallory/report.pdf", 5000, 14);
  const std::string claimed_id(32, 'a');
  std::ofstream(tmp_ / "mallory/report.pdf.part.id") << claimed_id;

  Relay relay = StartRelay();
  auto mallory = StartPeer(relay.addr, "mallory", tmp_ / "mallory-home");
  auto bob = StartPeerIn(tmp_ / "bob-cwd", relay.addr, "bob", tmp_ / "bob");
  ASSERT_TRUE(Event(*mallory, "secure") && Event(*bob, "secure"));
  mallory->WriteLine("/file " + (tmp_ / "mallory/report.pdf.part.id"));
  auto first = Event(*bob, "file_offer");
  ASSERT_TRUE(first) << bob->Transcript();
  bob->WriteLine("/accept " + (*first)["id"].get<std::string>());
  ASSERT_TRUE(Event(*bob, "file"));
  EXPECT_EQ(ReadAll(tmp_ / "bob-cwd/report.pdf.part.id"), claimed_id);

  mallory->WriteLine("/file " + (tmp_ / "mallory/report.pdf"));
  auto second = Event(*bob, "file_offer", 1);  // asked, not resumed behind bob's back
  ASSERT_TRUE(second) << bob->Transcript();
  const std::string next_id = (*second)["id"];
  EXPECT_EQ(bob->Count("file_resumed"), 0u) << bob->Transcript();
  EXPECT_EQ(bob->Count("file_started"), 1u) << bob->Transcript();  // only the first file
  bob->WriteLine("/accept " + next_id);
  auto started = Event(*bob, "file_started", 1);
  ASSERT_TRUE(started) << bob->Transcript();
  EXPECT_EQ((*started)["offset"], 0);  // from the start, into a part of its own
  auto saved = Event(*bob, "file", 1);
  ASSERT_TRUE(saved) << bob->Transcript();
  EXPECT_EQ((*saved)["path"], (tmp_ / "bob-cwd/report (1).pdf"));
  EXPECT_EQ(Sha256OfFile(tmp_ / "bob-cwd/report (1).pdf"), sum);
  EXPECT_EQ(ReadAll(tmp_ / "bob-cwd/report.pdf.part"), foreign);  // byte for byte
  ASSERT_TRUE(Event(*mallory, "file_sent", 1)) << mallory->Transcript();
}

mode_t ModeOf(const std::string& path) {
  struct stat st {};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return st.st_mode & 0777;
}

// Descriptors `pid` holds on files inside `dir` (the folder's own handle not counted).
size_t FilesOpenIn(pid_t pid, const std::string& dir) {
  size_t n = 0;
  for (const auto& e : fs::directory_iterator("/proc/" + std::to_string(pid) + "/fd")) {
    std::error_code ec;
    const std::string target = fs::read_symlink(e.path(), ec).string();
    if (!ec && target.rfind(dir + "/", 0) == 0) ++n;
  }
  return n;
}

TEST_F(FileReceiverTest, AnOfferAboveTheSizeLimitIsDeclinedWithoutAsking) {
  fs::create_directories(tmp_ / "out");
  WriteRandomFile(tmp_ / "out/big.bin", 20'000, 1);
  const std::string sum = WriteRandomFile(tmp_ / "out/small.txt", 5'000, 2);
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
  auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob", "test",
                       {"--accept-files", tmp_ / "dl", "--max-file-size", "10K"});
  ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure")) << bob->Transcript();
  alice->WriteLine("/file " + (tmp_ / "out/big.bin"));
  alice->WriteLine("/file " + (tmp_ / "out/small.txt"));
  auto declined = Event(*bob, "file_failed");
  ASSERT_TRUE(declined) << bob->Transcript();
  EXPECT_EQ((*declined)["code"], "FILE_OVER_LIMIT");
  EXPECT_EQ((*declined)["message"],
            "big.bin (20000 bytes) was declined: files taken without asking may have at most "
            "10240 bytes (--max-file-size). Raise the limit, or run without --accept-files to be "
            "asked.");
  auto told = Event(*alice, "file_failed");
  ASSERT_TRUE(told) << alice->Transcript();
  EXPECT_EQ((*told)["code"], "FILE_PEER_OVER_LIMIT");
  ExpectSavedAlone(*bob, tmp_ / "dl", "small.txt", sum);  // nothing of big.bin is left
  EXPECT_EQ(ModeOf(tmp_ / "dl/small.txt"), 0600u);
}

// The disk (here: the receiver's file-size limit) fills mid-file. The receiver says so and goes
// on, the sender is told, and the part keeps what arrived (private, like every received file).
TEST_F(FileReceiverTest, AFileSizeLimitMidFileIsNoSpaceAndNothingCrashes) {
  fs::create_directories(tmp_ / "out");
  WriteRandomFile(tmp_ / "out/big.bin", 3 << 20, 3);
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
  auto bob = StartPeerWithFileLimit(1 << 20, relay.addr, "bob", tmp_ / "bob",
                                    {"--accept-files", tmp_ / "dl"});
  ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure")) << bob->Transcript();
  alice->WriteLine("/file " + (tmp_ / "out/big.bin"));
  auto failed = Event(*bob, "file_failed");
  ASSERT_TRUE(failed) << bob->Transcript();
  EXPECT_EQ((*failed)["code"], "FILE_NO_SPACE");
  EXPECT_EQ((*failed)["message"],
            "big.bin was not saved: " + (tmp_ / "dl") +
                " takes no more (a file-size limit or a quota was reached): 2097152 bytes "
                "needed. Free some space or choose another folder.");
  auto told = Event(*alice, "file_failed");
  ASSERT_TRUE(told) << alice->Transcript();
  EXPECT_EQ((*told)["code"], "FILE_PEER_NO_SPACE");
  alice->WriteLine("still there?");
  ASSERT_TRUE(Event(*bob, "message")) << bob->Transcript();  // bob did not crash
  EXPECT_EQ(fs::file_size(tmp_ / "dl/big.bin.part"), 1u << 20);
  EXPECT_EQ(ModeOf(tmp_ / "dl/big.bin.part"), 0600u);
  EXPECT_FALSE(fs::exists(tmp_ / "dl/big.bin"));
}

// Forty files offered at once and accepted: the receiver holds a descriptor for the few it
// writes, not one per accepted file, and makes a part only for a file whose bytes come (the
// others wait behind first.bin).
TEST_F(FileReceiverTest, ManyAcceptedFilesHoldOnlyAFewDescriptors) {
  fs::create_directories(tmp_ / "out");
  constexpr int kSmall = 40;
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
  ASSERT_TRUE(Event(*alice, "waiting"));
  WriteRandomFile(tmp_ / "out/first.bin", k64MiB, 4);
  alice->WriteLine("/file " + (tmp_ / "out/first.bin"));  // keeps the others waiting behind it
  for (int i = 0; i < kSmall; ++i) {
    const std::string name = tmp_ / ("out/f" + std::to_string(i));
    WriteRandomFile(name, 1000, 10 + i);
    alice->WriteLine("/file " + name);
  }
  ASSERT_TRUE(alice->WaitForCount("\"event\":\"file_queued\"", kSmall + 1));
  auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob", "test", {"--accept-files", tmp_ / "dl"});
  ASSERT_TRUE(bob->WaitForCount("\"event\":\"file_started\"", kSmall + 1)) << bob->Transcript();
  bob->Signal(SIGSTOP);  // its descriptors hold still while they are counted
  const size_t open = FilesOpenIn(bob->pid(), tmp_ / "dl");
  const size_t parts = Listing(tmp_ / "dl").size();
  bob->Signal(SIGCONT);
  EXPECT_LE(open, 4u);
  EXPECT_LE(parts, 1u);
  ASSERT_TRUE(bob->WaitForCount("\"event\":\"file\"", kSmall + 1, 60s)) << bob->Transcript();
}

}  // namespace
}  // namespace duet::testing
