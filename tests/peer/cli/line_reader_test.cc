// The terminal client's stdin lines (peer/cli/line_reader.h), over a pipe.
#include "peer/cli/line_reader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <string>
#include <thread>

namespace duet::peer::cli {
namespace {

class LineReaderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_EQ(::pipe(fds_), 0); }
  void TearDown() override {
    ::close(fds_[0]);
    if (fds_[1] >= 0) ::close(fds_[1]);
  }
  void Write(const std::string& s) {
    ASSERT_EQ(::write(fds_[1], s.data(), s.size()), static_cast<ssize_t>(s.size()));
  }
  void CloseWriter() {
    ::close(fds_[1]);
    fds_[1] = -1;
  }
  int fds_[2] = {-1, -1};
};

TEST_F(LineReaderTest, GivesLinesAsWrittenAndALastLineWithoutNewline) {
  LineReader reader(fds_[0]);
  Write("first\nsec");
  Write("ond\n\nlast");
  CloseWriter();
  EXPECT_EQ(reader.Next(), "first");
  EXPECT_EQ(reader.Next(), "second");
  EXPECT_EQ(reader.Next(), "");
  EXPECT_EQ(reader.Next(), "last");
  EXPECT_EQ(reader.Next(), std::nullopt);
  EXPECT_FALSE(reader.stopped());
}

// What lets the client exit after a fatal error while stdin stays open: a reader waiting for a
// line that never comes is ended by Stop from another thread, and stays ended.
TEST_F(LineReaderTest, StopEndsAWaitingReaderWhileInputStaysOpen) {
  LineReader reader(fds_[0]);
  std::optional<std::string> got = "not yet";
  std::thread waiting([&] { got = reader.Next(); });
  reader.Stop();
  waiting.join();
  EXPECT_EQ(got, std::nullopt);
  EXPECT_TRUE(reader.stopped());
  Write("too late\n");
  EXPECT_EQ(reader.Next(), std::nullopt);
}

}  // namespace
}  // namespace duet::peer::cli
