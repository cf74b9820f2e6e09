// Files between real duet --cli processes through a real duet-relay, and from a hostile peer
// (a Session in this test process, sending what a modified client could send).
#include <gtest/gtest.h>
#include <signal.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <random>
#include <set>

#include "peer/net/pin_file.h"
#include "peer/net/relay_client.h"
#include "tests/peer/cli/cli_harness.h"
#include "tests/peer/core/memory_files.h"
#include "wire/app_protocol.h"
#include "wire/hex.h"

namespace duet::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// A peer in this process: a real Session and RelayClient, driven by the test.
class InProcessPeer : public peer::SessionListener {
 public:
  InProcessPeer(const std::string& relay, const std::string& dir)
      : identity_(crypto::Identity::Generate().value()),
        pins_(peer::OpenPinFile(fs::path(dir) / "pins").value()) {
    peer::SessionConfig c;
    c.name = "mallory";
    c.room = "test";
    c.identity = &identity_;
    c.pins = pins_.get();
    c.now_ms = [] {
      return std::chrono::duration_cast<std::chrono::milliseconds>(
                 std::chrono::system_clock::now().time_since_epoch())
          .count();
    };
    peer::RelayClientOptions net;
    net.relay = peer::ParseRelayAddress(relay).value();
    client_ = std::make_unique<peer::RelayClient>(net, std::move(c), *this);
    client_->Start();
  }
  ~InProcessPeer() override {
    client_->Stop();
    client_->Wait();
  }

  // Sends `data` under `name`; with `tamper_at`, the file is edited there while it is sent.
  void SendFile(std::shared_ptr<std::vector<uint8_t>> data, const std::string& name,
                int64_t tamper_at = -1) {
    client_->Post([data, name, tamper_at](peer::Session& s) {
      auto id = s.SendFile(std::make_unique<peer::testing::MemorySource>(data, tamper_at), name,
                           data->size());
      EXPECT_TRUE(id.ok());
    });
  }
  // Waits until `n` files ended (saved or failed); returns their outcomes ("saved" or a code).
  std::vector<std::string> WaitForEnded(size_t n) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, 30s, [&] { return ended_.size() >= n; });
    return ended_;
  }
  bool WaitSecure() {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, 30s, [&] { return secure_; });
  }

  void OnStateChanged(peer::SessionState) override {}
  void OnSecure(const peer::PeerInfo&) override {
    Note([&] { secure_ = true; });
  }
  void OnMessage(const peer::ReceivedMessage&) override {}
  void OnDelivered(std::string_view) override {}
  void OnPeerLeft() override {}
  void OnError(const Error&, bool) override {}
  void OnFileDone(const peer::FileTransfer&) override {
    Note([&] { ended_.push_back("saved"); });
  }
  void OnFileFailed(const peer::FileTransfer&, const Error& e) override {
    Note([&] { ended_.push_back(e.code); });
  }

 private:
  template <typename F>
  void Note(F f) {
    std::lock_guard<std::mutex> lock(mu_);
    f();
    cv_.notify_all();
  }
  crypto::Identity identity_;
  std::unique_ptr<peer::PinStorage> pins_;
  std::unique_ptr<peer::RelayClient> client_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool secure_ = false;
  std::vector<std::string> ended_;
};

class FileTest : public ::testing::Test {
 protected:
  TempDir tmp_;
};

// Bytes a process has read so far (read, pread and recv alike: /proc/PID/io's rchar).
uint64_t BytesRead(pid_t pid) {
  std::ifstream io("/proc/" + std::to_string(pid) + "/io");
  std::string key;
  uint64_t value = 0;
  while (io >> key >> value) {
    if (key == "rchar:") return value;
  }
  return 0;
}

// No pass over the file before the first byte moves: once bob has bytes (and is frozen), alice
// has read no more than bob holds plus her 8 MiB window, whenever it is measured. Hashing first,
// as version 2 did, she would have read all 64 MiB more than that.
TEST_F(FileTest, TheFirstBytesArriveBeforeTheSenderHasReadTheWholeFile) {
  WriteRandomFile(tmp_ / "big.bin", k64MiB, 3);
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
  auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob", "test", {"--accept-files", tmp_ / "dl"});
  ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure"));
  const uint64_t before = BytesRead(alice->pid());
  alice->WriteLine("/file " + (tmp_ / "big.bin"));
  ASSERT_TRUE(Event(*bob, "progress")) << bob->Transcript();
  bob->Signal(SIGSTOP);
  const std::string part = tmp_ / "dl/big.bin.part";
  const uint64_t held = fs::exists(part) ? fs::file_size(part) : fs::file_size(tmp_ / "dl/big.bin");
  const uint64_t read = BytesRead(alice->pid()) - before;
  bob->Signal(SIGCONT);
  EXPECT_LE(read, held + wire::app::kFileWindowBytes + (1u << 20))
      << "alice read " << read << " bytes while bob held " << held;
  ASSERT_TRUE(Event(*bob, "file")) << bob->Transcript();
}

