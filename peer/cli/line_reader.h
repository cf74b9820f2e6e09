// Lines of standard input for the terminal client, read from the file descriptor with poll(2)
// and read(2) rather than through stdio, so that the session's end can stop a reader that waits
// for input and join it.
//
// Why not std::getline(std::cin): a thread blocked there holds stdin's FILE lock, and glibc 2.41
// (Debian 13) takes every FILE's lock in exit() to flush it. After a fatal error (relay
// unreachable, room full) with stdin still open, the client printed `closed` and then hung in
// exit() instead of leaving with its exit code.
//
// Nothing else may read the descriptor through a buffer (stdio, iostreams) before or while this
// reader runs: bytes already taken into such a buffer would never reach it.
#pragma once

#include <atomic>
#include <optional>
#include <string>

namespace duet::peer::cli {

// Thread-safety: Next on one thread at a time; Stop on any thread, any number of times.
// Lifetime: the descriptor is not owned and must outlive the reader.
class LineReader {
 public:
  // Reads `fd`. Should the pipe that wakes a waiting Next not be made (no descriptor left), Next
  // looks for Stop every 100 ms instead.
  explicit LineReader(int fd);
  ~LineReader();
  LineReader(const LineReader&) = delete;
  LineReader& operator=(const LineReader&) = delete;

  // The next line without its '\n' (a last line without one counts too). nullopt at end of
  // input, on a read error, or once Stop was called (stopped() says which).
  std::optional<std::string> Next();
  // Ends a waiting Next, and every later one, with nullopt.
  void Stop();
  bool stopped() const { return stopped_.load(); }

 private:
  const int fd_;
  int wake_read_ = -1;
  int wake_write_ = -1;
  std::atomic<bool> stopped_{false};
  std::string buffered_;  // bytes read past the last line returned
  bool at_end_ = false;
};

}  // namespace duet::peer::cli
