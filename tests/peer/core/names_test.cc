#include "peer/core/names.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

namespace duet::peer {
namespace {

const char kTail[] =
    " Names with invisible or control characters, or spaces at either end, could pass for "
    "someone else. The session was ended.";

// The sentence CheckPeerName gives for a name refused for one of its characters.
std::string PeerRefusal(const std::string& shown, const std::string& reason) {
  return "The other side's name \"" + shown + "\" was refused: " + reason + "." + kTail;
}

void ExpectPeerRefused(const std::string& name, const std::string& shown,
                       const std::string& reason) {
  const Result<std::string> r = CheckPeerName(name);
  ASSERT_FALSE(r.ok()) << shown;
  EXPECT_EQ(r.error().code, "PEER_NAME_REFUSED");
  EXPECT_EQ(r.error().message, PeerRefusal(shown, reason));
}

// --- refusals ---------------------------------------------------------------------------------

TEST(NamesCheck, RefusesTrailingSpace) {
  ExpectPeerRefused("bob ", "bob ", "it ends with a space");
}

TEST(NamesCheck, RefusesLeadingSpace) {
  ExpectPeerRefused(" bob", " bob", "it starts with a space");
}

TEST(NamesCheck, RefusesNoBreakSpaceAtTheEndAndEscapesIt) {
  ExpectPeerRefused("bob\u00a0", "bob\\u{00A0}", "it ends with a space (U+00A0)");
  ExpectPeerRefused("\u3000bob", "\\u{3000}bob", "it starts with a space (U+3000)");
}

TEST(NamesCheck, ZeroWidthSpaceIsRefused) {
  ExpectPeerRefused("bob\u200b", "bob\\u{200B}", "it contains an invisible character (U+200B)");
}

TEST(NamesCheck, ZeroWidthJoinerIsRefused) {
  ExpectPeerRefused("bo\u200db", "bo\\u{200D}b", "it contains an invisible character (U+200D)");
}

TEST(NamesCheck, RightToLeftOverrideIsRefused) {
  ExpectPeerRefused("bob\u202e", "bob\\u{202E}",
                    "it contains a text-direction control character (U+202E)");
  ExpectPeerRefused("\u2067bob", "\\u{2067}bob",
                    "it contains a text-direction control character (U+2067)");  // RLI
  ExpectPeerRefused("bob\u200f", "bob\\u{200F}",
                    "it contains a text-direction control character (U+200F)");  // RLM
}

TEST(NamesCheck, ControlCharactersAreRefused) {
  ExpectPeerRefused("bob\a", "bob\\u{0007}", "it contains a control character (U+0007)");
  ExpectPeerRefused("bob\n", "bob\\u{000A}", "it contains a control character (U+000A)");
  ExpectPeerRefused("b\tob", "b\\u{0009}ob", "it contains a control character (U+0009)");
  ExpectPeerRefused("\x1b[2Jbob", "\\u{001B}[2Jbob", "it contains a control character (U+001B)");
  ExpectPeerRefused("bob\u0085", "bob\\u{0085}", "it contains a control character (U+0085)");
}

TEST(NamesCheck, LineSeparatorIsRefused) {
  ExpectPeerRefused("\u2028", "\\u{2028}", "it contains a line or paragraph separator (U+2028)");
  ExpectPeerRefused("bo\u2029b", "bo\\u{2029}b",
                    "it contains a line or paragraph separator (U+2029)");
}

TEST(NamesCheck, DefaultIgnorablesThatAreNotFormatCharactersAreRefused) {
  // U+3164 HANGUL FILLER is a letter (Lo) that renders as nothing; U+FE0F a variation selector
  // (Mn), also the emoji presentation selector; U+034F COMBINING GRAPHEME JOINER.
  ExpectPeerRefused("bob\u3164", "bob\\u{3164}", "it contains an invisible character (U+3164)");
  ExpectPeerRefused("\u2764\ufe0f", "\u2764\\u{FE0F}",
                    "it contains an invisible character (U+FE0F)");
  ExpectPeerRefused("bo\u034fb", "bo\\u{034F}b", "it contains an invisible character (U+034F)");
  ExpectPeerRefused("bob\U000E0041", "bob\\u{E0041}",
                    "it contains an invisible character (U+E0041)");  // TAG LATIN CAPITAL A
}

TEST(NamesCheck, PrivateUseUnassignedAndNoncharactersAreRefused) {
  ExpectPeerRefused("bob\ue000", "bob\\u{E000}", "it contains a private-use character (U+E000)");
  ExpectPeerRefused("bob\U00100000", "bob\\u{100000}",
                    "it contains a private-use character (U+100000)");
  ExpectPeerRefused("bob\ufdd0", "bob\\u{FDD0}", "it contains a noncharacter (U+FDD0)");
  ExpectPeerRefused("bob\uffff", "bob\\u{FFFF}", "it contains a noncharacter (U+FFFF)");
  ExpectPeerRefused("bob\u0378", "bob\\u{0378}", "it contains an unassigned code point (U+0378)");
}

TEST(NamesCheck, NamesTheFirstBadCharacter) {
  ExpectPeerRefused(" b\u200bo\ab ", " b\\u{200B}o\\u{0007}b ",
                    "it contains an invisible character (U+200B)");
}

TEST(NamesCheck, EscapesBackslashAndQuoteInTheSentence) {
  // A name that spells an escape must not pass for one in the sentence.
  ExpectPeerRefused("\\u{200B}\"x\" ", "\\u{005C}u{200B}\\u{0022}x\\u{0022} ",
                    "it ends with a space");
}

TEST(NamesCheck, RefusesEmptyName) {
  const Result<std::string> r = CheckPeerName("");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "PEER_NAME_REFUSED");
  EXPECT_EQ(r.error().message, "The other side sent an empty name. The session was ended.");
}

TEST(NamesCheck, RefusesInvalidUtf8AndShowsTheBytes) {
  const Result<std::string> r = CheckPeerName(
      "bo\xff"
      "b\xc3");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "PEER_NAME_REFUSED");
  EXPECT_EQ(r.error().message,
            "The other side's name \"bo\\x{FF}b\\x{C3}\" was refused: it is not valid UTF-8 "
            "text. The session was ended.");
  EXPECT_FALSE(CheckPeerName("\xed\xa0\x80").ok());  // a surrogate, encoded
  EXPECT_FALSE(CheckPeerName("\xc0\xaf").ok());      // overlong
}