TEST_F(FileTest, SendsA64MiBFileBothWaysWithIdenticalSha256) {
  const std::string a_sum = WriteRandomFile(tmp_ / "from-alice.bin", k64MiB, 1);
  const std::string b_sum = WriteRandomFile(tmp_ / "from-bob.bin", k64MiB, 2);
  Relay relay = StartRelay();
  auto alice =
      StartPeer(relay.addr, "alice", tmp_ / "alice", "test", {"--accept-files", tmp_ / "alice-dl"});
  auto bob =
      StartPeer(relay.addr, "bob", tmp_ / "bob", "test", {"--accept-files", tmp_ / "bob-dl"});
  ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure"));
  alice->WriteLine("/file " + (tmp_ / "from-alice.bin"));
  bob->WriteLine("/file " + (tmp_ / "from-bob.bin"));
  alice->WriteLine("a message during the transfer");
  auto at_bob = Event(*bob, "file");
  auto at_alice = Event(*alice, "file");
  ASSERT_TRUE(at_bob && at_alice) << alice->Transcript() << bob->Transcript();
  EXPECT_EQ((*at_bob)["sha256"], a_sum);
  EXPECT_EQ((*at_bob)["bytes"], k64MiB);
  EXPECT_EQ((*at_bob)["path"], tmp_ / "bob-dl" + "/from-alice.bin");
  EXPECT_EQ(Sha256OfFile(tmp_ / "bob-dl/from-alice.bin"), a_sum);
  EXPECT_EQ(Sha256OfFile(tmp_ / "alice-dl/from-bob.bin"), b_sum);
  EXPECT_EQ(Listing(tmp_ / "bob-dl"), std::set<std::string>{"from-alice.bin"});
  auto sent = Event(*alice, "file_sent");
  ASSERT_TRUE(sent) << alice->Transcript();
  EXPECT_EQ((*sent)["sha256"], a_sum);  // what alice hashed as she sent it
  ASSERT_TRUE(Event(*bob, "message"));
  auto p = Event(*bob, "progress");
  ASSERT_TRUE(p);
  EXPECT_EQ((*p)["total"], k64MiB);
  EXPECT_TRUE((*p).contains("rate") && (*p).contains("eta_s"));
  alice->CloseStdin();
  bob->CloseStdin();
  EXPECT_EQ(alice->Wait(), 0) << alice->Transcript();
  EXPECT_EQ(bob->Wait(), 0) << bob->Transcript();
  // The relay saw ciphertext frames only: no name, no message, no file name or digest.
  ExpectConsoleHoldsNone(
      relay, {"from-alice", "from-bob", "during the transfer", "alice", a_sum.substr(0, 16)});
}

TEST_F(FileTest, TransferInterruptedByKillingTheRelayResumesAndCompletes) {
  const std::string sum = WriteRandomFile(tmp_ / "big.bin", k64MiB, 3);
  Relay relay = StartRelay();
  const std::string addr = relay.addr;
  auto alice = StartPeer(addr, "alice", tmp_ / "alice");
  auto bob = StartPeer(addr, "bob", tmp_ / "bob", "test", {"--accept-files", tmp_ / "dl"});
  ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure"));
  alice->WriteLine("/file " + (tmp_ / "big.bin"));
  ASSERT_TRUE(Event(*bob, "progress"));
  // Freeze bob mid-file (the window stops alice too), then take the relay away.
  bob->Signal(SIGSTOP);
  relay.proc->Signal(SIGKILL);
  relay.proc->Wait();
  ASSERT_TRUE(Event(*alice, "reconnecting"));
  Relay again = StartRelay(addr);
  ASSERT_EQ(again.addr, addr);
  bob->Signal(SIGCONT);
  ExpectSavedAlone(*bob, tmp_ / "dl", "big.bin", sum);
  ASSERT_TRUE(ExpectMidFile(*bob, "file_started", 1, k64MiB));
  EXPECT_EQ(bob->Count("\"event\":\"file\""), 1u);
  ASSERT_TRUE(Event(*alice, "file_sent"));
}

