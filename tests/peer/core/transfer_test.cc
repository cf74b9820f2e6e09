// File transfer: two real Sessions through the in-memory relay, with files in memory.
#include <gtest/gtest.h>

#include <filesystem>

#include "peer/core/transfers.h"
#include "tests/peer/core/transfer_fixture.h"
#include "wire/hex.h"

namespace duet::peer::testing {
namespace {

namespace app = wire::app;

TEST(SafeFileNameTest, ReducesHostileNamesToSafeBaseNames) {
  EXPECT_EQ(SafeFileName("../../x"), "x");
  EXPECT_EQ(SafeFileName("/etc/passwd"), "passwd");
  EXPECT_EQ(SafeFileName("..\\..\\boot.ini"), "boot.ini");
  EXPECT_EQ(SafeFileName(".bashrc"), "bashrc");
  EXPECT_EQ(SafeFileName("..."), "file");
  EXPECT_EQ(SafeFileName("dir/"), "file");
  EXPECT_EQ(SafeFileName("\x1b]0;pwned\x07report.txt"), "_]0;pwned_report.txt");
  EXPECT_EQ(SafeFileName("a\nb\rc.txt"), "a b c.txt");
  EXPECT_EQ(SafeFileName("evil\xE2\x80\xAEtxt.exe"), "evil_txt.exe");  // RIGHT-TO-LEFT OVERRIDE
  EXPECT_EQ(SafeFileName("\xff\xfe.txt"), "__.txt");
  EXPECT_EQ(SafeFileName("trailing. . "), "trailing");
  EXPECT_EQ(SafeFileName("Ünïcødé 写真.jpg"), "Ünïcødé 写真.jpg");
  std::string longname;
  for (int i = 0; i < 100; ++i) longname += "é";                           // 200 bytes
  EXPECT_EQ(SafeFileName("x" + longname), "x" + longname.substr(0, 198));  // cut between chars
}

TEST_F(TransferTest, SendsAFileWithTheSameBytesAndReportsBothEnds) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);
  Connect(*a, *b);
  auto data = PatternBytes(3 * kMiB + 123);
  const std::string id = Send(*a, data, "report.pdf");
  relay_.Pump();
  ASSERT_EQ(b->rec.offers.size(), 1u);
  EXPECT_EQ(b->rec.offers[0].name, "report.pdf");
  EXPECT_EQ(b->rec.offers[0].size, data->size());
  ASSERT_EQ(b->rec.files_done.size(), 1u)
      << (b->rec.files_failed.empty() ? "" : b->rec.files_failed[0].second.message);
  EXPECT_EQ(b->rec.files_done[0].id, id);
  EXPECT_EQ(b->rec.files_done[0].path, "mem/report.pdf");
  EXPECT_EQ(bob_dl_.files.at("report.pdf"), *data);
  EXPECT_TRUE(bob_dl_.parts.empty());
  ASSERT_EQ(a->rec.files_done.size(), 1u);
  EXPECT_EQ(Received(*a), data->size());  // the last progress event says "all of it"
  EXPECT_EQ(a->session->pending_files(), 0u);
  EXPECT_EQ(b->session->pending_files(), 0u);
}

TEST_F(TransferTest, ManualAcceptAndBothDirectionsAtOnce) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, false);
  Connect(*a, *b);
  auto to_bob = PatternBytes(2 * kMiB, 1), to_alice = PatternBytes(2 * kMiB + 1, 2);
  Send(*a, to_bob, "a.bin");
  Send(*b, to_alice, "b.bin");
  relay_.Pump();
  ASSERT_EQ(a->rec.offers.size(), 1u);
  ASSERT_EQ(b->rec.offers.size(), 1u);
  EXPECT_TRUE(b->rec.started.empty());  // nothing flows before the user says yes
  ASSERT_TRUE(b->session->AcceptFile(b->rec.offers[0].id).ok());
  ASSERT_TRUE(a->session->AcceptFile(a->rec.offers[0].id).ok());
  relay_.Pump();
  EXPECT_EQ(bob_dl_.files.at("a.bin"), *to_bob);
  EXPECT_EQ(alice_dl_.files.at("b.bin"), *to_alice);
  EXPECT_EQ(b->session->AcceptFile("00112233445566778899aabbccddeeff").error().code,
            "FILE_UNKNOWN");
}

