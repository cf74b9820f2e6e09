// Transfers that continue after a PROGRAM restart (not only a relay restart): real duet --cli
// processes killed with SIGKILL mid-file and started again, nobody typing the command again.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "tests/peer/cli/cli_harness.h"

namespace duet::testing {
namespace {

namespace fs = std::filesystem;

// The send queue in `home` holds no file any more (only its header line, or no file at all).
bool QueueIsEmpty(const std::string& home) {
  const std::string text = ReadAll(home + "/send-queue");
  return text.empty() || text == "# duet send queue v2\n";
}

class FileResumeTest : public ::testing::Test {
 protected:
  TempDir tmp_;
};

TEST_F(FileResumeTest, SenderKilledMidFileResumesWhenItStartsAgain) {
  const std::string sum = WriteRandomFile(tmp_ / "big.bin", k64MiB, 6);
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
  auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob", "test", {"--accept-files", tmp_ / "dl"});
  ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure"));
  alice->WriteLine("/file " + (tmp_ / "big.bin"));
  ASSERT_TRUE(Event(*bob, "progress"));
  // Freeze bob mid-file (the window stops alice too), then kill alice's program.
  bob->Signal(SIGSTOP);
  alice->Signal(SIGKILL);
  alice->Wait();
  // The queue is in alice's home, private, and names bob by his key, not by his name.
  struct stat st {};
  ASSERT_EQ(::stat((tmp_ / "alice/send-queue").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  const std::string queue = ReadAll(tmp_ / "alice/send-queue");
  EXPECT_NE(queue.find(tmp_ / "big.bin"), std::string::npos) << queue;
  EXPECT_EQ(queue.find("bob"), std::string::npos) << queue;

  auto alice2 = StartPeer(relay.addr, "alice", tmp_ / "alice");  // no /file typed again
  bob->Signal(SIGCONT);
  ExpectSavedAlone(*bob, tmp_ / "dl", "big.bin", sum);
  auto resumed = ExpectMidFile(*bob, "file_started", 1, k64MiB);
  ASSERT_TRUE(resumed);
  auto at_alice = Event(*alice2, "file_resumed");
  ASSERT_TRUE(at_alice) << alice2->Transcript();
  EXPECT_EQ((*at_alice)["offset"], (*resumed)["offset"]);
  EXPECT_EQ((*at_alice)["direction"], "out");
  ASSERT_TRUE(Event(*alice2, "file_sent"));
  EXPECT_TRUE(QueueIsEmpty(tmp_ / "alice"));  // saved by bob: forgotten
  alice2->CloseStdin();
  EXPECT_EQ(alice2->Wait(), 0) << alice2->Transcript();
}

TEST_F(FileResumeTest, ReceiverKilledMidFileResumesWithoutAcceptFilesWhenItStartsAgain) {
  const std::string sum = WriteRandomFile(tmp_ / "big.bin", k64MiB, 7);
  fs::create_directories(tmp_ / "bob-cwd");
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
  auto bob = StartPeerIn(tmp_ / "bob-cwd", relay.addr, "bob", tmp_ / "bob");
  ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure"));
  alice->WriteLine("/file " + (tmp_ / "big.bin"));
  ASSERT_TRUE(Event(*bob, "file_offer"));
  bob->WriteLine("/accept");  // into the current folder
  ASSERT_TRUE(Event(*bob, "progress"));
  alice->Signal(SIGSTOP);  // so that the file cannot finish before bob is killed
  bob->Signal(SIGKILL);
  bob->Wait();
  EXPECT_TRUE(fs::exists(tmp_ / "bob-cwd/big.bin.part"));

  auto bob2 = StartPeerIn(tmp_ / "bob-cwd", relay.addr, "bob", tmp_ / "bob");  // no /accept
  alice->Signal(SIGCONT);
  auto resumed = ExpectMidFile(*bob2, "file_resumed", 0, k64MiB);
  ASSERT_TRUE(resumed) << alice->Transcript();
  EXPECT_EQ((*resumed)["direction"], "in");
  EXPECT_EQ(bob2->Count("\"event\":\"file_offer\""), 0u);  // not asked again
  ExpectSavedAlone(*bob2, tmp_ / "bob-cwd", "big.bin", sum);
  ASSERT_TRUE(Event(*alice, "file_sent"));
}

// The digest alice sends at the end covers every byte, including those bob wrote before he was
// killed: one of them altered on bob's disk while he was down fails the check on both sides,
// and nothing is saved under the file's name.
TEST_F(FileResumeTest, AByteAlteredInThePartWhileTheReceiverIsDownFailsTheCheck) {
  WriteRandomFile(tmp_ / "big.bin", k64MiB, 9);
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
  auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob", "test", {"--accept-files", tmp_ / "dl"});
  ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure"));
  alice->WriteLine("/file " + (tmp_ / "big.bin"));
  ASSERT_TRUE(Event(*bob, "progress"));
  alice->Signal(SIGSTOP);  // so that the file cannot finish before bob is killed
  bob->Signal(SIGKILL);
  bob->Wait();
  const std::string part = tmp_ / "dl/big.bin.part";
  ASSERT_GT(fs::file_size(part), 100u);
  {
    std::fstream f(part, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(100);
    const char c = static_cast<char>(f.get());
    f.seekp(100);
    f.put(static_cast<char>(c ^ 0x01));
  }

  auto bob2 = StartPeer(relay.addr, "bob", tmp_ / "bob", "test", {"--accept-files", tmp_ / "dl"});
  alice->Signal(SIGCONT);
  ASSERT_TRUE(ExpectMidFile(*bob2, "file_resumed", 0, k64MiB)) << bob2->Transcript();
  auto failed = Event(*bob2, "file_failed");
  ASSERT_TRUE(failed) << bob2->Transcript();
  EXPECT_EQ((*failed)["code"], "FILE_INTEGRITY");
  auto at_alice = Event(*alice, "file_failed");
  ASSERT_TRUE(at_alice) << alice->Transcript();
  EXPECT_EQ((*at_alice)["code"], "FILE_INTEGRITY");
  EXPECT_EQ(bob2->Count("\"event\":\"file\""), 0u);
  EXPECT_FALSE(fs::exists(tmp_ / "dl/big.bin"));
  EXPECT_FALSE(fs::exists(part));
}

TEST_F(FileResumeTest, AQueuedFileModifiedWhileTheSenderIsDownIsNotSent) {
  WriteRandomFile(tmp_ / "draft.txt", 5000, 8);
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
  ASSERT_TRUE(Event(*alice, "waiting"));
  alice->WriteLine("/file " + (tmp_ / "draft.txt"));  // nobody there yet: it waits
  ASSERT_TRUE(Event(*alice, "file_queued"));
  alice->Signal(SIGKILL);
  alice->Wait();
  std::ofstream(tmp_ / "draft.txt", std::ios::app) << "one more line\n";

  auto alice2 = StartPeer(relay.addr, "alice", tmp_ / "alice");
  auto failed = Event(*alice2, "file_failed");
  ASSERT_TRUE(failed) << alice2->Transcript();
  EXPECT_EQ((*failed)["code"], "QUEUED_FILE_CHANGED");
  EXPECT_EQ((*failed)["name"], "draft.txt");
  EXPECT_TRUE(QueueIsEmpty(tmp_ / "alice"));
  auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob", "test", {"--accept-files", tmp_ / "dl"});
  ASSERT_TRUE(Event(*alice2, "secure") && Event(*bob, "secure"));
  // A message sent now arrives after anything queued before it: no offer came first.
  alice2->WriteLine("after the restart");
  ASSERT_TRUE(Event(*bob, "message"));
  EXPECT_EQ(bob->Count("\"event\":\"file_offer\""), 0u);
  EXPECT_FALSE(fs::exists(tmp_ / "dl/draft.txt"));
}

TEST_F(FileResumeTest, AFileKeptForAnotherPersonDoesNotHoldUpASessionWithSomeoneElse) {
  WriteRandomFile(tmp_ / "for-bob.bin", 1000, 8);
  Relay relay = StartRelay();
  {
    auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
    auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob");  // no --accept-files: the offer waits
    ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure"));
    alice->WriteLine("/file " + (tmp_ / "for-bob.bin"));
    ASSERT_TRUE(Event(*bob, "file_offer")) << bob->Transcript();
    alice->Signal(SIGKILL);  // the file stays queued for bob
    alice->Wait();
  }
  // Next run, carol is in the room: the message is delivered and the program ends at once with
  // success (--wait 60 would hold it a minute if it waited for bob's file), saying what waits.
  auto carol = StartPeer(relay.addr, "carol", tmp_ / "carol", "test", {"--wait", "60"});
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice", "test", {"--wait", "60"});
  ASSERT_TRUE(Event(*alice, "secure") && Event(*carol, "secure"));
  alice->WriteLine("hi carol");
  alice->CloseStdin();
  ASSERT_TRUE(Event(*carol, "message")) << carol->Transcript();
  auto kept = Event(*alice, "notice");
  ASSERT_TRUE(kept) << alice->Transcript();
  EXPECT_NE((*kept)["text"].get<std::string>().find("1 file stays queued for another person"),
            std::string::npos)
      << *kept;
  EXPECT_EQ(alice->Wait(), 0) << alice->Transcript();  // within 20 s, not after --wait 60
  for (const std::string& line : carol->lines()) {
    EXPECT_EQ(line.find("file_offer"), std::string::npos) << line;  // bob's file is not hers
  }
  EXPECT_FALSE(QueueIsEmpty(tmp_ / "alice"));  // still remembered for bob
}

// A receiver killed part-way through a folder: its next run is not asked again, goes on in the
// same folder (not "Big (1)"), resumes the file it had begun and receives the rest.
TEST_F(FileResumeTest, ReceiverKilledMidFolderGoesOnInTheSameFolderWhenItStartsAgain) {
  fs::create_directories(tmp_ / "Big/a");
  fs::create_directories(tmp_ / "Big/c/empty");
  const std::string video = WriteRandomFile(tmp_ / "Big/a/video.bin", k64MiB, 22);
  const std::string b = WriteRandomFile(tmp_ / "Big/b.txt", 1000, 21);
  const std::string last = WriteRandomFile(tmp_ / "Big/c/last.txt", 2000, 23);
  fs::create_directories(tmp_ / "bob-cwd");
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
  auto bob = StartPeerIn(tmp_ / "bob-cwd", relay.addr, "bob", tmp_ / "bob");
  ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure"));
  alice->WriteLine("/file " + (tmp_ / "Big"));
  ASSERT_TRUE(Event(*bob, "folder_offer"));
  bob->WriteLine("/accept");  // into the current folder
  ASSERT_TRUE(Event(*bob, "folder_started"));
  // The first acknowledgement of video.bin: its part is on record from there.
  ASSERT_TRUE(Event(*bob, "folder_progress"));
  alice->Signal(SIGSTOP);  // so that the folder cannot finish before bob is killed
  bob->Signal(SIGKILL);
  bob->Wait();
  ASSERT_TRUE(fs::exists(tmp_ / "bob-cwd/Big/a/video.bin.part"));

  auto bob2 = StartPeerIn(tmp_ / "bob-cwd", relay.addr, "bob", tmp_ / "bob");  // no /accept
  alice->Signal(SIGCONT);
  auto saved = Event(*bob2, "folder");
  ASSERT_TRUE(saved) << bob2->Transcript() << alice->Transcript();
  EXPECT_EQ((*saved)["path"], tmp_ / "bob-cwd/Big");
  EXPECT_EQ((*saved)["failed"], 0);
  EXPECT_EQ(bob2->Count("\"event\":\"folder_offer\""), 0u);  // not asked again
  EXPECT_EQ(Listing(tmp_ / "bob-cwd"), std::set<std::string>{"Big"});
  EXPECT_EQ(Listing(tmp_ / "bob-cwd/Big"), (std::set<std::string>{"a", "b.txt", "c"}));
  EXPECT_EQ(Listing(tmp_ / "bob-cwd/Big/a"), std::set<std::string>{"video.bin"});
  EXPECT_EQ(Listing(tmp_ / "bob-cwd/Big/c"), (std::set<std::string>{"empty", "last.txt"}));
  EXPECT_EQ(Sha256OfFile(tmp_ / "bob-cwd/Big/a/video.bin"), video);
  EXPECT_EQ(Sha256OfFile(tmp_ / "bob-cwd/Big/b.txt"), b);
  EXPECT_EQ(Sha256OfFile(tmp_ / "bob-cwd/Big/c/last.txt"), last);
  ASSERT_TRUE(Event(*alice, "folder_sent"));
}

}  // namespace
}  // namespace duet::testing