TEST_F(FileTest, HostileNamesLandInsideTheDownloadFolder) {
  Relay relay = StartRelay();
  fs::create_directories(tmp_ / "home/dl");
  auto bob =
      StartPeer(relay.addr, "bob", tmp_ / "bob", "test", {"--accept-files", tmp_ / "home/dl"});
  InProcessPeer mallory(relay.addr, tmp_ / "mallory");
  ASSERT_TRUE(mallory.WaitSecure());
  const std::vector<std::string> names = {"../../x",
                                          "\x1b]0;pwned\x07"
                                          "evil.txt",
                                          ".bashrc",
                                          "/etc/passwd",
                                          "same.txt",
                                          "sub/same.txt"};
  for (size_t i = 0; i < names.size(); ++i) {
    mallory.SendFile(peer::testing::PatternBytes(1000 + i, static_cast<uint32_t>(i)), names[i]);
  }
  EXPECT_EQ(mallory.WaitForEnded(names.size()), std::vector<std::string>(names.size(), "saved"));
  ASSERT_TRUE(Event(*bob, "file", names.size() - 1)) << bob->Transcript();
  EXPECT_EQ(Listing(tmp_ / "home/dl"),
            (std::set<std::string>{"x", "_]0;pwned_evil.txt", "bashrc", "passwd", "same.txt",
                                   "same (1).txt"}));
  EXPECT_EQ(Listing(tmp_ / "home"), std::set<std::string>{"dl"});
  EXPECT_FALSE(fs::exists(tmp_ / "x"));
  for (const std::string& line : bob->lines()) {
    EXPECT_EQ(line.find('\x1b'), std::string::npos) << line;
  }
}

// The sender hashes as it reads: a file someone writes to while it is sent would arrive as a
// mix of two versions with a matching digest. The sender sees the file's time change, cancels,
// and the receiver keeps nothing.
TEST_F(FileTest, AFileModifiedWhileItIsSentIsCancelledAndNothingIsPresentedAsComplete) {
  Relay relay = StartRelay();
  auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob", "test", {"--accept-files", tmp_ / "dl"});
  InProcessPeer mallory(relay.addr, tmp_ / "mallory");
  ASSERT_TRUE(mallory.WaitSecure());
  mallory.SendFile(peer::testing::PatternBytes(5u << 20), "invoice.pdf", 3'000'000);
  EXPECT_EQ(mallory.WaitForEnded(1), std::vector<std::string>{"FILE_CHANGED_WHILE_SENT"});
  auto failed = Event(*bob, "file_failed");
  ASSERT_TRUE(failed) << bob->Transcript();
  EXPECT_EQ((*failed)["code"], "FILE_CANCELLED");
  EXPECT_EQ(bob->Count("\"event\":\"file\""), 0u);
  EXPECT_TRUE(Listing(tmp_ / "dl").empty());  // neither invoice.pdf nor its .part
}

TEST_F(FileTest, DeclinedFileIsNamedAtExitAndCancelStopsBothSides) {
  WriteRandomFile(tmp_ / "small.txt", 1000, 4);
  WriteRandomFile(tmp_ / "big.bin", k64MiB, 5);
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice", "test", {"--wait", "2"});
  auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob");
  ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure"));
  alice->WriteLine("/file " + (tmp_ / "small.txt"));
  auto offer = Event(*bob, "file_offer");
  ASSERT_TRUE(offer);
  EXPECT_EQ((*offer)["name"], "small.txt");
  bob->WriteLine("/decline");
  auto declined = Event(*alice, "file_failed");
  ASSERT_TRUE(declined);
  EXPECT_EQ((*declined)["code"], "FILE_DECLINED");

  // Bob takes the big one, then cancels it half-way while alice is frozen.
  bob->WriteLine("/quit");
  EXPECT_EQ(bob->Wait(), 0);
  auto bob2 = StartPeer(relay.addr, "bob", tmp_ / "bob", "test", {"--accept-files", tmp_ / "dl"});
  ASSERT_TRUE(Event(*bob2, "secure"));
  alice->WriteLine("/file " + (tmp_ / "big.bin"));
  auto started = Event(*bob2, "progress");
  ASSERT_TRUE(started);
  alice->Signal(SIGSTOP);
  bob2->WriteLine("/cancel " + std::string((*started)["id"]));
  auto cancelled = Event(*bob2, "file_failed");
  alice->Signal(SIGCONT);
  ASSERT_TRUE(cancelled);
  EXPECT_EQ((*cancelled)["code"], "FILE_CANCELLED");
  EXPECT_TRUE(Listing(tmp_ / "dl").empty());
  auto at_alice = Event(*alice, "file_failed", 1);
  ASSERT_TRUE(at_alice) << alice->Transcript();
  EXPECT_EQ((*at_alice)["code"], "FILE_CANCELLED");

  alice->CloseStdin();
  EXPECT_EQ(alice->Wait(), 1);  // the declined and the cancelled file were not delivered
  auto undelivered = Event(*alice, "undelivered");
  ASSERT_TRUE(undelivered);
  EXPECT_EQ((*undelivered)["files"], json::array({"small.txt", "big.bin"}));
}