TEST_F(TransferTest, ClashingNamesGetNumberedNames) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);
  Connect(*a, *b);
  Send(*a, PatternBytes(1000, 1), "same.txt");
  Send(*a, PatternBytes(1000, 2), "../same.txt");
  relay_.Pump();
  ASSERT_EQ(b->rec.files_done.size(), 2u);
  EXPECT_EQ(bob_dl_.files.count("same.txt"), 1u);
  EXPECT_EQ(bob_dl_.files.count("same.txt (1)"), 1u);
}

TEST_F(TransferTest, MessagesOvertakeAFileInFlight) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);
  Connect(*a, *b);
  auto data = PatternBytes(32 * kMiB);
  Send(*a, data, "big.bin");
  for (int i = 0; i < 100 && Held("big.bin") < 2 * kMiB; ++i) relay_.PumpOnce();
  ASSERT_GE(Held("big.bin"), 2 * kMiB);
  ASSERT_TRUE(a->session->SendText("while the file flows").ok());
  relay_.PumpOnce();
  relay_.PumpOnce();
  ASSERT_EQ(b->rec.texts(), std::vector<std::string>{"while the file flows"});
  EXPECT_TRUE(b->rec.files_done.empty());  // it came before the file was through
  EXPECT_LT(Held("big.bin"), 16 * kMiB);
  relay_.Pump();
  EXPECT_EQ(bob_dl_.files.at("big.bin"), *data);
}

TEST_F(TransferTest, SenderNeverHasMoreThanTheWindowInFlight) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);
  Connect(*a, *b);
  Send(*a, PatternBytes(64 * kMiB), "big.bin");
  // Once the file flows, the relay swallows alice's output: no acknowledgement comes back.
  size_t swallowed = 0;
  relay_.tamper = [&](TestPeer& from, wire::Bytes& payload) {
    if (&from != a.get() || a->rec.started.empty()) return true;
    swallowed += payload.size();
    return false;
  };
  relay_.Pump();
  ASSERT_EQ(a->rec.started.size(), 1u);
  EXPECT_GT(swallowed, app::kFileWindowBytes);
  EXPECT_LT(swallowed, app::kFileWindowBytes + 256 * 1024);  // + framing and TLS overhead
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(a->session->TakeOutgoing().empty());
}

TEST_F(TransferTest, ResumesFromTheVerifiedOffsetAfterTheConnectionDrops) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);
  Connect(*a, *b);
  auto data = PatternBytes(24 * kMiB);
  Send(*a, data, "big.bin");
  for (int i = 0; i < 100 && Held("big.bin") < 5 * kMiB; ++i) relay_.PumpOnce();
  relay_.Drop(*a);
  relay_.Pump();
  const uint64_t held = bob_dl_.parts.at("big.bin").bytes.size();
  ASSERT_GE(held, 5 * kMiB);
  ASSERT_LT(held, data->size());
  EXPECT_TRUE(b->rec.files_done.empty());
  relay_.Drop(*b);
  Connect(*a, *b);
  relay_.Pump();
  ASSERT_EQ(b->rec.started.size(), 2u);
  EXPECT_EQ(b->rec.started[1].second, held);  // accepted at the length of big.bin.part
  ASSERT_EQ(a->rec.started.size(), 2u);
  EXPECT_EQ(a->rec.started[1].second, held);
  ASSERT_EQ(b->rec.files_done.size(), 1u);
  EXPECT_EQ(bob_dl_.files.at("big.bin"), *data);
  EXPECT_EQ(b->rec.offers.size(), 1u);  // the user was asked once
}