TEST(NamesCheck, RefusesNamesOver64BytesAndCutsTheQuote) {
  EXPECT_TRUE(CheckPeerName(std::string(64, 'a')).ok());
  const Result<std::string> r = CheckPeerName(std::string(65, 'a'));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "PEER_NAME_REFUSED");
  EXPECT_EQ(r.error().message, "The other side's name \"" + std::string(64, 'a') +
                                   "\u2026\" was refused: it is 65 bytes long, more than the 64 "
                                   "allowed. The session was ended.");
  // 22 three-byte characters: 66 bytes, 22 characters.
  std::string cjk;
  for (int i = 0; i < 22; ++i) cjk += "\u5c71";
  EXPECT_FALSE(CheckPeerName(cjk).ok());
}

TEST(NamesCheck, ArabicAndCjkNamesAreAccepted) {
  for (const std::string name :
       {"Zo\u00eb", "Zoe\u0308", "\u0645\u062d\u0645\u062f", "\u5c71\u7530",
        "\u041e\u043b\u044c\u0433\u0430", "Jos\u00e9 Mar\u00eda", "\u7530\u4e2d \u592a\u90ce",
        "\u05d3\u05d5\u05d3", "\u0938\u0941\u0930\u0947\u0936", "\ud55c\uac15", "\U0001F98A fox",
        "bob", "Mary-Jane O'Neil", "\u00c5sa"}) {
    const Result<std::string> r = CheckPeerName(name);
    ASSERT_TRUE(r.ok()) << name << ": " << r.error().message;
    EXPECT_EQ(*r, name);
    EXPECT_TRUE(CheckOwnName(name).ok()) << name;
  }
}

