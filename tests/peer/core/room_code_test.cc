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

TEST(RoomCodeTest, TheSecretHasThirtyOneBitsAgainstOneGuessPerCode) {
  // Three words of 1,295: 31.0 bits. The code check gives whoever is in the room one guess per
  // code (a wrong one uses it up): one chance in 2.2 billion, against magic-wormhole's 1 in
  // 65,536.
  EXPECT_NEAR(CodeSecretBits(), 3 * std::log2(1295.0), 1e-9);
  EXPECT_GE(CodeSecretBits(), 31.0);
}

TEST(RoomCodeTest, FreshCodesAreFourDigitsAndThreeListedWordsAndDiffer) {
  auto words = RoomCodeWords();
  std::set<std::string_view> listed(words.begin(), words.end());
  std::set<std::string> seen;
  for (int i = 0; i < 50; ++i) {
    const Code code = NewCode();
    ASSERT_EQ(code.nameplate.size(), kNameplateDigits) << code.text;
    EXPECT_TRUE(wire::relay::IsValidRoomCode(code.nameplate)) << code.text;
    EXPECT_EQ(code.text.substr(0, 5), code.nameplate + "-");
    size_t parts = 0, start = 5;
    for (size_t dash = 0; dash != std::string::npos; start = dash + 1, ++parts) {
      dash = code.text.find('-', start);
      EXPECT_EQ(listed.count(code.text.substr(start, dash - start)), 1u) << code.text;
    }
    EXPECT_EQ(parts, kCodeSecretWords) << code.text;
    // What Duet makes, Duet reads back unchanged.
    Result<Code> again = ParseCode(code.text);
    ASSERT_TRUE(again.ok()) << code.text;
    EXPECT_EQ(again->text, code.text);
    EXPECT_EQ(again->nameplate, code.nameplate);
    seen.insert(code.text);
  }
  EXPECT_EQ(seen.size(), 50u);
}

TEST(RoomCodeTest, EntryToleratesCaseAndSpacesAndRefusesWhatIsNotACode) {
  for (const char* typed : {"7301-acorn-gravy-petal", "  7301 Acorn GRAVY petal ",
                            "7301 - acorn -- gravy\tpetal", "7301-acorn gravy-petal"}) {
    Result<Code> code = ParseCode(typed);
    ASSERT_TRUE(code.ok()) << typed << ": " << code.error().message;
    EXPECT_EQ(code->text, "7301-acorn-gravy-petal");
    EXPECT_EQ(code->nameplate, "7301");
  }
  for (const char* typed : {"7301-acorn-gravy", "7301-acorn-gravy-petal-swoop", "acorn-gravy-petal",
                            "123456789-acorn-gravy-petal", "", "7301"}) {
    Result<Code> code = ParseCode(typed);
    ASSERT_FALSE(code.ok()) << typed;
    EXPECT_EQ(code.error().code, "CODE_BAD_FORMAT") << typed;
  }
  Result<Code> typo = ParseCode("7301-acron-gravy-petal");
  ASSERT_FALSE(typo.ok());
  EXPECT_EQ(typo.error().code, "CODE_UNKNOWN_WORD");
  EXPECT_EQ(
      typo.error().message,
      "\"acron\" is not one of Duet's code words (did you mean \"acorn\" or \"apron\"?). Check "
      "the code with the other person; nothing was sent.");
  Result<Code> far = ParseCode("7301-xxxxxxxx-gravy-petal");
  ASSERT_FALSE(far.ok());
  EXPECT_EQ(far.error().message,
            "\"xxxxxxxx\" is not one of Duet's code words. Check the code with the other person; "
            "nothing was sent.");
}

TEST(RoomCodeTest, PlainRoomNamesStayRoomsAndCodesBecomeTheirNameplate) {
  Result<Code> plain = RoomFromInput("gui-3");
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->nameplate, "gui-3");
  EXPECT_EQ(plain->text, "");  // no code check
  Result<Code> code = RoomFromInput("0042 acorn gravy petal");
  ASSERT_TRUE(code.ok());
  EXPECT_EQ(code->nameplate, "0042");
  EXPECT_EQ(code->text, "0042-acorn-gravy-petal");
  EXPECT_EQ(RoomFromInput("bad room!").error().code, "BAD_ROOM_CODE");
  EXPECT_EQ(RoomFromInput("12-acorn").error().code, "CODE_BAD_FORMAT");
  EXPECT_TRUE(LooksLikeCode(" 12 acorn"));
  EXPECT_FALSE(LooksLikeCode("12"));
  EXPECT_FALSE(LooksLikeCode("r12-acorn"));
}

TEST(RoomCodeTest, CompletionListsTheWordsThatStartWithWhatWasTyped) {
  EXPECT_EQ(CompleteCodeWord("acor"), std::vector<std::string_view>{"acorn"});
  const auto ac = CompleteCodeWord("ac");
  ASSERT_FALSE(ac.empty());
  EXPECT_EQ(ac.front(), "acid");
  for (std::string_view w : ac) EXPECT_EQ(w.substr(0, 2), "ac");
  EXPECT_EQ(CompleteCodeWord("", 3).size(), 3u);
  EXPECT_TRUE(CompleteCodeWord("qqq").empty());
}

}  // namespace
}  // namespace duet::peer
