#include "peer/net/posix_files.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>

#include "peer/net/posix_fd.h"
#include "wire/utf8.h"

namespace duet::peer {
namespace {

using posix::Fd;
using posix::PreadAll;
using posix::SysError;

int64_t MtimeNs(const struct stat& st) {
  return static_cast<int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
}

// A file to send, opened only while it is read: a queue of thousands of files (a folder) holds
// one descriptor, not one each. Each open checks that the path still names the same file
// (device, inode) with the same size and modification time it had when it was queued.
class PosixFileSource : public FileSource {
 public:
  PosixFileSource(std::string path, std::string name, const struct stat& queued)
      : path_(std::move(path)), name_(std::move(name)), dev_(queued.st_dev), ino_(queued.st_ino),
        size_(queued.st_size), mtime_ns_(MtimeNs(queued)) {}
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) override {
    if (!fd_.ok()) {
      // O_NONBLOCK: a FIFO put in the file's place must not hang the session's thread.
      Fd fd(::open(path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
      if (!fd.ok()) return SysError("FILE_READ_FAILED", "Could not open " + path_);
      struct stat st {};
      if (::fstat(fd.get(), &st) != 0 || !Same(st)) return ChangedWhileSent(name_);
      ::posix_fadvise(fd.get(), 0, 0, POSIX_FADV_SEQUENTIAL);
      fd_ = std::move(fd);
    }
    return PreadAll(fd_.get(), offset, out, name_);
  }
  bool Changed() override {
    struct stat st {};
    const int r = fd_.ok() ? ::fstat(fd_.get(), &st) : ::stat(path_.c_str(), &st);
    return r != 0 || !Same(st);
  }
  void Close() override { fd_ = Fd(); }

 private:
  bool Same(const struct stat& st) const {
    return st.st_dev == dev_ && st.st_ino == ino_ && st.st_size == size_ &&
           MtimeNs(st) == mtime_ns_;
  }

  std::string path_;
  std::string name_;
  dev_t dev_;
  ino_t ino_;
  off_t size_;
  int64_t mtime_ns_;
  Fd fd_;  // open while the file is read
};
// Adds what lies in the folder `dir` (its path in the folder sent: `rel`, "" at the top).
void WalkFolder(const std::string& dir, const std::string& rel, size_t depth, FolderToSend& out) {
  namespace fs = std::filesystem;
  std::error_code ec;
  std::vector<std::string> names;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    names.push_back(it->path().filename().string());
  }
  if (ec) {
    out.skipped.push_back((rel.empty() ? dir : rel) + ": could not be read (" + ec.message() + ")");
    return;
  }
  std::sort(names.begin(), names.end());
  if (names.empty() && !rel.empty()) out.entries.push_back({nullptr, rel + "/", 0});
  for (const std::string& name : names) {
    const std::string path = dir + "/" + name;
    const std::string in_folder = rel.empty() ? name : rel + "/" + name;
    struct stat st {};
    if (!wire::IsValidUtf8(in_folder) || in_folder.size() + 1 > wire::app::kMaxPathBytes) {
      out.skipped.push_back(in_folder + ": its name is not UTF-8 text or is too long");
    } else if (::lstat(path.c_str(), &st) != 0) {
      out.skipped.push_back(in_folder + ": could not be read");
    } else if (S_ISLNK(st.st_mode)) {
      out.skipped.push_back(in_folder + ": a symbolic link (links are not followed)");
    } else if (S_ISDIR(st.st_mode)) {
      if (depth + 1 >= wire::app::kMaxFolderDepth) {
        out.skipped.push_back(in_folder + ": more than " +
                              std::to_string(wire::app::kMaxFolderDepth) + " folders deep");
      } else {
        WalkFolder(path, in_folder, depth + 1, out);
      }
    } else if (S_ISREG(st.st_mode)) {
      out.entries.push_back({std::make_unique<PosixFileSource>(path, in_folder, st), in_folder,
                             static_cast<uint64_t>(st.st_size)});
    } else {
      out.skipped.push_back(in_folder + ": not a regular file");
    }
    // Past the cap SendFolder refuses it (FOLDER_TOO_LARGE): no need to look further.
    if (out.entries.size() > wire::app::kMaxFolderEntries) return;
  }
}

}  // namespace

Result<FolderToSend> OpenFolderToSend(const std::string& path) {
  namespace fs = std::filesystem;
  std::error_code ec;
  const fs::path top = fs::absolute(path, ec).lexically_normal();
  std::string dir = top.string();
  while (dir.size() > 1 && dir.ends_with('/')) dir.pop_back();
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Error{"FILE_NOT_FOUND", path + " is not a folder that can be read."};
  }
  FolderToSend f;
  f.name = fs::path(dir).filename().string();
  WalkFolder(dir, "", 0, f);
  return f;
}

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
  FileToSend f;
  f.name = std::filesystem::path(path).filename().string();
  f.size = static_cast<uint64_t>(st.st_size);
  f.origin = FileOrigin{std::filesystem::absolute(path).lexically_normal().string(), MtimeNs(st)};
  f.source = std::make_unique<PosixFileSource>(f.origin.path, f.name, st);
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
  return std::unique_ptr<FileSource>(new PosixFileSource(path, file.name, st));
}
}  // namespace duet::peer
