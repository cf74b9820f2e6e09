#include "peer/cli/line_reader.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <utility>

namespace duet::peer::cli {

LineReader::LineReader(int fd) : fd_(fd) {
  int wake[2];
  if (::pipe2(wake, O_CLOEXEC | O_NONBLOCK) == 0) {
    wake_read_ = wake[0];
    wake_write_ = wake[1];
  }
}

LineReader::~LineReader() {
  if (wake_read_ >= 0) ::close(wake_read_);
  if (wake_write_ >= 0) ::close(wake_write_);
}

void LineReader::Stop() {
  if (stopped_.exchange(true) || wake_write_ < 0) return;
  const char byte = 1;
  // The pipe is empty and non-blocking: this write cannot block, and one byte is enough.
  [[maybe_unused]] ssize_t n = ::write(wake_write_, &byte, 1);
}

std::optional<std::string> LineReader::Next() {
  for (;;) {
    if (stopped_.load()) return std::nullopt;
    // A whole line already read: hand it out before waiting for more.
    if (size_t nl = buffered_.find('\n'); nl != std::string::npos) {
      std::string line = buffered_.substr(0, nl);
      buffered_.erase(0, nl + 1);
      return line;
    }
    if (at_end_) {
      if (buffered_.empty()) return std::nullopt;
      return std::exchange(buffered_, std::string());
    }
    // Wait for input or for Stop, whichever comes first.
    pollfd fds[2] = {{fd_, POLLIN, 0}, {wake_read_, POLLIN, 0}};
    const bool can_wake = wake_read_ >= 0;
    const int ready = ::poll(fds, can_wake ? 2 : 1, can_wake ? -1 : 100);
    if (ready == 0) continue;  // no wake-up pipe: look for Stop again
    if (ready < 0) {
      if (errno == EINTR) continue;
      at_end_ = true;
      continue;
    }
    if (can_wake && fds[1].revents != 0) continue;  // Stop was called
    char chunk[4096];
    ssize_t n = ::read(fd_, chunk, sizeof(chunk));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) {
      at_end_ = true;  // end of input, or an error that reads the same to the user
      continue;
    }
    buffered_.append(chunk, static_cast<size_t>(n));
  }
}

}  // namespace duet::peer::cli
