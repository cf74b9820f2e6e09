#include "peer/net/posix_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <vector>

#include "peer/net/posix_fd.h"

namespace duet::peer {
namespace {

using posix::Fd;
using posix::PreadAll;
using posix::SysError;

int64_t MtimeNs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

class PosixFileSource : public FileSource {
 public:
  // `opened`: the file's stat when it was opened (or queued, for a file reopened after a restart).
  PosixFileSource(Fd fd, std::string name, const struct stat& opened)
      : fd_(std::move(fd)), name_(std::move(name)), size_(opened.st_size),
        mtime_ns_(MtimeNs(opened)) {}
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) override {
    return PreadAll(fd_.get(), offset, out, name_);
  }
  bool Changed() override {
    struct stat st {};
    return ::fstat(fd_.get(), &st) != 0 || st.st_size != size_ || MtimeNs(st) != mtime_ns_;
  }

 private:
  Fd fd_;
  std::string name_;
  off_t size_;
  int64_t mtime_ns_;
};
}  // namespace

Result<FileToSend> OpenFileToSend(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.ok()) {
    return SysError(errno == ENOENT ? "FILE_NOT_FOUND" : "FILE_READ_FAILED",
                    "Could not open " + path);
  }
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Error{"FILE_NOT_REGULAR", path + " is not a regular file; only files can be sent."};
  }
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  FileToSend f;
  f.name = std::filesystem::path(path).filename().string();
  f.size = static_cast<uint64_t>(st.st_size);
  f.origin = FileOrigin{std::filesystem::absolute(path).lexically_normal().string(), MtimeNs(st)};
  f.source = std::make_unique<PosixFileSource>(std::move(fd), f.name, st);
  return f;
}
Result<std::unique_ptr<FileSource>> ReopenFileToSend(const QueuedFile& file) {
  const std::string& path = file.origin.path;
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  struct stat st {};
  if (!fd.ok() || ::fstat(fd.get(), &st) != 0) {
    return Error{"QUEUED_FILE_MISSING", path +
                                            " is gone since it was queued in an earlier run, "
                                            "so it was not sent. Send it again if you find it."};
  }
  if (!S_ISREG(st.st_mode) || static_cast<uint64_t>(st.st_size) != file.size ||
      MtimeNs(st) != file.origin.mtime_ns) {
    return Error{"QUEUED_FILE_CHANGED",
                 path +
                     " changed since it was queued in an earlier run, so it was not sent "
                     "(the peer holds part of the old one). Send it again."};
  }
  ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<FileSource>(new PosixFileSource(std::move(fd), file.name, st));
}
}  // namespace duet::peer
