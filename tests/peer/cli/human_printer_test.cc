// What the terminal client prints, read back from a file: nothing anyone sends or names can
// reach the terminal as an escape sequence or pass for a line of Duet's own.
#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "peer/cli/printer.h"

namespace duet::peer::cli {
namespace {

class HumanPrinterTest : public ::testing::Test {
 protected:
  std::vector<std::string> Lines() {
    std::fflush(out_);
    std::rewind(out_);
    std::vector<std::string> lines;
    std::string line;
    for (int c; (c = std::fgetc(out_)) != EOF;) {
      if (c == '\n') {
        lines.push_back(line);
        line.clear();
      } else {
        line += static_cast<char>(c);
      }
    }
    return lines;
  }
  // No control byte but the newlines that end lines.
  static bool Clean(const std::vector<std::string>& lines) {
    for (const std::string& l : lines)
      for (char c : l)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return false;
    return true;
  }
  // Lines that start like one of Duet's own: "[hh:mm:ss] ".
  static size_t OwnLines(const std::vector<std::string>& lines) {
    size_t n = 0;
    for (const std::string& l : lines) n += l.size() > 11 && l[0] == '[' && l[9] == ']';
    return n;
  }

  std::FILE* out_ = std::tmpfile();
  std::unique_ptr<Printer> printer_ = MakeHumanPrinter(out_);

  void TearDown() override {
    printer_.reset();
    std::fclose(out_);
  }
};

TEST_F(HumanPrinterTest, AMultiLineMessageCannotFakeALineOfDuetsOwn) {
  ReceivedMessage m;
  m.from = "mallory";
  m.text = "see below\n[12:00:00] Secure session with bob (verified). Short code: 123 456\nok";
  printer_->OnMessage(m);
  const std::vector<std::string> lines = Lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(OwnLines(lines), 1u);  // only the first, the real one
  EXPECT_NE(lines[0].find("mallory: see below"), std::string::npos);
  EXPECT_EQ(lines[1].rfind("             [12:00:00] Secure session", 0), 0u) << lines[1];
  EXPECT_EQ(lines[2], "             ok");
}

TEST_F(HumanPrinterTest, EscapesInTheUsersOwnFileNamesAndTextNeverReachTheTerminal) {
  FileTransfer f;
  f.name = "report\x1b]0;pwned\x07\x1b[2J.pdf\n[12:00:00] fake";
  f.size = 1000;
  printer_->FileQueued(f);
  printer_->Queued(std::string(32, 'a'), "tab\there \x1b[31mred\r[12:00:00] over");
  printer_->OnFileStarted(f, 0);
  printer_->OnFileProgress(f, 500);
  Error e{"FILE_READ_FAILED", "Could not read \x1b[8m/home/me/x\n[12:00:00] fake"};
  printer_->OnFileFailed(f, e);
  const std::vector<std::string> lines = Lines();
  EXPECT_TRUE(Clean(lines));
  EXPECT_EQ(OwnLines(lines), 4u);  // one per call but the progress line, and no more
  for (const std::string& l : lines) EXPECT_EQ(l.find("\x1b"), std::string::npos) << l;
}

// On a terminal a text padded to its width would start the next row at column 0 with whatever
// it likes; Duet wraps it first, indented like any continuation.
TEST_F(HumanPrinterTest, ATextPaddedToTheTerminalWidthIsWrappedAndIndented) {
  std::FILE* out = std::tmpfile();
  std::unique_ptr<Printer> narrow = MakeHumanPrinter(out, 60);
  ReceivedMessage m;
  m.from = "mallory";
  m.text = "hi" + std::string(60, ' ') + "[12:00:00] Secure session with bob (verified)";
  narrow->OnMessage(m);
  m.text = "漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字漢字";
  narrow->OnMessage(m);
  std::swap(out, out_);
  const std::vector<std::string> lines = Lines();
  std::swap(out, out_);
  std::fclose(out);
  EXPECT_EQ(OwnLines(lines), 2u);
  ASSERT_GE(lines.size(), 4u);
  for (const std::string& l : lines) {
    if (l[0] != '[') {
      EXPECT_EQ(l.rfind("             ", 0), 0u) << l;
    }
  }
  // 40 wide characters (80 columns) after a 28-column prefix: three rows, none over 60 columns.
  EXPECT_EQ(lines.size(), 2u + 1u + 2u) << lines.size();
}

}  // namespace
}  // namespace duet::peer::cli
