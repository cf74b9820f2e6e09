#include "tests/support/process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include <utility>

namespace duet::testing {

using Clock = std::chrono::steady_clock;

std::string BinDir() { return DUET_BIN_DIR; }

Process::Process(std::vector<std::string> argv, std::vector<std::string> env) {
  int in[2], out[2];
  if (pipe2(in, O_CLOEXEC) != 0 || pipe2(out, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe failed");
  }
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(in[0], 0);
    dup2(out[1], 1);
    dup2(out[1], 2);
    for (const std::string& e : env) putenv(const_cast<char*>(e.c_str()));
    std::vector<char*> args;
    for (std::string& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  close(in[0]);
  close(out[1]);
  stdin_fd_ = in[1];
  stdout_fd_ = out[0];
  // A test that closes the child's stdin must not die of SIGPIPE when writing afterwards.
  signal(SIGPIPE, SIG_IGN);
}

Process::~Process() {
  if (!exit_code_) {
    kill(pid_, SIGKILL);
    int status = 0;
    waitpid(pid_, &status, 0);
  }
  if (stdin_fd_ >= 0) close(stdin_fd_);
  if (stdout_fd_ >= 0) close(stdout_fd_);
}

bool Process::ReadSome(std::chrono::milliseconds timeout) {
  if (eof_) return false;
  pollfd p{stdout_fd_, POLLIN, 0};
  int r = poll(&p, 1, static_cast<int>(std::max<int64_t>(0, timeout.count())));
  if (r <= 0) return true;
  char buf[65536];
  ssize_t n = read(stdout_fd_, buf, sizeof(buf));
  if (n <= 0) {
    if (n < 0 && errno == EINTR) return true;
    eof_ = true;
    if (!partial_.empty()) lines_.push_back(std::exchange(partial_, {}));
    return false;
  }
  partial_.append(buf, static_cast<size_t>(n));
  size_t pos;
  while ((pos = partial_.find('\n')) != std::string::npos) {
    lines_.push_back(partial_.substr(0, pos));
    partial_.erase(0, pos + 1);
  }
  return true;
}

std::optional<std::string> Process::WaitForLine(const std::string& needle,
                                                std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  size_t checked = 0;
  for (;;) {
    for (; checked < lines_.size(); ++checked) {
      if (lines_[checked].find(needle) != std::string::npos) return lines_[checked];
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || !ReadSome(left)) {
      for (; checked < lines_.size(); ++checked) {
        if (lines_[checked].find(needle) != std::string::npos) return lines_[checked];
      }
      return std::nullopt;
    }
  }
}

bool Process::WaitForCount(const std::string& needle, size_t count,
                           std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    if (Count(needle) >= count) return true;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || !ReadSome(left)) return Count(needle) >= count;
  }
}

void Process::Drain(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0 || !ReadSome(left)) return;
  }
}

void Process::WriteLine(const std::string& line) {
  std::string data = line + "\n";
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = write(stdin_fd_, p, left);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) continue;
      return;
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

void Process::CloseStdin() {
  if (stdin_fd_ >= 0) close(stdin_fd_);
  stdin_fd_ = -1;
}

void Process::Signal(int sig) { kill(pid_, sig); }

std::optional<int> Process::Wait(std::chrono::milliseconds timeout) {
  if (exit_code_) return exit_code_;
  const auto deadline = Clock::now() + timeout;
  // A pidfd becomes readable when the child exits: wait on it and on the output together.
  int pidfd = static_cast<int>(syscall(SYS_pidfd_open, pid_, 0));
  for (;;) {
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      if (pidfd >= 0) close(pidfd);
      Drain(std::chrono::milliseconds(200));
      return exit_code_;
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) break;
    pollfd fds[2] = {{eof_ ? -1 : stdout_fd_, POLLIN, 0}, {pidfd, POLLIN, 0}};
    poll(fds, 2, static_cast<int>(left.count()));
    if (fds[0].revents != 0) ReadSome(std::chrono::milliseconds(0));
  }
  if (pidfd >= 0) close(pidfd);
  return std::nullopt;
}

std::string Process::Transcript() const {
  std::string out;
  for (const std::string& l : lines_) out += l + "\n";
  return out + partial_;
}

size_t Process::Count(const std::string& needle) const {
  size_t n = 0;
  for (const std::string& l : lines_) n += l.find(needle) != std::string::npos;
  return n;
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "duet-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

}  // namespace duet::testing
