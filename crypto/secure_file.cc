#include "crypto/secure_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "crypto/random.h"

namespace duet::crypto {
namespace {

Error WriteError(const std::filesystem::path& path, int err) {
  return Error{"FILE_WRITE_FAILED", "Could not write " + path.string() + " (" + std::strerror(err) +
                                        "). Check that the folder exists and is writable."};
}

}  // namespace

Status WriteFileAtomically(const std::filesystem::path& path, std::string_view data,
                           Durability durability) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) {
    std::filesystem::create_directories(dir, ec);
    if (ec) return WriteError(dir, ec.value());
    ::chmod(dir.c_str(), 0700);
  }
  uint8_t rnd[8];
  RandomBytes(rnd);
  std::string suffix;
  for (uint8_t b : rnd) suffix += "0123456789abcdef"[b & 0xf];
  const std::filesystem::path tmp = path.string() + ".tmp-" + suffix;

  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return WriteError(tmp, errno);
  ::fchmod(fd, 0600);  // whatever the umask says
  const char* p = data.data();
  size_t left = data.size();
  while (left > 0) {
    ssize_t n = ::write(fd, p, left);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      int err = errno;
      ::close(fd);
      ::unlink(tmp.c_str());
      return WriteError(path, err);
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
  const bool synced = durability == Durability::kSynced;
  if ((synced && ::fsync(fd) != 0) || ::close(fd) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return WriteError(path, err);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    int err = errno;
    ::unlink(tmp.c_str());
    return WriteError(path, err);
  }
  if (!synced) return Ok();
  int dfd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dfd >= 0) {
    ::fsync(dfd);
    ::close(dfd);
  }
  return Ok();
}

namespace {

Error ReadError(const std::filesystem::path& path, int err) {
  if (err == ENOENT) return Error{"FILE_NOT_FOUND", path.string() + " does not exist."};
  return Error{"FILE_READ_FAILED",
               "Could not read " + path.string() + " (" + std::strerror(err) + ")."};
}

// Reads what is left of `fd` (which it closes), at most `max_bytes`.
Result<std::string> ReadAll(int fd, const std::filesystem::path& path, size_t max_bytes) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      int err = errno;
      ::close(fd);
      return ReadError(path, err);
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
    if (out.size() > max_bytes) {
      ::close(fd);
      return Error{"FILE_TOO_LARGE", path.string() + " is larger than any Duet file should be."};
    }
  }
  ::close(fd);
  return out;
}

}  // namespace

Result<std::string> ReadSmallFile(const std::filesystem::path& path, size_t max_bytes) {
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return ReadError(path, errno);
  return ReadAll(fd, path, max_bytes);
}

Result<std::string> ReadOwnFile(const std::filesystem::path& path, size_t max_bytes,
                                bool private_mode) {
  // O_NONBLOCK: a FIFO planted in its place must not block the open.
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
  if (fd < 0 && errno == ELOOP) {
    return Error{"FILE_UNSAFE", path.string() +
                                    " is a symbolic link. Duet reads this file only as a plain "
                                    "file: put the real file there (or remove the link)."};
  }
  if (fd < 0) return ReadError(path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return ReadError(path, err);
  }
  if (!S_ISREG(st.st_mode) || st.st_uid != ::geteuid()) {
    ::close(fd);
    return Error{
        "FILE_UNSAFE",
        path.string() +
            (S_ISREG(st.st_mode) ? " belongs to another user." : " is not a regular file.") +
            " Duet uses it only when it is a plain file you own: move it away."};
  }
  if (private_mode && (st.st_mode & 077) != 0) {
    ::close(fd);
    return Error{"FILE_PERMISSIONS", path.string() +
                                         " can be read or changed by other users of this "
                                         "machine. Run `chmod 600 " +
                                         path.string() + "` and start Duet again."};
  }
  return ReadAll(fd, path, max_bytes);
}

}  // namespace duet::crypto
