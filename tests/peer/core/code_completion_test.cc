// Completing code words in the desktop app's code field: what the list offers, what a choice
// writes into the field and where the cursor goes.
#include "peer/core/code_completion.h"

#include <gtest/gtest.h>

namespace duet::peer {
namespace {

using Words = std::vector<std::string>;

TEST(CodeCompletion, OffersTheListedWordsStartingWithTheFirstWordTyped) {
  const CodeCompletion c = CompletionsAt("7301-ac", 7);
  EXPECT_EQ(c.matches, (Words{"acid", "acorn", "acre", "acts"}));
  EXPECT_EQ(c.word_start, 5u);
  EXPECT_EQ(c.word_end, 7u);
  EXPECT_EQ(c.word_index, 0u);
}

TEST(CodeCompletion, OffersAtMostSixWords) {
  const CodeCompletion c = CompletionsAt("7301-acorn-gra", 14);
  EXPECT_EQ(c.matches, (Words{"grab", "grain", "grant", "grape", "graph", "grasp"}));
  EXPECT_EQ(c.word_index, 1u);
}

TEST(CodeCompletion, IgnoresCaseAndAcceptsSpacesBetweenWords) {
  EXPECT_EQ(CompletionsAt("7301 Acorn PET", 14).matches, (Words{"petal", "petri", "petty"}));
}

TEST(CodeCompletion, ChoosingAWordAddsAHyphenAndMovesPastIt) {
  const std::string text = "7301-ac";
  const FieldEdit e = AcceptCompletion(text, CompletionsAt(text, 7), "acorn");
  EXPECT_EQ(e.text, "7301-acorn-");
  EXPECT_EQ(e.cursor, 11u);
}

TEST(CodeCompletion, TheThirdWordGetsNoHyphen) {
  const std::string text = "7301-acorn-gravy-pet";
  const CodeCompletion c = CompletionsAt(text, text.size());
  EXPECT_EQ(c.word_index, 2u);
  const FieldEdit e = AcceptCompletion(text, c, "petal");
  EXPECT_EQ(e.text, "7301-acorn-gravy-petal");
  EXPECT_EQ(e.cursor, e.text.size());
}

TEST(CodeCompletion, CompletingAWordInTheMiddleReplacesItAndKeepsTheSeparatorAfterIt) {
  const std::string text = "7301-acxx-gravy";
  const CodeCompletion c = CompletionsAt(text, 7);  // the cursor after "ac"
  EXPECT_EQ(c.matches, (Words{"acid", "acorn", "acre", "acts"}));
  const FieldEdit e = AcceptCompletion(text, c, "acorn");
  EXPECT_EQ(e.text, "7301-acorn-gravy");
  EXPECT_EQ(e.cursor, 11u);
}

TEST(CodeCompletion, OffersNothingForAFinishedWordAnUnknownOneOrAnEmptyOne) {
  EXPECT_TRUE(CompletionsAt("7301-gravy", 10).matches.empty());
  EXPECT_TRUE(CompletionsAt("7301-zzq", 8).matches.empty());
  EXPECT_TRUE(CompletionsAt("7301-", 5).matches.empty());
  EXPECT_TRUE(CompletionsAt("7301-acorn-", 11).matches.empty());
}

TEST(CodeCompletion, OffersNothingOutsideTheThreeWordsOfACode) {
  EXPECT_TRUE(CompletionsAt("kitchen", 7).matches.empty());                     // a plain room name
  EXPECT_TRUE(CompletionsAt("ac", 2).matches.empty());                          // no nameplate
  EXPECT_TRUE(CompletionsAt("7301-acorn-gravy-petal-ac", 25).matches.empty());  // a fourth word
  EXPECT_TRUE(CompletionsAt("7301-ac", 5).matches.empty());  // the cursor before the word
}

TEST(CodeCompletion, ClampsACursorPastTheEnd) {
  EXPECT_EQ(CompletionsAt("7301-acr", 99).matches, (Words{"acre"}));
}

}  // namespace
}  // namespace duet::peer
