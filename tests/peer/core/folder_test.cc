// Folders sent whole (wire/PROTOCOL.md 4.2) between two real Sessions through the in-memory
// relay, and the receiver's checks on Transfers alone.
#include <gtest/gtest.h>

#include "tests/peer/core/transfer_fixture.h"
#include "wire/hex.h"

namespace duet::peer::testing {
namespace {

namespace app = wire::app;

class FolderTest : public TransferTest {
 protected:
  struct Entry {
    std::string path;
    std::shared_ptr<std::vector<uint8_t>> data;  // null: an empty folder
  };
  // An album: files at the top and two levels down, an empty folder, unicode names.
  std::vector<Entry> Album() {
    return {{"cover.jpg", PatternBytes(1000, 1)},
            {"2024/june/beach.jpg", PatternBytes(3 * kMiB + 7, 2)},
            {"2024/june/empty.txt", PatternBytes(0, 3)},
            {"2024/nothing yet/", nullptr},
            {"Ünïcödé 🌻/日本語.txt", PatternBytes(5000, 4)}};
  }
  std::string SendFolder(TestPeer& p, const std::string& name, const std::vector<Entry>& entries) {
    std::vector<Transfers::FolderEntry> list;
    for (const Entry& e : entries) {
      list.push_back({e.data ? std::make_unique<MemorySource>(e.data) : nullptr, e.path,
                      e.data ? e.data->size() : 0});
    }
    Result<std::string> id = p.session->SendFolder(name, std::move(list));
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
    return id.ok() ? *id : "";
  }
  void ExpectArrived(const std::string& top, const std::vector<Entry>& entries) {
    for (const Entry& e : entries) {
      if (e.data) {
        ASSERT_EQ(bob_dl_.files.count(top + "/" + e.path), 1u) << e.path;
        EXPECT_EQ(bob_dl_.files.at(top + "/" + e.path), *e.data) << e.path;
      } else {
        EXPECT_EQ(bob_dl_.dirs.count(top + "/" + e.path.substr(0, e.path.size() - 1)), 1u)
            << e.path;
      }
    }
    EXPECT_TRUE(bob_dl_.parts.empty());
  }
};

// One offer, one Accept, and the tree arrives as it was: nested folders, an empty file and an
// empty folder, unicode names.
TEST_F(FolderTest, ATreeArrivesWholeAfterOneAccept) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, false);
  Connect(*a, *b);
  const std::vector<Entry> album = Album();
  const std::string id = SendFolder(*a, "Album", album);
  relay_.Pump();
  ASSERT_EQ(b->rec.folder_offers.size(), 1u);
  EXPECT_EQ(b->rec.folder_offers[0].id, id);
  EXPECT_EQ(b->rec.folder_offers[0].name, "Album");
  EXPECT_EQ(b->rec.folder_offers[0].entries, 5u);
  EXPECT_EQ(b->rec.folder_offers[0].size, 1000u + 3 * kMiB + 7 + 5000);
  EXPECT_TRUE(b->rec.offers.empty());  // no offer per file
  EXPECT_TRUE(bob_dl_.files.empty() && bob_dl_.dirs.empty());  // nothing before the Accept
  ASSERT_TRUE(b->session->AcceptFile(id).ok());
  relay_.Pump();
  ExpectArrived("Album", album);
  ASSERT_EQ(b->rec.folders_done.size(), 1u);
  EXPECT_EQ(b->rec.folders_done[0].path, "mem/Album");
  EXPECT_EQ(b->rec.folders_done[0].entries_done, 5u);
  EXPECT_EQ(b->rec.folders_done[0].failed, 0u);
  ASSERT_EQ(a->rec.folders_done.size(), 1u);
  EXPECT_EQ(a->rec.folders_done[0].failed, 0u);
  EXPECT_TRUE(a->rec.files_done.empty() && b->rec.files_done.empty());  // told as the folder's
  EXPECT_EQ(a->session->pending_files(), 0u);
  ASSERT_FALSE(b->rec.folder_progress.empty());
  EXPECT_EQ(b->rec.folder_progress.back().bytes_done, b->rec.folder_offers[0].size);
}

// A folder of that name is there already: the new one is "Album (1)", the old one untouched.
TEST_F(FolderTest, AClashNumbersTheTopFolder) {
  bob_dl_.dirs.insert("Album");
  bob_dl_.files["Album/cover.jpg"] = {1, 2, 3};
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);
  Connect(*a, *b);
  const std::vector<Entry> album = Album();
  SendFolder(*a, "Album", album);
  relay_.Pump();
  ExpectArrived("Album (1)", album);
  EXPECT_EQ(bob_dl_.files.at("Album/cover.jpg"), (std::vector<uint8_t>{1, 2, 3}));
  ASSERT_EQ(b->rec.folders_done.size(), 1u);
  EXPECT_EQ(b->rec.folders_done[0].path, "mem/Album (1)");
}

