#include "peer/core/room_code.h"

#include <gtest/gtest.h>

#include <cmath>
#include <set>
#include <string>

#include "wire/relay_protocol.h"

namespace duet::peer {
namespace {

TEST(RoomCodeTest, TheWordListIsTheEffShortListWithoutItsHyphenatedWord) {
  auto words = RoomCodeWords();
  EXPECT_EQ(words.size(), 1295u);  // 6^4 dice words less "yo-yo"
  EXPECT_EQ(words.front(), "acid");
  EXPECT_EQ(words.back(), "zoom");
  std::set<std::string_view> distinct(words.begin(), words.end());
  EXPECT_EQ(distinct.size(), words.size());
  for (std::string_view w : words) {
    ASSERT_GE(w.size(), 3u) << w;
    for (char c : w) ASSERT_TRUE(c >= 'a' && c <= 'z') << w;
  }
}

TEST(RoomCodeTest, AFreshCodeHasAtLeastFortyBits) {
  // Four words of 1,295: 41.4 bits, about 2.8e12 codes. At the 1,545 JOINs per second one
  // process managed before the relay limited joins, trying half of them takes 29 years.
  EXPECT_GE(RoomCodeBits(), 40.0);
  EXPECT_NEAR(RoomCodeBits(), 4 * std::log2(1295.0), 1e-9);
}

TEST(RoomCodeTest, FreshCodesAreValidRoomCodesOfFourListedWordsAndDiffer) {
  auto words = RoomCodeWords();
  std::set<std::string_view> listed(words.begin(), words.end());
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const std::string code = NewRoomCode();
    EXPECT_TRUE(wire::relay::IsValidRoomCode(code)) << code;
    size_t parts = 0, start = 0;
    for (size_t dash = 0; dash != std::string::npos; start = dash + 1, ++parts) {
      dash = code.find('-', start);
      EXPECT_EQ(listed.count(code.substr(start, dash - start)), 1u) << code;
    }
    EXPECT_EQ(parts, kRoomCodeWords) << code;
    seen.insert(code);
  }
  EXPECT_EQ(seen.size(), 50u);  // a repeat in 50 draws of 2^41 would be a broken generator
}

}  // namespace
}  // namespace duet::peer
