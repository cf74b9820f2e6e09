// What a receiver takes without asking, and what it does when the disk is full (issue 14): two
// real Sessions through the in-memory relay, with files in memory.
#include "tests/peer/core/transfer_fixture.h"

namespace duet::peer::testing {
namespace {

class TransferLimitsTest : public TransferTest {
 protected:
  // Bob accepts every offer automatically, within `limits`.
  std::unique_ptr<TestPeer> MakeBob(AcceptLimits limits, bool auto_accept = true) {
    auto p = std::make_unique<TestPeer>("bob", "r1", *bob_id_, dir_ / "bob.pins", &clock_,
                                        [&](SessionConfig& c) {
                                          c.downloads = &bob_dl_;
                                          c.auto_accept_files = auto_accept;
                                          c.accept_limits = limits;
                                        });
    relay_.Add(*p);
    return p;
  }
};

TEST_F(TransferLimitsTest, AnOfferAboveTheFileLimitIsDeclinedSayingWhy) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakeBob(AcceptLimits{1000, 1'000'000});
  Connect(*a, *b);
  Send(*a, PatternBytes(1001), "big.iso");
  Send(*a, PatternBytes(1000), "small.txt");
  relay_.Pump();
  ASSERT_EQ(b->rec.files_failed.size(), 1u);
  EXPECT_EQ(b->rec.files_failed[0].second.code, "FILE_OVER_LIMIT");
  EXPECT_EQ(b->rec.files_failed[0].second.message,
            "big.iso (1001 bytes) was declined: files taken without asking may have at most 1000 "
            "bytes (--max-file-size). Raise the limit, or run without --accept-files to be asked.");
  ASSERT_EQ(a->rec.files_failed.size(), 1u);
  EXPECT_EQ(a->rec.files_failed[0].second.code, "FILE_PEER_OVER_LIMIT");
  EXPECT_EQ(a->rec.files_failed[0].second.message,
            "The peer declined big.iso without being asked: it is larger than they take "
            "automatically. Ask them to raise their limit or to accept it by hand, then send it "
            "again.");
  ASSERT_EQ(b->rec.files_done.size(), 1u);  // the next file is not held up
  EXPECT_EQ(b->rec.files_done[0].name, "small.txt");
  EXPECT_EQ(bob_dl_.parts.count("big.iso"), 0u);
}

TEST_F(TransferLimitsTest, OffersPastTheTotalLimitOfTheRunAreDeclined) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakeBob(AcceptLimits{1000, 2500});
  Connect(*a, *b);
  Send(*a, PatternBytes(1000, 1), "one");
  Send(*a, PatternBytes(1000, 2), "two");
  Send(*a, PatternBytes(1000, 3), "three");
  relay_.Pump();
  ASSERT_EQ(b->rec.files_done.size(), 2u);
  ASSERT_EQ(b->rec.files_failed.size(), 1u);
  EXPECT_EQ(b->rec.files_failed[0].second.code, "FILE_OVER_LIMIT");
  EXPECT_EQ(b->rec.files_failed[0].second.message,
            "three (1000 bytes) was declined: taking it would bring the files taken without "
            "asking in this run past 2500 bytes (--max-total-size). Raise the limit, or run "
            "without --accept-files to be asked.");
}

TEST_F(TransferLimitsTest, AFileTheUserAcceptsIsNotLimited) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakeBob(AcceptLimits{10, 10}, false);
  Connect(*a, *b);
  Send(*a, PatternBytes(5000), "asked.bin");
  relay_.Pump();
  ASSERT_EQ(b->rec.offers.size(), 1u);
  ASSERT_TRUE(b->session->AcceptFile(b->rec.offers[0].id));
  relay_.Pump();
  ASSERT_EQ(b->rec.files_done.size(), 1u);
}