TEST(NamesCheck, InnerSpacesAreAccepted) {
  EXPECT_TRUE(CheckPeerName("ali ce").ok());
  EXPECT_TRUE(CheckPeerName("Ann\u00a0Lee").ok());
}

TEST(NamesCheck, OwnNameUsesBadNameAndSpeaksToTheUser) {
  Status s = CheckOwnName("bob ");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "BAD_NAME");
  EXPECT_EQ(s.error().message,
            "Your name \"bob \" cannot be used: it ends with a space; choose a name without "
            "invisible or control characters and without spaces at either end.");

  s = CheckOwnName("bob\u200b");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "BAD_NAME");
  EXPECT_EQ(s.error().message,
            "Your name \"bob\\u{200B}\" cannot be used: it contains an invisible character "
            "(U+200B); choose a name without invisible or control characters and without spaces "
            "at either end.");

  s = CheckOwnName("");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "BAD_NAME");
  EXPECT_EQ(s.error().message, "Your name is empty; choose a name of 1 to 64 bytes.");

  s = CheckOwnName(std::string(70, 'x'));
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "BAD_NAME");
  EXPECT_EQ(s.error().message, "Your name \"" + std::string(64, 'x') +
                                   "\u2026\" cannot be used: it is 70 bytes long, more than the "
                                   "64 allowed; choose a shorter name.");

  s = CheckOwnName("caf\xe9");  // Latin-1, not UTF-8
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().code, "BAD_NAME");
  EXPECT_EQ(s.error().message,
            "Your name \"caf\\x{E9}\" cannot be used: it is not valid UTF-8 text; choose a name "
            "written in UTF-8.");

  EXPECT_TRUE(CheckOwnName("alice").ok());
}

// --- normalisation and skeletons --------------------------------------------------------------

TEST(NamesNormalize, FoldsCaseWidthAndCompatibilityForms) {
  EXPECT_EQ(NormalizeName("BOB"), "bob");
  EXPECT_EQ(NormalizeName("\uff22\uff4f\uff42"), "bob");  // fullwidth
  EXPECT_EQ(NormalizeName("Stra\u00dfe"), "strasse");
  EXPECT_EQ(NormalizeName("\u2460"), "1");            // circled digit one
  EXPECT_EQ(NormalizeName("Zoe\u0308"), "zo\u00eb");  // composed
  EXPECT_EQ(NormalizeName("\u210cello"), "hello");    // black-letter H
}

TEST(NamesNormalize, RemovesInvisibleCharactersAndCollapsesSpaces) {
  EXPECT_EQ(NormalizeName("b\u200bo\u200db\u2060"), "bob");
  EXPECT_EQ(NormalizeName("bob\u202e"), "bob");
  EXPECT_EQ(NormalizeName("b\u0600ob"), "bob");  // Cf, not Default_Ignorable
  EXPECT_EQ(NormalizeName("  ali \t\n\u00a0 ce\u3000"), "ali ce");
  EXPECT_EQ(NormalizeName("\u200b \u200b"), "");
  EXPECT_EQ(NormalizeName(""), "");
}

TEST(NamesNormalize, InvalidUtf8BecomesReplacementCharacters) {
  EXPECT_EQ(NormalizeName("b\xffo\xc3"), "b\ufffdo\ufffd");
  EXPECT_EQ(NameSkeleton("b\xffo\xc3"), NameSkeleton("b\ufffdo\ufffd"));
  EXPECT_FALSE(NamesCollide("b\xff", "b"));
}

TEST(NamesSkeleton, IsTheUts39SkeletonOfTheNormalisedName) {
  EXPECT_EQ(NameSkeleton("bob"), "bob");
  EXPECT_EQ(NameSkeleton("BOB"), "bob");
  EXPECT_EQ(NameSkeleton("b\u043eb"), "bob");  // Cyrillic о
  EXPECT_EQ(NameSkeleton("m"), "rn");
  EXPECT_EQ(NameSkeleton("1"), "l");
  EXPECT_EQ(NameSkeleton("I"), "i");  // folded to "i" before the skeleton
  EXPECT_EQ(NameSkeleton("0"), "O");
}