TEST_F(TransferTest, ReceiverRestartResumesFromThePartOnDisk) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto data = PatternBytes(12 * kMiB);
  const uint64_t held = SendUntilBobStops(*a, data, "big.bin");
  ASSERT_GT(held, 0u);
  auto b2 = MakePeer("bob", *bob_id_, &bob_dl_, true);  // a new run of bob, same folder
  Connect(*a, *b2);
  relay_.Pump();
  ASSERT_EQ(b2->rec.started.size(), 1u);
  EXPECT_EQ(b2->rec.started[0].second, held);
  ASSERT_EQ(b2->rec.files_done.size(), 1u);
  EXPECT_EQ(bob_dl_.files.at("big.bin"), *data);  // the part was hashed again: the check holds
}

// No pass over the file before it is offered: the first chunk reaches the receiver while the
// sender has read no further than its window, and both ends agree on the digest at the end.
TEST_F(TransferTest, TheFirstChunkArrivesBeforeTheSenderHasReadTheEndOfTheFile) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);
  Connect(*a, *b);
  auto data = PatternBytes(64 * kMiB);
  auto source = std::make_unique<MemorySource>(data);
  const MemorySource* reads = source.get();
  ASSERT_TRUE(a->session->SendFile(std::move(source), "big.bin", data->size()).ok());
  EXPECT_EQ(reads->read_end, 0u);  // queued and offered without reading a byte
  for (int i = 0; i < 100 && Held("big.bin") == 0; ++i) relay_.PumpOnce();
  ASSERT_GT(Held("big.bin"), 0u);
  EXPECT_LE(reads->read_end, app::kFileWindowBytes);
  relay_.Pump();
  ASSERT_EQ(b->rec.files_done.size(), 1u);
  EXPECT_EQ(bob_dl_.files.at("big.bin"), *data);
  const std::string sum = wire::ToHex(Sha256Of(*data));
  EXPECT_EQ(b->rec.files_done[0].sha256, sum);
  ASSERT_EQ(a->rec.files_done.size(), 1u);  // the source is gone with the transfer now
  EXPECT_EQ(a->rec.files_done[0].sha256, sum);
}

// The digest in FILE_DONE covers the bytes of earlier sessions too: a byte of bob's part altered
// on his disk while his program was down is an integrity error at the end, on both sides.
TEST_F(TransferTest, AByteAlteredInAResumedPartIsAnIntegrityErrorAndNothingIsSaved) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  const uint64_t held = SendUntilBobStops(*a, PatternBytes(12 * kMiB), "payroll.xlsx");
  ASSERT_GT(held, 1000u);
  bob_dl_.parts.at("payroll.xlsx").bytes[999] ^= 0x01;
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);  // a new run of bob, same folder
  Connect(*a, *b);
  relay_.Pump();
  ASSERT_EQ(b->rec.started.size(), 1u);
  EXPECT_EQ(b->rec.started[0].second, held);  // resumed, not started over
  ASSERT_EQ(b->rec.files_failed.size(), 1u);
  EXPECT_EQ(b->rec.files_failed[0].second.code, "FILE_INTEGRITY");
  EXPECT_TRUE(b->rec.files_done.empty());
  EXPECT_TRUE(bob_dl_.files.empty());
  EXPECT_TRUE(bob_dl_.parts.empty());  // the part is gone too
  ASSERT_EQ(a->rec.files_failed.size(), 1u);
  EXPECT_EQ(a->rec.files_failed[0].second.code, "FILE_INTEGRITY");
  EXPECT_TRUE(a->rec.files_done.empty());
}

// ... and a sender whose file changed in the part already sent (its time kept) hashes the new
// bytes when it resumes: the receiver's old bytes do not match, and nothing is saved.
TEST_F(TransferTest, AFileChangedInThePartAlreadySentIsAnIntegrityErrorAfterTheResume) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);
  Connect(*a, *b);
  auto data = PatternBytes(12 * kMiB);
  Send(*a, data, "payroll.xlsx");
  for (int i = 0; i < 100 && Held("payroll.xlsx") < 3 * kMiB; ++i) relay_.PumpOnce();
  relay_.Drop(*a);
  relay_.Drop(*b);
  (*data)[10] ^= 0x01;  // edited where bob already holds it, its time kept
  Connect(*a, *b);
  relay_.Pump();
  ASSERT_EQ(b->rec.files_failed.size(), 1u);
  EXPECT_EQ(b->rec.files_failed[0].second.code, "FILE_INTEGRITY");
  EXPECT_TRUE(bob_dl_.files.empty());
  ASSERT_EQ(a->rec.files_failed.size(), 1u);
  EXPECT_EQ(a->rec.files_failed[0].second.code, "FILE_INTEGRITY");
}

