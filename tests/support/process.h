// A child process for integration tests: real binaries, real pipes, no sleeps.
//
// Output (stdout and stderr merged) is read with poll() against a deadline; every line read is
// kept, so a test can wait for a line and later inspect the whole transcript.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace duet::testing {

using namespace std::chrono_literals;

// The folder with the built binaries (build/, or build-<sanitizer>/ for sanitized runs).
std::string BinDir();

class Process {
 public:
  // Starts argv[0] (a path) with `env` added to the environment ("NAME=value").
  explicit Process(std::vector<std::string> argv, std::vector<std::string> env = {});
  ~Process();  // kills (SIGKILL) and reaps the child if it still runs
  Process(const Process&) = delete;
  Process& operator=(const Process&) = delete;

  pid_t pid() const { return pid_; }

  // Waits until a line containing `needle` arrives (or was already read); returns it.
  std::optional<std::string> WaitForLine(const std::string& needle,
                                         std::chrono::milliseconds timeout = 20s);
  // Waits until `count` lines containing `needle` have arrived.
  bool WaitForCount(const std::string& needle, size_t count,
                    std::chrono::milliseconds timeout = 20s);
  // Reads whatever output is available within `timeout` (returns early at end of output).
  void Drain(std::chrono::milliseconds timeout);

  void WriteLine(const std::string& line);
  void CloseStdin();
  void Signal(int sig);

  // Waits for the exit; returns the exit code (128+N for signal N), or nullopt on timeout.
  // Output is read meanwhile so a chatty child cannot block on a full pipe.
  std::optional<int> Wait(std::chrono::milliseconds timeout = 20s);

  const std::vector<std::string>& lines() const { return lines_; }
  std::string Transcript() const;
  size_t Count(const std::string& needle) const;

 private:
  // Reads once (waiting at most `timeout`); false at end of output.
  bool ReadSome(std::chrono::milliseconds timeout);

  pid_t pid_ = -1;
  int stdin_fd_ = -1;
  int stdout_fd_ = -1;
  bool eof_ = false;
  std::optional<int> exit_code_;
  std::string partial_;
  std::vector<std::string> lines_;
};

// A temp folder removed at destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  const std::string& path() const { return path_; }
  std::string operator/(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

}  // namespace duet::testing