// --- collisions -------------------------------------------------------------------------------

TEST(NamesCollision, CyrillicOCollidesWithLatinO) {
  EXPECT_TRUE(NamesCollide("bob", "b\u043eb"));
  EXPECT_TRUE(NamesCollide("alice", "\u0430lice"));  // Cyrillic а
}

TEST(NamesCollision, CaseAndFullwidthCollide) {
  const std::vector<std::string> bobs = {"bob", "BOB",       "\uff42\uff4f\uff42", "b\u043eb",
                                         "Bob", "bob\u200b", "\uff22\uff2f\uff22"};
  for (const std::string& a : bobs) {
    for (const std::string& b : bobs) EXPECT_TRUE(NamesCollide(a, b)) << a << " ~ " << b;
  }
}

TEST(NamesCollision, CyrillicCapitalsCollideWithLatinCapitals) {
  // "ВОВ" folds to "вов", whose skeleton is "ʙoʙ": only the case-keeping skeleton sees BOB.
  EXPECT_NE(NameSkeleton("\u0412\u041e\u0412"), NameSkeleton("BOB"));
  EXPECT_TRUE(NamesCollide("\u0412\u041e\u0412", "BOB"));
  EXPECT_TRUE(NamesCollide("\u0412\u041e\u0412", "bob"));
  EXPECT_FALSE(NamesCollide("\u0432\u043e\u0432", "bob"));  // "вов" does not look like "bob"
}

TEST(NamesCollision, CapitalIAndSmallLCollide) {
  EXPECT_NE(NameSkeleton("AIice"), NameSkeleton("Alice"));
  EXPECT_TRUE(NamesCollide("AIice", "Alice"));
  EXPECT_TRUE(NamesCollide("AIice", "alice"));
  EXPECT_TRUE(NamesCollide("b0b", "bob"));  // digit zero
}

TEST(NamesCollision, OneSmallLAndCapitalIPerUts39) {
  // UTS #39 maps "1" and "I" to "l"; "i" is its own. NFKC_Casefold makes "I" and "i" equal.
  EXPECT_TRUE(NamesCollide("l", "1"));
  EXPECT_TRUE(NamesCollide("l", "I"));
  EXPECT_TRUE(NamesCollide("1", "I"));
  EXPECT_TRUE(NamesCollide("I", "i"));
  EXPECT_FALSE(NamesCollide("l", "i"));
  EXPECT_FALSE(NamesCollide("1", "i"));
  EXPECT_TRUE(NamesCollide("bill", "bi11"));
}

TEST(NamesCollision, RnAndMCollide) { EXPECT_TRUE(NamesCollide("rnary", "mary")); }

TEST(NamesCollision, DifferentNamesDoNotCollide) {
  EXPECT_FALSE(NamesCollide("bob", "rob"));
  EXPECT_FALSE(NamesCollide("ali ce", "alice"));
  EXPECT_FALSE(NamesCollide("alice", "alicia"));
  EXPECT_FALSE(NamesCollide("\u5c71\u7530", "\u7530\u4e2d"));
  EXPECT_FALSE(NamesCollide("\u041e\u043b\u044c\u0433\u0430", "Olga"));
  EXPECT_FALSE(NamesCollide("Zo\u00eb", "Zoe"));
}

TEST(NamesCollision, SpacesAtTheEndsAndRunsDoNotMatter) {
  EXPECT_TRUE(NamesCollide("bob ", "bob"));
  EXPECT_TRUE(NamesCollide("ali  ce", "ali ce"));
  EXPECT_TRUE(NamesCollide("ali\u00a0ce", "ali ce"));
}

TEST(NamesCollision, IsSafeFromManyThreads) {
  std::vector<std::thread> threads;
  std::vector<int> collisions(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([t, &collisions] {
      for (int i = 0; i < 200; ++i) {
        if (NamesCollide("b\u043eb", "BOB") && !NamesCollide("bob", "rob")) ++collisions[t];
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int c : collisions) EXPECT_EQ(c, 200);
}

}  // namespace
}  // namespace duet::peer