TEST_F(FolderTest, ADeclineEndsItOnBothSidesAndNothingIsWritten) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, false);
  Connect(*a, *b);
  const std::string id = SendFolder(*a, "Album", Album());
  relay_.Pump();
  ASSERT_TRUE(b->session->DeclineFile(id).ok());
  relay_.Pump();
  ASSERT_EQ(a->rec.folders_failed.size(), 1u);
  EXPECT_EQ(a->rec.folders_failed[0].second.code, "FILE_DECLINED");
  ASSERT_EQ(b->rec.folders_failed.size(), 1u);
  EXPECT_EQ(b->rec.folders_failed[0].second.code, "FILE_DECLINED");
  EXPECT_EQ(a->session->pending_files(), 0u);
  EXPECT_TRUE(bob_dl_.files.empty() && bob_dl_.dirs.empty() && bob_dl_.parts.empty());
  EXPECT_TRUE(a->rec.files_failed.empty());  // one failure, the folder's, not one per file
}

// The sender cancels part-way: the receiver drops what is not whole and keeps what was saved.
TEST_F(FolderTest, ACancelPartWayEndsItOnBothSidesAndLeavesNoPart) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);
  Connect(*a, *b);
  const std::string id = SendFolder(*a, "Big", {{"a.bin", PatternBytes(12 * kMiB, 5)},
                                               {"b.bin", PatternBytes(12 * kMiB, 6)}});
  for (int i = 0; i < 100 && bob_dl_.parts.empty(); ++i) relay_.PumpOnce();
  ASSERT_FALSE(bob_dl_.parts.empty());
  ASSERT_TRUE(a->session->CancelFile(id).ok());
  relay_.Pump();
  ASSERT_EQ(b->rec.folders_failed.size(), 1u);
  EXPECT_EQ(b->rec.folders_failed[0].second.code, "FILE_CANCELLED");
  ASSERT_EQ(a->rec.folders_failed.size(), 1u);
  EXPECT_EQ(a->rec.folders_failed[0].second.code, "FILE_CANCELLED");
  EXPECT_TRUE(bob_dl_.parts.empty());
  EXPECT_TRUE(b->rec.folders_done.empty());
}

// Bob's program ends part-way through a folder: his next run takes the offer again without
// asking, goes on in the same folder (not "Big (1)") and resumes the file he had begun.
TEST_F(FolderTest, AReceiverRestartedMidFolderGoesOnInTheSameFolder) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  const std::vector<Entry> big = {{"first.txt", PatternBytes(100, 7)},
                                  {"sub/video.bin", PatternBytes(12 * kMiB, 8)},
                                  {"sub/last.txt", PatternBytes(200, 9)}};
  {
    auto b = MakePeer("bob", *bob_id_, &bob_dl_, false);
    Connect(*a, *b);
    const std::string id = SendFolder(*a, "Big", big);
    relay_.Pump();
    ASSERT_TRUE(b->session->AcceptFile(id).ok());
    for (int i = 0; i < 100 && (bob_dl_.parts.count("Big/sub/video.bin") == 0 ||
                                bob_dl_.parts.at("Big/sub/video.bin").bytes.size() < 3 * kMiB);
         ++i) {
      relay_.PumpOnce();
    }
    ASSERT_EQ(bob_dl_.parts.count("Big/sub/video.bin"), 1u);
    relay_.Remove(*b);
    relay_.Drop(*a);
  }
  const uint64_t held = bob_dl_.parts.at("Big/sub/video.bin").bytes.size();
  ASSERT_LT(held, 12 * kMiB);
  auto b2 = MakePeer("bob", *bob_id_, &bob_dl_, false);  // a new run: nothing accepts by itself
  Connect(*a, *b2);
  relay_.Pump();
  EXPECT_TRUE(b2->rec.folder_offers.empty());  // not asked again
  ASSERT_EQ(b2->rec.folders_started.size(), 1u);
  EXPECT_EQ(b2->rec.folders_started[0].path, "mem/Big");
  ExpectArrived("Big", big);
  EXPECT_EQ(bob_dl_.dirs.count("Big (1)"), 0u);
  ASSERT_EQ(b2->rec.folders_done.size(), 1u);
  ASSERT_EQ(a->rec.folders_done.size(), 1u);
  EXPECT_TRUE(bob_dl_.folder_records.empty());  // complete: its record is gone
}

