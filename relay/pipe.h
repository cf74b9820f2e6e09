// Kernel pipes for splice(2): the body of a large DATA frame goes socket -> pipe -> socket and
// is never copied through the relay's memory.
//
// A pipe costs two file descriptors, so pipes exist only while bytes are being spliced: the
// receiving connection takes one from the pool when a partner's frame starts flowing into it
// and gives it back as soon as the pipe is empty. The pool keeps a few for the next frame and
// closes them once bulk traffic stops (Trim), so an idle relay holds no pipe. It lends at most
// kMaxInUse pipes, and none for a while after the system refused one (out of descriptors):
// frames are then copied as before. Single-threaded, like the server that owns it.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <memory>
#include <vector>

namespace duet::relay {

class Pipe {
 public:
  Pipe(int rd, int wr) : rd_(rd), wr_(wr) {}
  ~Pipe();
  Pipe(const Pipe&) = delete;
  Pipe& operator=(const Pipe&) = delete;

  // Moves up to `max` bytes from the (non-blocking) socket `fd` into the pipe: the count,
  // 0 at the end of the stream, or -1 with errno (EAGAIN: the socket is empty or the pipe full).
  ssize_t FillFrom(int fd, size_t max);
  // Moves what the pipe holds into the (non-blocking) socket `fd`: the count, or -1 with errno
  // (EAGAIN: the socket takes no more now).
  ssize_t DrainTo(int fd);
  size_t size() const { return len_; }
  bool empty() const { return len_ == 0; }

 private:
  int rd_;
  int wr_;
  size_t len_ = 0;  // bytes in the pipe
};

class PipePool {
 public:
  static constexpr size_t kMaxInUse = 256;
  static constexpr size_t kKeep = 4;
  static constexpr int kPipeBytes = 256 * 1024;

  PipePool() = default;
  PipePool(const PipePool&) = delete;
  PipePool& operator=(const PipePool&) = delete;

  // An empty pipe, or null when none may or can be had now.
  std::unique_ptr<Pipe> Acquire();
  // Takes a pipe back: an empty one is kept for reuse (up to kKeep), one holding bytes (a
  // connection closed mid-frame) is closed, so no byte ever reaches another stream.
  void Release(std::unique_ptr<Pipe> pipe);
  // Called periodically: closes the kept pipes if none was lent since the last call, and lets
  // the pool try to create pipes again after a refusal.
  void Trim();
  size_t in_use() const { return in_use_; }
  size_t kept() const { return free_.size(); }

 private:
  std::vector<std::unique_ptr<Pipe>> free_;
  size_t in_use_ = 0;
  bool lent_since_trim_ = false;
  bool refused_ = false;  // pipe2 failed: no new pipes until the next Trim
};

}  // namespace duet::relay