// Hashing as it reads, the sender would send a mix of two versions of a file someone writes to
// meanwhile, with a digest that matches the mix: it checks the file's time and size before
// FILE_DONE and cancels instead.
TEST_F(TransferTest, AFileModifiedWhileItIsSentIsCancelledAndNothingIsSaved) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);
  Connect(*a, *b);
  auto data = PatternBytes(2 * kMiB);
  Send(*a, data, "payroll.xlsx", /*tamper_at=*/1'234'567);
  relay_.Pump();
  ASSERT_EQ(a->rec.files_failed.size(), 1u);
  EXPECT_EQ(a->rec.files_failed[0].second.code, "FILE_CHANGED_WHILE_SENT");
  ASSERT_EQ(b->rec.files_failed.size(), 1u);
  EXPECT_EQ(b->rec.files_failed[0].second.code, "FILE_CANCELLED");
  EXPECT_TRUE(b->rec.files_done.empty());
  EXPECT_TRUE(bob_dl_.files.empty());
  EXPECT_TRUE(bob_dl_.parts.empty());
}

TEST_F(TransferTest, DeclineAndCancelEndTheTransferOnBothSides) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, false);
  Connect(*a, *b);
  Send(*a, PatternBytes(1000), "no.txt");
  relay_.Pump();
  ASSERT_TRUE(b->session->DeclineFile(b->rec.offers.at(0).id).ok());
  relay_.Pump();
  ASSERT_EQ(a->rec.files_failed.size(), 1u);
  EXPECT_EQ(a->rec.files_failed[0].second.code, "FILE_DECLINED");
  EXPECT_EQ(a->session->pending_files(), 0u);

  // The sender cancels mid-way: the receiver drops its part.
  const std::string id = Send(*a, PatternBytes(16 * kMiB), "big.bin");
  relay_.Pump();
  ASSERT_TRUE(b->session->AcceptFile(b->rec.offers.at(1).id).ok());
  for (int i = 0; i < 100 && Held("big.bin") < 2 * kMiB; ++i) relay_.PumpOnce();
  ASSERT_TRUE(a->session->CancelFile(id).ok());
  relay_.Pump();
  ASSERT_EQ(b->rec.files_failed.size(), 2u);
  EXPECT_EQ(b->rec.files_failed[1].second.code, "FILE_CANCELLED");
  EXPECT_TRUE(bob_dl_.parts.empty());
  EXPECT_TRUE(bob_dl_.files.empty());
  EXPECT_EQ(a->session->CancelFile(id).error().code, "FILE_UNKNOWN");
  EXPECT_EQ(a->session->state(), SessionState::kSecure);  // late chunks were no violation
}

TEST_F(TransferTest, QueuedFilesWaitForASecureSessionAndGoInOrder) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);
  relay_.Connect(*a);
  const FileOrigin one{"/home/alice/one", 1};
  Send(*a, PatternBytes(3 * kMiB, 1), "one", -1, one);
  Send(*a, PatternBytes(3 * kMiB, 2), "two", -1, FileOrigin{"/home/alice/two", 1});
  auto again = PatternBytes(3 * kMiB, 1);
  Result<std::string> twice =
      a->session->SendFile(std::make_unique<MemorySource>(again), "one", again->size(), one);
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.error().code, "FILE_ALREADY_QUEUED");
  EXPECT_EQ(a->session->pending_files(), 2u);
  relay_.Connect(*b);
  relay_.Pump();
  ASSERT_EQ(b->rec.files_done.size(), 2u);
  EXPECT_EQ(b->rec.files_done[0].name, "one");
  EXPECT_EQ(b->rec.files_done[1].name, "two");
}

