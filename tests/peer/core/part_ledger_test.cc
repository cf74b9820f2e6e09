// The part ledger (peer/core/part_ledger.h): what it records, how it forgets, its bound, and its
// text.
#include "peer/core/part_ledger.h"

#include <gtest/gtest.h>

#include "tests/peer/core/memory_files.h"

namespace duet::peer {
namespace {

wire::app::Id IdOf(uint32_t k) {
  wire::app::Id id{};
  for (size_t i = 0; i < 4; ++i) id[i] = static_cast<uint8_t>(k >> (8 * i));
  return id;
}

PartRecord Rec(uint32_t k, const std::string& path) {
  return PartRecord{IdOf(k), 7, 1000 + k, 99, path};
}

class PartLedgerTest : public ::testing::Test {
 protected:
  testing::MemoryPartLedger store_;
  PartLedger ledger_{store_};
};

TEST_F(PartLedgerTest, FindsWhatItRecordedAndForgetsIt) {
  ASSERT_TRUE(ledger_.Record(Rec(1, "/dl/a b%.txt.part")));
  std::optional<PartRecord> got = ledger_.Find(IdOf(1));
  ASSERT_TRUE(got);
  EXPECT_EQ(got->dev, 7u);
  EXPECT_EQ(got->ino, 1001u);
  EXPECT_EQ(got->btime_ns, 99u);
  EXPECT_EQ(got->path, "/dl/a b%.txt.part");
  EXPECT_FALSE(ledger_.Find(IdOf(2)));
  ASSERT_TRUE(ledger_.Forget(IdOf(1)));
  EXPECT_FALSE(ledger_.Find(IdOf(1)));
}

TEST_F(PartLedgerTest, ARecordReplacesOneOfTheSameIdOrPath) {
  ASSERT_TRUE(ledger_.Record(Rec(1, "/dl/a.part")));
  ASSERT_TRUE(ledger_.Record(PartRecord{IdOf(1), 7, 55, 0, "/dl/a (1).part"}));
  EXPECT_EQ(ledger_.Find(IdOf(1))->ino, 55u);
  ASSERT_TRUE(ledger_.Record(Rec(2, "/dl/a (1).part")));  // same path, another transfer
  EXPECT_FALSE(ledger_.Find(IdOf(1)));
  EXPECT_TRUE(ledger_.Find(IdOf(2)));
}

TEST_F(PartLedgerTest, KeepsAtMostItsBoundDroppingTheOldest) {
  for (uint32_t k = 0; k < PartLedger::kMaxParts + 5; ++k) {
    ASSERT_TRUE(ledger_.Record(Rec(k, "/dl/f" + std::to_string(k) + ".part")));
  }
  EXPECT_EQ(store_.Load()->size(), PartLedger::kMaxParts);
  EXPECT_FALSE(ledger_.Find(IdOf(4)));
  EXPECT_TRUE(ledger_.Find(IdOf(5)));
  EXPECT_TRUE(ledger_.Find(IdOf(PartLedger::kMaxParts + 4)));
}

TEST_F(PartLedgerTest, ADamagedLedgerAdoptsNothingAndIsRewrittenByTheNextRecord) {
  store_.text = "# duet part ledger v1\nnot a record\n";
  Result<std::vector<PartRecord>> parsed = ParsePartLedger(store_.text);
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().code, "PART_LEDGER_DAMAGED");
  EXPECT_EQ(parsed.error().message,
            "Line 2 of the list of partly received files is damaged; those files are not resumed "
            "(they are received again from the start if offered again).");
  EXPECT_FALSE(ledger_.Find(IdOf(1)));
  ASSERT_TRUE(ledger_.Record(Rec(1, "/dl/x.part")));
  EXPECT_TRUE(ledger_.Find(IdOf(1)));
}

TEST(PartLedgerText, RoundTripsAndRefusesRelativePathsAndBadNumbers) {
  const std::vector<PartRecord> parts = {Rec(1, "/dl/one.part"), Rec(2, "/dl/t\nwo %.part")};
  const std::string text = FormatPartLedger(parts);
  EXPECT_EQ(text.find("t\nwo"), std::string::npos);
  Result<std::vector<PartRecord>> back = ParsePartLedger(text);
  ASSERT_TRUE(back);
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[1].path, "/dl/t\nwo %.part");
  const std::string id(32, '0');
  EXPECT_FALSE(ParsePartLedger(id + " 1 2 3 dl/rel.part\n"));
  EXPECT_FALSE(ParsePartLedger(id + " 1 x2 3 /dl/a.part\n"));
  EXPECT_FALSE(ParsePartLedger(id + " 1 2 /dl/a.part\n"));
  EXPECT_TRUE(ParsePartLedger(id + " 1 2 3 /dl/a.part\n"));
}

}  // namespace
}  // namespace duet::peer
