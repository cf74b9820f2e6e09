// The download folder on POSIX (peer/net/posix_files.h): NAME.part files, the part ledger, the
// final names.
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <optional>
#include <utility>

#include "peer/net/posix_fd.h"
#include "peer/net/posix_files.h"
#include "wire/app_protocol.h"

namespace duet::peer {
namespace {

using posix::Fd;
using posix::PreadAll;
using posix::SysError;

constexpr int kMaxNumbered = 10'000;
// A part is written back to disk and dropped from the page cache in steps of this size, so a
// large file streams through a few MiB of cache instead of filling gigabytes of it. Filling
// fresh page cache is the most expensive thing a receiver does (in a VM whose free memory is
// handed back to the host, each new page is a fault on the host as well): 1 GiB costs ~1.5 s of
// CPU that way against ~0.15 s when the same few pages are reused.
constexpr uint64_t kWriteBehind = 8 << 20;

// "name", "name (1)", "name (2)"... with the number before the extension: "a (1).txt".
std::string Numbered(const std::string& name, int k) {
  if (k == 0) return name;
  const std::string tag = " (" + std::to_string(k) + ")";
  size_t dot = name.rfind('.');
  if (dot == std::string::npos || dot == 0) return name + tag;
  return name.substr(0, dot) + tag + name.substr(dot);
}

bool Exists(int dir, const std::string& name) {
  struct stat st {};
  return ::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0 || errno != ENOENT;
}

// The file `fd` as the part ledger knows it: device, inode and birth time (0 when unknown).
// nullopt unless it is a regular file (a folder with `folder`).
std::optional<PartRecord> Identify(int fd, bool folder = false) {
  struct stat st {};
  if (::fstat(fd, &st) != 0 || (folder ? !S_ISDIR(st.st_mode) : !S_ISREG(st.st_mode))) {
    return std::nullopt;
  }
  PartRecord r;
  r.dev = static_cast<uint64_t>(st.st_dev);
  r.ino = static_cast<uint64_t>(st.st_ino);
  struct statx sx {};
  if (::statx(fd, "", AT_EMPTY_PATH, STATX_BTIME, &sx) == 0 && (sx.stx_mask & STATX_BTIME)) {
    r.btime_ns = static_cast<uint64_t>(sx.stx_btime.tv_sec) * 1'000'000'000 + sx.stx_btime.tv_nsec;
  }
  return r;
}

// A write that failed because the disk (or the file-size limit) is full.
bool NoSpace(int err) { return err == ENOSPC || err == EFBIG || err == EDQUOT; }

Error WriteError(const std::string& name) {
  const bool full = NoSpace(errno);
  return SysError(full ? "FILE_NO_SPACE" : "FILE_WRITE_FAILED", "Could not write " + name);
}

class PosixPartFile : public PartFile {
 public:
  // `self`: the file `fd` is (device, inode, birth time), checked when it is opened again.
  // `recorded`: the ledger has it already (a part adopted from an earlier run).
  PosixPartFile(std::shared_ptr<Fd> dir, std::string dir_path, std::string base, Fd fd,
                uint64_t size, std::shared_ptr<PartLedger> ledger, PartRecord self, bool recorded)
      : dir_(std::move(dir)),
        dir_path_(std::move(dir_path)),
        base_(std::move(base)),
        fd_(std::move(fd)),
        size_(size),
        ledger_(std::move(ledger)),
        self_(std::move(self)),
        recorded_(recorded) {}
  // A part left unfinished (the program ends) is recorded, so the next run resumes it.
  ~PosixPartFile() override { RecordUnfinished(); }

  uint64_t size() const override { return size_; }

  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) override {
    if (Status st = Reopen(); !st) return st.error();
    return PreadAll(fd_.get(), offset, out, part_name());
  }

  Status Append(wire::ByteView data) override {
    if (Status st = Reopen(); !st) return st;
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::pwrite(fd_.get(), data.data() + done, data.size() - done,
                           static_cast<off_t>(size_ + done));
      if (n < 0 && errno == EINTR) continue;
      if (n == 0) errno = ENOSPC;
      if (n <= 0) return WriteError(part_name());
      done += static_cast<size_t>(n);
    }
    size_ += done;
    if (!recorded_ && !record_failed_ && size_ >= kRecordFrom) Record();
    return WriteBehind();
  }