// Transfers on its own: a 1 MiB window, acknowledgements every 64 KiB, the clock at 0.
TransferConfig SmallWindows(MemoryFolder* folder, bool auto_accept) {
  return TransferConfig{folder, auto_accept, 1 << 20, 1 << 16, 0, [] { return int64_t{0}; },
                        nullptr, {}};
}

// Many small files at once (a folder): offered as a pipeline, never more at a time than the
// receiver takes (it declines offers beyond 1 000 under way), so every one arrives.
TEST_F(TransferTest, TwoThousandSmallFilesAllArrive) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);
  Connect(*a, *b);
  std::vector<std::shared_ptr<std::vector<uint8_t>>> files;
  for (uint32_t i = 0; i < 2000; ++i) {
    files.push_back(PatternBytes(4096, i));
    Send(*a, files.back(), "f" + std::to_string(i));
  }
  relay_.Pump();
  EXPECT_TRUE(a->rec.files_failed.empty()) << a->rec.files_failed[0].second.message;
  ASSERT_EQ(b->rec.files_done.size(), 2000u);
  for (uint32_t i = 0; i < 2000; ++i) {
    ASSERT_EQ(bob_dl_.files.at("f" + std::to_string(i)), *files[i]) << i;
  }
}

// The receiver's checks on what a (hostile) sender says, on Transfers alone.
TEST(TransfersTest, ChunksOutOfOrderOrBeyondTheSizeAreProtocolErrors) {
  Recorder rec;
  MemoryFolder folder;
  Transfers t(SmallWindows(&folder, true), rec);
  const app::Id id{1, 2, 3};
  wire::Bytes out;
  ASSERT_TRUE(t.Handle(app::FileOffer{id, 100, "x"}, true, out).ok());
  ASSERT_EQ(rec.started.size(), 1u);
  const uint8_t bytes[60] = {};
  EXPECT_TRUE(t.HandleChunk({id, 0, wire::ByteView(bytes, 60)}, out).ok());
  EXPECT_EQ(t.HandleChunk({id, 0, wire::ByteView(bytes, 10)}, out).error().code, "BAD_MESSAGE");
  EXPECT_EQ(t.HandleChunk({id, 61, wire::ByteView(bytes, 10)}, out).error().code, "BAD_MESSAGE");
  EXPECT_EQ(t.HandleChunk({id, 60, wire::ByteView(bytes, 41)}, out).error().code, "BAD_MESSAGE");
  // The same id offered again for another file.
  EXPECT_EQ(t.Handle(app::FileOffer{id, 101, "x"}, true, out).error().code, "BAD_MESSAGE");
  // An acknowledgement or acceptance of something never offered is ignored or refused.
  EXPECT_TRUE(t.Handle(app::FileAck{app::Id{9}, 5}, true, out).ok());
  EXPECT_TRUE(t.Handle(app::FileAccept{app::Id{9}, 5}, true, out).ok());
}

// Chunks flow for one transfer at a time: while the first accepted one waits for
// acknowledgements, a second accepted one with room in its window gives FillBulk nothing to do,
// and has_bulk says so (the transport would otherwise ask again and again, spinning).
TEST(TransfersTest, ThereIsNoBulkWhileTheFirstTransferWaitsForItsAcknowledgements) {
  Recorder rec;
  MemoryFolder folder;
  Transfers t(SmallWindows(&folder, false), rec);
  wire::Bytes out;
  t.OnSecure(std::string(64, 'b'), true, out);
  auto big = PatternBytes(4 << 20), small = PatternBytes(1000);
  Result<std::string> a = t.Send(std::make_unique<MemorySource>(big), "a", big->size(), true, out);
  Result<std::string> b =
      t.Send(std::make_unique<MemorySource>(small), "b", small->size(), true, out);
  ASSERT_TRUE(a.ok() && b.ok());
  app::Id ida{}, idb{};
  ASSERT_TRUE(wire::FromHex(*a, ida) && wire::FromHex(*b, idb));
  ASSERT_TRUE(t.Handle(app::FileAccept{ida, 0}, true, out).ok());
  ASSERT_TRUE(t.Handle(app::FileAccept{idb, 0}, true, out).ok());
  while (t.has_bulk()) {
    const size_t before = out.size();
    t.FillBulk(1 << 20, out);
    ASSERT_GT(out.size(), before) << "has_bulk said there was work, FillBulk found none";
  }
  ASSERT_TRUE(t.Handle(app::FileAck{ida, 1 << 20}, true, out).ok());  // the window moves
  EXPECT_TRUE(t.has_bulk());
}