// A folder goes whole: one offer, the tree as it was (nested folders, an empty one, unicode
// names); a link inside it is neither followed nor sent, and the sender is told so.
TEST_F(FileTest, AFolderArrivesWithItsTreeAndALinkInItIsSkippedAndNamed) {
  const std::string top = tmp_ / "Album";
  fs::create_directories(top + "/2024/june");
  fs::create_directories(top + "/nothing yet");
  fs::create_directories(top + "/Ünïcödé 🌻");
  fs::create_directories(tmp_ / "outside");
  const std::string beach = WriteRandomFile(top + "/2024/june/beach.bin", 3u << 20, 11);
  const std::string cover = WriteRandomFile(top + "/cover.jpg", 1000, 12);
  const std::string kanji = WriteRandomFile(top + "/Ünïcödé 🌻/日本語.txt", 5000, 13);
  WriteRandomFile(tmp_ / "outside/secret.txt", 100, 14);
  fs::create_symlink(tmp_ / "outside/secret.txt", top + "/link");
  fs::create_directory_symlink(tmp_ / "outside", top + "/2024/link-to-folder");
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
  auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob", "test", {"--accept-files", tmp_ / "dl"});
  ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure"));
  alice->WriteLine("/file " + top);
  auto queued = Event(*alice, "folder_queued");
  ASSERT_TRUE(queued) << alice->Transcript();
  EXPECT_EQ((*queued)["entries"], 4);
  EXPECT_EQ((*queued)["skipped"],
            json({"2024/link-to-folder: a symbolic link (links are not followed)",
                  "link: a symbolic link (links are not followed)"}));
  auto saved = Event(*bob, "folder");
  ASSERT_TRUE(saved) << bob->Transcript();
  EXPECT_EQ((*saved)["path"], tmp_ / "dl/Album");
  EXPECT_EQ((*saved)["entries"], 4);
  EXPECT_EQ((*saved)["failed"], 0);
  EXPECT_EQ(Sha256OfFile(tmp_ / "dl/Album/2024/june/beach.bin"), beach);
  EXPECT_EQ(Sha256OfFile(tmp_ / "dl/Album/cover.jpg"), cover);
  EXPECT_EQ(Sha256OfFile(tmp_ / "dl/Album/Ünïcödé 🌻/日本語.txt"), kanji);
  EXPECT_TRUE(fs::is_directory(tmp_ / "dl/Album/nothing yet"));
  EXPECT_TRUE(fs::is_empty(tmp_ / "dl/Album/nothing yet"));
  EXPECT_EQ(Listing(tmp_ / "dl/Album"),
            (std::set<std::string>{"2024", "cover.jpg", "nothing yet", "Ünïcödé 🌻"}));
  EXPECT_EQ(Listing(tmp_ / "dl/Album/2024"), std::set<std::string>{"june"});
  EXPECT_EQ(Listing(tmp_ / "dl"), std::set<std::string>{"Album"});
  EXPECT_EQ(bob->Count("\"event\":\"file_offer\""), 0u);
  ASSERT_TRUE(Event(*alice, "folder_sent")) << alice->Transcript();
  alice->CloseStdin();
  bob->CloseStdin();
  EXPECT_EQ(alice->Wait(), 0) << alice->Transcript();
  EXPECT_EQ(bob->Wait(), 0) << bob->Transcript();
  ExpectConsoleHoldsNone(relay, {"Album", "beach", "cover.jpg", "secret"});
}

}  // namespace
}  // namespace duet::testing
