#include "relay/room_table.h"

#include <gtest/gtest.h>

namespace duet::relay {
namespace {

using Kind = JoinOutcome::Kind;

TEST(RoomTable, PairsTwoAndRefusesAThird) {
  RoomTable t(10);
  EXPECT_EQ(t.Join(1, "r").kind, Kind::kWaiting);
  JoinOutcome o = t.Join(2, "r");
  EXPECT_EQ(o.kind, Kind::kPaired);
  EXPECT_EQ(o.partner, 1u);
  EXPECT_TRUE(t.IsFirst(1, "r"));
  EXPECT_FALSE(t.IsFirst(2, "r"));
  EXPECT_EQ(t.Join(3, "r").kind, Kind::kRoomFull);
  EXPECT_EQ(t.PartnerOf(1, "r"), 2u);
  EXPECT_EQ(t.PartnerOf(3, "r"), std::nullopt);
}

TEST(RoomTable, RoomsAreIsolated) {
  RoomTable t(10);
  t.Join(1, "a");
  t.Join(2, "b");
  EXPECT_EQ(t.PartnerOf(1, "a"), std::nullopt);
  EXPECT_EQ(t.Join(3, "a").partner, 1u);
  EXPECT_EQ(t.Join(4, "b").partner, 2u);
}

TEST(RoomTable, PartnerLeftWaitsAndIsFirstForTheNext) {
  RoomTable t(10);
  t.Join(1, "r");
  t.Join(2, "r");
  EXPECT_EQ(t.Leave(1, "r"), 2u);
  EXPECT_EQ(t.PartnerOf(2, "r"), std::nullopt);
  EXPECT_TRUE(t.IsFirst(2, "r"));
  JoinOutcome o = t.Join(5, "r");
  EXPECT_EQ(o.kind, Kind::kPaired);
  EXPECT_EQ(o.partner, 2u);
}

TEST(RoomTable, EmptyRoomsAreFreed) {
  RoomTable t(1);
  t.Join(1, "r");
  EXPECT_EQ(t.Join(2, "other").kind, Kind::kTooManyRooms);
  EXPECT_EQ(t.Leave(1, "r"), std::nullopt);
  EXPECT_EQ(t.room_count(), 0u);
  EXPECT_EQ(t.Join(2, "other").kind, Kind::kWaiting);
  EXPECT_EQ(t.Leave(99, "other"), std::nullopt);  // unknown ids are harmless
  EXPECT_EQ(t.Leave(2, "nowhere"), std::nullopt);
}

}  // namespace
}  // namespace duet::relay