// A part belongs to the peer that offered it: another peer that learned the transfer id (from
// a log or a screen) and offers it is asked about like any new file, in the same run or after
// a restart, and never appends to the first peer's part. Nor may an offer reuse the id of a
// file going the other way (a cancel names a transfer by its id alone).
TEST(TransfersTest, AnotherPeerOfferingAKnownIdGetsNoneOfTheFirstPeersPart) {
  MemoryFolder folder;
  const app::Id id{5, 5};
  const std::string bob(64, 'b'), carol(64, 'c');
  {
    Recorder rec;
    Transfers t(SmallWindows(&folder, true), rec);
    wire::Bytes out;
    t.OnSecure(bob, true, out);
    ASSERT_TRUE(t.Handle(app::FileOffer{id, 100, "a.txt"}, true, out).ok());
    const uint8_t bytes[60] = {};
    ASSERT_TRUE(t.HandleChunk({id, 0, wire::ByteView(bytes, 60)}, out).ok());
    t.OnSessionEnded();
    t.OnSecure(carol, true, out);
    EXPECT_EQ(t.Handle(app::FileOffer{id, 100, "a.txt"}, true, out).error().code, "BAD_MESSAGE");
    auto mine = PatternBytes(10);
    Result<std::string> sent =
        t.Send(std::make_unique<MemorySource>(mine), "m", mine->size(), true, out);
    ASSERT_TRUE(sent.ok());
    app::Id outgoing{};
    ASSERT_TRUE(wire::FromHex(*sent, outgoing));
    EXPECT_EQ(t.Handle(app::FileOffer{outgoing, 10, "m"}, true, out).error().code, "BAD_MESSAGE");
  }  // the receiver's program ends; bob's part holds 60 bytes
  Recorder rec;
  Transfers t(SmallWindows(&folder, false), rec);
  wire::Bytes out;
  t.OnSecure(carol, true, out);
  ASSERT_TRUE(t.Handle(app::FileOffer{id, 100, "a.txt"}, true, out).ok());
  EXPECT_TRUE(rec.resumed.empty());
  ASSERT_EQ(rec.offers.size(), 1u);  // asked, like any new offer
  EXPECT_EQ(folder.parts.at("a.txt").bytes.size(), 60u);  // bob's part untouched
}

// A FILE_DONE whose digest is not that of the bytes that arrived: nothing is saved.
TEST(TransfersTest, ADigestThatDoesNotMatchTheBytesIsAnIntegrityError) {
  Recorder rec;
  MemoryFolder folder;
  Transfers t(SmallWindows(&folder, true), rec);
  const app::Id id{1, 2, 3};
  wire::Bytes out;
  ASSERT_TRUE(t.Handle(app::FileOffer{id, 60, "x"}, true, out).ok());
  const std::vector<uint8_t> bytes(60, 7);
  ASSERT_TRUE(t.HandleChunk({id, 0, wire::ByteView(bytes)}, out).ok());
  crypto::Digest256 wrong = Sha256Of(bytes);
  wrong[31] ^= 1;
  out.clear();
  ASSERT_TRUE(t.Handle(app::FileDone{id, wrong}, true, out).ok());
  ASSERT_EQ(rec.files_failed.size(), 1u);
  EXPECT_EQ(rec.files_failed[0].second.code, "FILE_INTEGRITY");
  EXPECT_TRUE(folder.files.empty());
  EXPECT_TRUE(folder.parts.empty());
  wire::Bytes expected;
  app::AppendAppMessage(expected, app::FileResult{id, app::FileStatus::kIntegrityMismatch});
  EXPECT_EQ(out, expected);
}