TEST_F(TransferLimitsTest, AFileThatDoesNotFitTheFreeSpaceIsNotStarted) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakeBob(AcceptLimits{});
  bob_dl_.free_bytes = 4000;
  Connect(*a, *b);
  Send(*a, PatternBytes(5000), "movie.mkv");
  relay_.Pump();
  ASSERT_EQ(b->rec.files_failed.size(), 1u);
  EXPECT_EQ(b->rec.files_failed[0].second.code, "FILE_NO_SPACE");
  EXPECT_EQ(b->rec.files_failed[0].second.message,
            "movie.mkv was not saved: not enough free space in mem: 5000 bytes needed, 4000 free. "
            "Free some space or choose another folder.");
  EXPECT_TRUE(b->rec.started.empty());
  EXPECT_TRUE(bob_dl_.parts.empty());  // nothing was written, nothing is left
  ASSERT_EQ(a->rec.files_failed.size(), 1u);
  EXPECT_EQ(a->rec.files_failed[0].second.code, "FILE_PEER_NO_SPACE");
}

// Files already under way count: two files that each fit the free space, but not together, are
// not both started.
TEST_F(TransferLimitsTest, TheFreeSpaceCountsTheFilesAlreadyUnderWay) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakeBob(AcceptLimits{}, false);
  bob_dl_.free_bytes = 5000;
  Connect(*a, *b);
  Send(*a, PatternBytes(3000, 1), "one.bin");
  Send(*a, PatternBytes(3000, 2), "two.bin");
  relay_.Pump();
  ASSERT_EQ(b->rec.offers.size(), 2u);
  // Both accepted before either has arrived (the user answers both offers at once).
  ASSERT_TRUE(b->session->AcceptFile(b->rec.offers[0].id));
  ASSERT_TRUE(b->session->AcceptFile(b->rec.offers[1].id));
  relay_.Pump();
  ASSERT_EQ(b->rec.files_failed.size(), 1u);
  EXPECT_EQ(b->rec.files_failed[0].second.code, "FILE_NO_SPACE");
  EXPECT_EQ(b->rec.files_failed[0].first.name, "two.bin");
  ASSERT_EQ(b->rec.files_done.size(), 1u);
  EXPECT_EQ(b->rec.files_done[0].name, "one.bin");
}

// The disk fills mid-file: both sides are told, the part keeps what arrived, and the same file
// sent again once there is room continues from there.
TEST_F(TransferLimitsTest, ADiskThatFillsMidFileKeepsThePartToResume) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakeBob(AcceptLimits{});
  bob_dl_.room = kMiB;
  Connect(*a, *b);
  auto data = PatternBytes(3 * kMiB);
  const FileOrigin disk_img{"/home/alice/disk.img", 1};  // the same file on disk, sent again
  Send(*a, data, "disk.img", -1, disk_img);
  relay_.Pump();
  ASSERT_EQ(b->rec.files_failed.size(), 1u);
  EXPECT_EQ(b->rec.files_failed[0].second.code, "FILE_NO_SPACE");
  ASSERT_EQ(a->rec.files_failed.size(), 1u);
  EXPECT_EQ(a->rec.files_failed[0].second.code, "FILE_PEER_NO_SPACE");
  EXPECT_EQ(a->rec.files_failed[0].second.message,
            "The peer has no room for disk.img (not enough free space on their side); they keep "
            "what arrived. Send it again once they have freed some space: it continues where it "
            "stopped.");
  EXPECT_EQ(Held("disk.img"), kMiB);
  bob_dl_.room.reset();
  Send(*a, data, "disk.img", -1, disk_img);
  relay_.Pump();
  ASSERT_EQ(b->rec.resumed.size(), 1u);
  EXPECT_EQ(b->rec.resumed[0].second, kMiB);
  ASSERT_EQ(b->rec.files_done.size(), 1u);
  EXPECT_TRUE(bob_dl_.files.at("disk.img") == *data);
}

}  // namespace
}  // namespace duet::peer::testing