  Result<std::string> Commit() override {
    // The name still holds the file that was written (not one put there meanwhile)?
    if (Status st = Reopen(); !st) return st.error();
    if (Status st = NameHoldsSelf(); !st) return st.error();
    fd_ = Fd();
    for (int k = 0; k < kMaxNumbered; ++k) {
      const std::string final_name = Numbered(base_, k);
      if (::renameat2(dir_->get(), part_name().c_str(), dir_->get(), final_name.c_str(),
                      RENAME_NOREPLACE) == 0) {
        // A record left behind (the home cannot be written) names a path that is gone: it
        // is dropped the next time it is looked up.
        if (std::exchange(recorded_, false)) (void)ledger_->Forget(self_.id);
        ended_ = true;
        return dir_path_ + "/" + final_name;
      }
      if (errno != EEXIST) break;
    }
    return SysError("FILE_WRITE_FAILED", "Could not give " + part_name() + " its final name");
  }

  void Remove() override {
    // Only the file this part is: a file put in its place is not Duet's to delete.
    if (Reopen() && NameHoldsSelf()) ::unlinkat(dir_->get(), part_name().c_str(), 0);
    fd_ = Fd();
    if (std::exchange(recorded_, false)) (void)ledger_->Forget(self_.id);  // as in Commit
    ended_ = true;
  }

  void Close() override {
    RecordUnfinished();  // it waits for a later session, maybe a later run
    fd_ = Fd();
  }

