#include "peer/core/sanitize.h"

#include <gtest/gtest.h>

namespace duet::peer {
namespace {

const std::string kFffd = "\xEF\xBF\xBD";

TEST(Sanitize, PassesUtf8AndEmojiIntact) {
  const std::string s =
      "h\xC3\xA9llo \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x91\x8B\xF0\x9F\x8F\xBD "
      "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9";  // é, 中文, 👋🏽, 👨‍👩
  EXPECT_EQ(SanitizeText(s), s);
}

TEST(Sanitize, RemovesTerminalEscapeSequences) {
  EXPECT_EQ(SanitizeText("\x1b[2J\x1b]0;pwned\x07ok"),
            kFffd + "[2J" + kFffd + "]0;pwned" + kFffd + "ok");
  EXPECT_EQ(SanitizeText("a\xC2\x9B"
                         "31mb"),
            "a" + kFffd + "31mb");  // C1 CSI
  EXPECT_EQ(SanitizeText("back\bspace\rcr"), "back" + kFffd + "space cr");
}

TEST(Sanitize, ReplacesInvalidUtf8ByteByByte) {
  EXPECT_EQ(SanitizeText("a\xFF"
                         "b"),
            "a" + kFffd + "b");
  EXPECT_EQ(SanitizeText("\xC0\xAF"), kFffd + kFffd);              // overlong '/'
  EXPECT_EQ(SanitizeText("\xED\xA0\x80"), kFffd + kFffd + kFffd);  // surrogate
  EXPECT_EQ(SanitizeText("\xE2\x82"), kFffd + kFffd);              // truncated
}

TEST(Sanitize, RemovesBidiOverrides) {
  EXPECT_EQ(SanitizeText("evil\xE2\x80\xAEtxt.exe"), "evil" + kFffd + "txt.exe");
}

TEST(Sanitize, KeepsNewlinesInTextButNotInLines) {
  EXPECT_EQ(SanitizeText("one\ntwo\tthree"), "one\ntwo three");
  EXPECT_EQ(SanitizeLine("  al\nice\t "), "al ice");
}

}  // namespace
}  // namespace duet::peer
