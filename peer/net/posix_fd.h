// What peer/net/posix_files.cc and posix_download_folder.cc share: an owned file descriptor and
// reading and error helpers. Internal to peer/net.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <utility>

#include "wire/result.h"

namespace duet::peer::posix {

// An owned file descriptor.
class Fd {
 public:
  explicit Fd(int fd = -1) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(Fd&& o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
  Fd& operator=(Fd&& o) noexcept {
    std::swap(fd_, o.fd_);
    return *this;
  }
  int get() const { return fd_; }
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_;
};

inline Error SysError(const char* code, const std::string& what) {
  return Error{code, what + " (" + std::strerror(errno) + ")."};
}

// Reads until `out` is full or the file ends.
inline Result<size_t> PreadAll(int fd, uint64_t offset, std::span<uint8_t> out,
                               const std::string& name) {
  size_t done = 0;
  while (done < out.size()) {
    ssize_t n =
        ::pread(fd, out.data() + done, out.size() - done, static_cast<off_t>(offset + done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return SysError("FILE_READ_FAILED", "Could not read " + name);
    if (n == 0) break;
    done += static_cast<size_t>(n);
  }
  return done;
}

}  // namespace duet::peer::posix