 private:
  // After Close: the part again, if it is still the file this object created or adopted.
  Status Reopen() {
    if (fd_.ok()) return Ok();
    Fd fd(::openat(dir_->get(), part_name().c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    std::optional<PartRecord> now = fd.ok() ? Identify(fd.get()) : std::nullopt;
    if (!now || now->dev != self_.dev || now->ino != self_.ino || now->btime_ns != self_.btime_ns) {
      return Error{"FILE_WRITE_FAILED", part_name() + " in " + dir_path_ +
                                            " was moved or replaced while it was received; the "
                                            "transfer stopped. Ask the sender to send it again."};
    }
    fd_ = std::move(fd);
    return Ok();
  }

  // Whether NAME.part is still the file open as fd_ (another program may have put a file in
  // its place while it was open). While fd_ is open its inode cannot be given to another file,
  // so device and inode tell. A swap between this check and the rename or unlink that follows
  // remains possible for a program that can write the folder.
  Status NameHoldsSelf() const {
    struct stat by_name {
    }, open{};
    if (::fstatat(dir_->get(), part_name().c_str(), &by_name, AT_SYMLINK_NOFOLLOW) == 0 &&
        ::fstat(fd_.get(), &open) == 0 && by_name.st_dev == open.st_dev &&
        by_name.st_ino == open.st_ino) {
      return Ok();
    }
    return Error{"FILE_WRITE_FAILED", part_name() + " in " + dir_path_ +
                                          " was moved or replaced while it was received; the "
                                          "transfer stopped. Ask the sender to send it again."};
  }

  std::string part_name() const { return base_ + ".part"; }

  // Starts writing back each full step as soon as it is written, then waits for the step before
  // it (normally on disk by then) and drops it from the cache. A disk error found on the way is
  // a failed write; a file system without sync_file_range just keeps the usual caching.
  Status WriteBehind() {
    while (write_behind_ && size_ - started_ >= kWriteBehind) {
      if (::sync_file_range(fd_.get(), static_cast<off_t>(started_), kWriteBehind,
                            SYNC_FILE_RANGE_WRITE) != 0) {
        return WriteBehindFailed();
      }
      started_ += kWriteBehind;
      if (started_ - dropped_ < 2 * kWriteBehind) continue;
      const uint64_t len = started_ - kWriteBehind - dropped_;
      if (::sync_file_range(fd_.get(), static_cast<off_t>(dropped_), static_cast<off_t>(len),
                            SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE |
                                SYNC_FILE_RANGE_WAIT_AFTER) != 0) {
        return WriteBehindFailed();
      }
      ::posix_fadvise(fd_.get(), static_cast<off_t>(dropped_), static_cast<off_t>(len),
                      POSIX_FADV_DONTNEED);
      dropped_ += len;
    }
    return Ok();
  }

  Status WriteBehindFailed() {
    if (errno == EIO || NoSpace(errno)) return WriteError(part_name());
    write_behind_ = false;
    return Ok();
  }

  std::shared_ptr<Fd> dir_;
  std::string dir_path_;
  std::string base_;  // the name the part was created under (maybe numbered)
  Fd fd_;
  uint64_t size_;
  std::shared_ptr<PartLedger> ledger_;  // shared with the folder: a part may outlive it
  PartRecord self_;
  bool recorded_;               // the ledger names this part
  bool record_failed_ = false;  // the home could not be written: not tried again per chunk
  bool ended_ = false;          // given its name or deleted: nothing to record

  // The ledger is written for a part only once it is worth resuming: when it holds
  // kRecordFrom bytes, or when it is left unfinished (closed, or the program ends). A folder of
  // small files, each received in one go, never rewrites it (each rewrite creates a file, and
  // thousands of those a minute cost the file system more than the files themselves). A small
  // part caught by a crash is received again from the start.
  static constexpr uint64_t kRecordFrom = 1 << 20;
  // By the first acknowledgement a part is on record: a receiver killed after it resumes.
  static_assert(kRecordFrom <= wire::app::kFileAckBytes);
  void Record() {
    // Not recorded (the home cannot be written): the transfer goes on; only a later run
    // would not resume it.
    recorded_ = ledger_->Record(self_).ok();
    record_failed_ = !recorded_;
  }
  void RecordUnfinished() {
    if (!recorded_ && !ended_ && size_ > 0) Record();
  }
  bool write_behind_ = true;
  uint64_t started_ = size_;  // writeback started for [.., started_)
  uint64_t dropped_ = size_;  // on disk and out of the cache: [.., dropped_)
};

// Splits "a/b/c" into "a/b" and "c" ("" and "c" for "c").
std::pair<std::string_view, std::string_view> SplitLast(std::string_view path) {
  const size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return {"", path};
  return {path.substr(0, slash), path.substr(slash + 1)};
}

class PosixDownloadFolder : public DownloadFolder {
 public:
  PosixDownloadFolder(Fd dir, std::string path, PartLedgerStore& ledger)
      : dir_(std::make_shared<Fd>(std::move(dir))),
        path_(std::move(path)),
        ledger_(std::make_shared<PartLedger>(ledger)) {}
  // The folder of a received folder: its parts may lie in folders below it.
  PosixDownloadFolder(Fd dir, std::string path, std::shared_ptr<PartLedger> ledger)
      : dir_(std::make_shared<Fd>(std::move(dir))),
        path_(std::move(path)),
        ledger_(std::move(ledger)),
        tree_(true) {}

  Result<std::unique_ptr<PartFile>> OpenPart(std::string_view safe_name,
                                             const wire::app::Id& id) override {
    if (std::unique_ptr<PartFile> part = Adopt(id)) return part;
    const auto [dirs, base] = SplitLast(safe_name);
    if (dirs.empty()) return CreatePart(dir_, path_, std::string(base), id);
    if (!tree_) return Error{"FILE_WRITE_FAILED", "A file name holds a folder."};
    Result<std::shared_ptr<Fd>> dir = Walk(dirs, true);
    if (!dir) return dir.error();
    return CreatePart(*dir, path_ + "/" + std::string(dirs), std::string(base), id);
  }

  Result<std::unique_ptr<DownloadFolder>> OpenFolder(std::string_view safe_name,
                                                     const wire::app::Id& key) override {
    if (std::unique_ptr<DownloadFolder> found = AdoptFolder(key)) return found;
    for (int k = 0; k < kMaxNumbered; ++k) {
      const std::string name =
          k == 0 ? std::string(safe_name) : std::string(safe_name) + " (" + std::to_string(k) + ")";
      if (::mkdirat(dir_->get(), name.c_str(), 0700) != 0) {
        if (errno == EEXIST) continue;
        return SysError("FILE_WRITE_FAILED", "Could not create the folder " + name + " in " + path_);
      }
      Fd fd(::openat(dir_->get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      std::optional<PartRecord> created = fd.ok() ? Identify(fd.get(), true) : std::nullopt;
      if (!created) {
        return SysError("FILE_WRITE_FAILED", "Could not open the folder " + name + " in " + path_);
      }
      created->id = key;
      created->path = path_ + "/" + name;
      // On record at once: a receiver restarted mid-folder goes on in this folder. Not recorded
      // (the home cannot be written), the folder is only not taken again after a restart.
      (void)ledger_->Record(*created);
      return std::unique_ptr<DownloadFolder>(
          new PosixDownloadFolder(std::move(fd), created->path, ledger_));
    }
    return Error{"FILE_WRITE_FAILED",
                 "There are too many folders named like " + std::string(safe_name) + " in " +
                     path_ + "."};
  }

  bool HasFolder(const wire::app::Id& key) override { return AdoptFolder(key) != nullptr; }

  Status MakeFolder(std::string_view safe_path) override {
    if (safe_path.ends_with('/')) safe_path.remove_suffix(1);
    if (!tree_) return Error{"FILE_WRITE_FAILED", "A folder outside a received folder."};
    Result<std::shared_ptr<Fd>> dir = Walk(safe_path, true);
    if (!dir) return dir.error();
    return Ok();
  }

  void ForgetFolder(const wire::app::Id& key) override { (void)ledger_->Forget(key); }

  bool HasPart(std::string_view, const wire::app::Id& id) override { return Adopt(id) != nullptr; }

  std::optional<uint64_t> FreeBytes() override {
    struct statvfs vfs {};
    if (::fstatvfs(dir_->get(), &vfs) != 0) return std::nullopt;
    return static_cast<uint64_t>(vfs.f_bavail) * vfs.f_frsize;
  }

  const std::string& path() const override { return path_; }

 private:
  // The part the ledger records for `id`, if it lies in this folder and is still the file Duet
  // created (same device and inode, a regular file, not a symlink); else null, and a record
  // whose file in this folder is gone or another file is forgotten (that file is not touched).
  std::unique_ptr<PartFile> Adopt(const wire::app::Id& id) {
    std::optional<PartRecord> rec = ledger_->Find(id);
    const std::string prefix = path_ + "/";
    if (!rec || rec->path.compare(0, prefix.size(), prefix) != 0) return nullptr;
    const auto [dirs, name] = SplitLast(std::string_view(rec->path).substr(prefix.size()));
    const std::string part(name);
    constexpr std::string_view kSuffix = ".part";
    if ((!dirs.empty() && !tree_) || part.size() <= kSuffix.size() || !part.ends_with(kSuffix)) {
      return nullptr;
    }
    std::shared_ptr<Fd> dir = dir_;
    if (!dirs.empty()) {
      Result<std::shared_ptr<Fd>> below = Walk(dirs, false);
      if (!below) return nullptr;
      dir = *below;
    }
    const std::string dir_path = dirs.empty() ? path_ : prefix + std::string(dirs);
    Fd fd(::openat(dir->get(), part.c_str(), O_RDWR | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC));
    std::optional<PartRecord> found = fd.ok() ? Identify(fd.get()) : std::nullopt;
    struct stat st {};
    if (!found || found->dev != rec->dev || found->ino != rec->ino ||
        found->btime_ns != rec->btime_ns || ::fstat(fd.get(), &st) != 0) {
      (void)ledger_->Forget(id);  // a record that cannot be dropped still never matches
      return nullptr;
    }
    return std::make_unique<PosixPartFile>(
        dir, dir_path, part.substr(0, part.size() - kSuffix.size()), std::move(fd),
        static_cast<uint64_t>(st.st_size), ledger_, std::move(*rec), true);
  }

  // The folder the ledger records for `key`, if it lies in this folder (directly) and is still
  // the folder Duet created; else null, and a stale record is forgotten.
  std::unique_ptr<DownloadFolder> AdoptFolder(const wire::app::Id& key) {
    std::optional<PartRecord> rec = ledger_->Find(key);
    const std::string prefix = path_ + "/";
    if (!rec || rec->path.compare(0, prefix.size(), prefix) != 0) return nullptr;
    const std::string name = rec->path.substr(prefix.size());
    if (name.empty() || name.find('/') != std::string::npos) return nullptr;
    Fd fd(::openat(dir_->get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    std::optional<PartRecord> found = fd.ok() ? Identify(fd.get(), true) : std::nullopt;
    if (!found || found->dev != rec->dev || found->ino != rec->ino ||
        found->btime_ns != rec->btime_ns) {
      (void)ledger_->Forget(key);
      return nullptr;
    }
    return std::unique_ptr<DownloadFolder>(
        new PosixDownloadFolder(std::move(fd), rec->path, ledger_));
  }

  // The folder at `dirs` ("a/b") below this one, each step opened without following a symlink
  // (and, with `create`, made when missing, mode 0700). FILE_WRITE_FAILED when a step is not a
  // folder.
  Result<std::shared_ptr<Fd>> Walk(std::string_view dirs, bool create) {
    std::shared_ptr<Fd> at = dir_;
    for (size_t start = 0; start <= dirs.size();) {
      const size_t slash = std::min(dirs.find('/', start), dirs.size());
      const std::string name(dirs.substr(start, slash - start));
      start = slash + 1;
      if (name.empty() || name == "." || name == "..") {
        return Error{"FILE_WRITE_FAILED", "A folder name in a received folder is not allowed."};
      }
      if (create && ::mkdirat(at->get(), name.c_str(), 0700) != 0 && errno != EEXIST) {
        return SysError("FILE_WRITE_FAILED", "Could not create the folder " + name + " in " + path_);
      }
      Fd next(::openat(at->get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!next.ok()) {
        return SysError("FILE_WRITE_FAILED",
                        "Could not open the folder " + name + " in " + path_ +
                            " (a file or a link holds its name)");
      }
      at = std::make_shared<Fd>(std::move(next));
    }
    return at;
  }

  // A new empty NAME.part (mode 0600) under the first name free as itself and as a part; the
  // part records itself in the ledger once it is worth resuming (PosixPartFile::Record).
  Result<std::unique_ptr<PartFile>> CreatePart(const std::shared_ptr<Fd>& dir,
                                                const std::string& dir_path,
                                                const std::string& name, const wire::app::Id& id) {
    for (int k = 0; k < kMaxNumbered; ++k) {
      const std::string base = Numbered(name, k);
      const std::string part = base + ".part";
      if (Exists(dir->get(), base) || Exists(dir->get(), part)) continue;
      Fd fd(::openat(dir->get(), part.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                     0600));
      if (!fd.ok() && errno == EEXIST) continue;
      std::optional<PartRecord> created = fd.ok() ? Identify(fd.get()) : std::nullopt;
      if (!created) {
        Error e = SysError("FILE_WRITE_FAILED", "Could not create " + part + " in " + dir_path);
        if (fd.ok()) ::unlinkat(dir->get(), part.c_str(), 0);
        return e;
      }
      created->id = id;
      created->path = dir_path + "/" + part;
      return std::unique_ptr<PartFile>(new PosixPartFile(dir, dir_path, base, std::move(fd), 0,
                                                         ledger_, std::move(*created), false));
    }
    return Error{"FILE_WRITE_FAILED",
                 "There are too many files named like " + name + " in " + dir_path + "."};
  }

  std::shared_ptr<Fd> dir_;
  std::string path_;                    // absolute
  std::shared_ptr<PartLedger> ledger_;  // over a store that outlives the folder and its parts
  bool tree_ = false;                   // a received folder: parts may lie in folders below
};
}  // namespace

Result<std::unique_ptr<DownloadFolder>> OpenDownloadFolder(const std::string& path,
                                                           PartLedgerStore& ledger) {
  std::error_code ec;
  std::filesystem::create_directories(path, ec);
  Fd dir(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!dir.ok()) {
    return SysError("FILE_WRITE_FAILED", "Could not open the download folder " + path);
  }
  const std::string absolute = std::filesystem::absolute(path, ec).lexically_normal().string();
  std::string clean = absolute.size() > 1 && absolute.ends_with('/')
                          ? absolute.substr(0, absolute.size() - 1)
                          : absolute;
  return std::unique_ptr<DownloadFolder>(
      new PosixDownloadFolder(std::move(dir), std::move(clean), ledger));
}
}  // namespace duet::peer