// The sender picks transfer ids. One that had a small file accepted (its part kept: the
// receiver stopped mid-file) offers the same id again with another size: a new offer, asked
// again, never the small file's part resumed as a large one without asking.
TEST(TransfersTest, AKnownIdOfferedAgainWithAnotherSizeIsANewOfferNotAResume) {
  MemoryFolder folder;
  const app::Id id{4, 2};
  auto asked = [&folder](Recorder& rec) {
    return std::make_unique<Transfers>(
        SmallWindows(&folder, false),
        rec);
  };
  {
    Recorder rec;
    auto t = asked(rec);
    wire::Bytes out;
    ASSERT_TRUE(t->Handle(app::FileOffer{id, 100, "a.txt"}, true, out).ok());
    ASSERT_EQ(rec.offers.size(), 1u);
    ASSERT_TRUE(t->Accept(rec.offers[0].id, true, out).ok());
    const uint8_t bytes[60] = {};
    ASSERT_TRUE(t->HandleChunk({id, 0, wire::ByteView(bytes, 60)}, out).ok());
  }  // the receiver stops; its part holds 60 bytes
  {
    Recorder rec;
    auto t = asked(rec);
    wire::Bytes out;
    ASSERT_TRUE(t->Handle(app::FileOffer{id, 5'000'000'000, "a.txt"}, true, out).ok());
    EXPECT_TRUE(rec.resumed.empty());
    EXPECT_TRUE(rec.started.empty());
    ASSERT_EQ(rec.offers.size(), 1u);  // asked, like any new offer
  }
  {
    Recorder rec;
    auto t = asked(rec);
    wire::Bytes out;
    // The offer it was accepted as still resumes by itself, from what the part holds.
    ASSERT_TRUE(t->Handle(app::FileOffer{id, 100, "a.txt"}, true, out).ok());
    ASSERT_EQ(rec.resumed.size(), 1u);
    EXPECT_EQ(rec.resumed[0].second, 60u);
    EXPECT_TRUE(rec.offers.empty());
  }
}

TEST_F(TransferTest, RefusalsNameWhatWentWrong) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, nullptr, false);  // no download folder
  Connect(*a, *b);
  auto data = PatternBytes(1000);
  Result<std::string> unnamed =
      a->session->SendFile(std::make_unique<MemorySource>(data), "", data->size());
  ASSERT_FALSE(unnamed.ok());
  EXPECT_EQ(unnamed.error().code, "FILE_NAME_BAD");
  EXPECT_EQ(unnamed.error().message, "A file name must be 1 to 255 bytes of UTF-8 text.");

  Send(*a, data, "nowhere.txt");
  relay_.Pump();
  Status accepted = b->session->AcceptFile(b->rec.offers.at(0).id);
  ASSERT_FALSE(accepted.ok());
  EXPECT_EQ(accepted.error().code, "NO_DOWNLOAD_FOLDER");
  EXPECT_EQ(accepted.error().message, "There is no folder to save files into.");
}

TEST_F(TransferTest, AReceiverThatCannotWriteTellsTheSender) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);
  bob_dl_.disk_full = true;
  Connect(*a, *b);
  Send(*a, PatternBytes(2 * kMiB), "big.iso");
  relay_.Pump();
  ASSERT_EQ(b->rec.files_failed.size(), 1u);
  EXPECT_EQ(b->rec.files_failed[0].second.code, "FILE_WRITE_FAILED");
  ASSERT_EQ(a->rec.files_failed.size(), 1u);
  EXPECT_EQ(a->rec.files_failed[0].second.code, "FILE_PEER_WRITE_FAILED");
  EXPECT_EQ(a->rec.files_failed[0].second.message,
            "The peer could not save big.iso (disk full or folder unwritable on their side).");
  EXPECT_TRUE(a->rec.files_done.empty());
  EXPECT_TRUE(bob_dl_.files.empty());
}

}  // namespace
}  // namespace duet::peer::testing