// --accept-files takes a folder as a whole, within the run's total: above it, the folder is
// declined at once (FILE_OVER_LIMIT), the sender told why (FILE_PEER_OVER_LIMIT), nothing made.
TEST_F(FolderTest, AFolderAboveTheAutomaticLimitIsDeclinedAsAWhole) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = std::make_unique<TestPeer>("bob", "r1", *bob_id_, dir_ / "bob.pins", &clock_,
                                      [&](SessionConfig& c) {
                                        c.downloads = &bob_dl_;
                                        c.auto_accept_files = true;
                                        c.accept_limits.max_total_bytes = 1000;
                                      });
  relay_.Add(*b);
  Connect(*a, *b);
  SendFolder(*a, "Album", Album());
  relay_.Pump();
  ASSERT_EQ(b->rec.folders_failed.size(), 1u);
  EXPECT_EQ(b->rec.folders_failed[0].second.code, "FILE_OVER_LIMIT");
  ASSERT_EQ(a->rec.folders_failed.size(), 1u);
  EXPECT_EQ(a->rec.folders_failed[0].second.code, "FILE_PEER_OVER_LIMIT");
  EXPECT_TRUE(b->rec.folders_started.empty());
  EXPECT_TRUE(bob_dl_.dirs.empty() && bob_dl_.files.empty() && bob_dl_.parts.empty());
  EXPECT_EQ(a->session->pending_files(), 0u);
}

// What a hostile sender could try: entries of a folder never offered, or of another peer's.
TEST(FolderTransfersTest, AnEntryOfAFolderNeverOfferedIsAProtocolError) {
  Recorder rec;
  MemoryFolder folder;
  Transfers t(TransferConfig{&folder, true, 1 << 20, 1 << 16, 0, [] { return int64_t{0}; },
                             nullptr, {}},
              rec);
  wire::Bytes out;
  t.OnSecure(std::string(64, 'a'), true, out);
  EXPECT_EQ(t.Handle(app::FolderFile{app::Id{1}, app::Id{2}, 10, "a.txt"}, true, out)
                .error()
                .code,
            "BAD_MESSAGE");
  ASSERT_TRUE(t.Handle(app::FolderOffer{app::Id{2}, 1, 10, "F"}, true, out).ok());
  // The same folder id offered again as another folder.
  EXPECT_EQ(t.Handle(app::FolderOffer{app::Id{2}, 2, 10, "F"}, true, out).error().code,
            "BAD_MESSAGE");
  t.OnSessionEnded();
  t.OnSecure(std::string(64, 'c'), true, out);  // carol names alice's folder
  EXPECT_EQ(t.Handle(app::FolderFile{app::Id{1}, app::Id{2}, 10, "a.txt"}, true, out)
                .error()
                .code,
            "BAD_MESSAGE");
}

// Names inside a folder get the base-name rules, each one: no control or escape characters, no
// hidden files. (`..`, `/abs` and empty names never get this far: wire/app_protocol refuses
// them, see AppProtocol.FolderPathsStayInsideTheFolder.)
TEST(FolderTransfersTest, EachNameInAPathIsMadeSafe) {
  EXPECT_EQ(SafeFolderPath("a/b.txt"), "a/b.txt");
  EXPECT_EQ(SafeFolderPath("\x1b[31mred/.hidden"), "_[31mred/hidden");
  EXPECT_EQ(SafeFolderPath("x\\..\\y/z"), "y/z");
  EXPECT_EQ(SafeFolderPath("empty/"), "empty/");
  EXPECT_EQ(SafeFolderPath("a\xff/b"), "a_/b");
}

// A peer whose HELLO lacks capability bit 2 is never sent a folder's frames.
TEST(FolderTransfersTest, APeerWithoutFoldersIsToldNotSentFolderFrames) {
  Recorder rec;
  MemoryFolder folder;
  Transfers t(TransferConfig{&folder, false, 1 << 20, 1 << 16, 0, [] { return int64_t{0}; },
                             nullptr, {}},
              rec);
  wire::Bytes out;
  std::vector<Transfers::FolderEntry> entries;
  entries.push_back({std::make_unique<MemorySource>(PatternBytes(10)), "a.txt", 10});
  ASSERT_TRUE(t.SendFolder("F", std::move(entries), false, out).ok());  // queued, no session
  t.OnSecure(std::string(64, 'b'), false, out);
  EXPECT_TRUE(out.empty());
  ASSERT_EQ(rec.folders_failed.size(), 1u);
  EXPECT_EQ(rec.folders_failed[0].second.code, "FOLDER_NOT_SUPPORTED");
  std::vector<Transfers::FolderEntry> again;
  again.push_back({std::make_unique<MemorySource>(PatternBytes(10)), "a.txt", 10});
  EXPECT_EQ(t.SendFolder("F", std::move(again), true, out).error().code, "FOLDER_NOT_SUPPORTED");
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace duet::peer::testing
