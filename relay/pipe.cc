#include "relay/pipe.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

namespace duet::relay {

Pipe::~Pipe() {
  ::close(rd_);
  ::close(wr_);
}

ssize_t Pipe::FillFrom(int fd, size_t max) {
  ssize_t n = ::splice(fd, nullptr, wr_, nullptr, max, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  if (n > 0) len_ += static_cast<size_t>(n);
  return n;
}

ssize_t Pipe::DrainTo(int fd) {
  ssize_t n = ::splice(rd_, nullptr, fd, nullptr, len_, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
  if (n > 0) len_ -= static_cast<size_t>(n);
  return n;
}

std::unique_ptr<Pipe> PipePool::Acquire() {
  if (in_use_ >= kMaxInUse) return nullptr;
  std::unique_ptr<Pipe> p;
  if (!free_.empty()) {
    p = std::move(free_.back());
    free_.pop_back();
  } else {
    if (refused_) return nullptr;
    int fds[2];
    if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) {
      refused_ = true;  // most likely out of descriptors: copy for a while
      return nullptr;
    }
    // A bigger pipe means fewer splice calls per frame; the default size is fine too, so a
    // refusal (the per-user pipe memory limit) is ignored.
    (void)::fcntl(fds[1], F_SETPIPE_SZ, kPipeBytes);
    p = std::make_unique<Pipe>(fds[0], fds[1]);
  }
  ++in_use_;
  lent_since_trim_ = true;
  return p;
}

void PipePool::Release(std::unique_ptr<Pipe> pipe) {
  if (!pipe) return;
  --in_use_;
  if (pipe->empty() && free_.size() < kKeep) free_.push_back(std::move(pipe));
}

void PipePool::Trim() {
  if (!lent_since_trim_) free_.clear();
  lent_since_trim_ = false;
  refused_ = false;
}

}  // namespace duet::relay
