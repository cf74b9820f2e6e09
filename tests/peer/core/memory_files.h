// In-memory stand-ins for the disk (peer/core/file_io.h), for unit tests of the transfer logic.
#pragma once

#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "crypto/sha256.h"
#include "peer/core/file_io.h"
#include "peer/core/part_ledger.h"
#include "peer/core/send_queue.h"
#include "wire/hex.h"

namespace duet::peer::testing {

// A file to send. `tamper_at` (if set): someone edits the file right after the sender first read
// that offset. Later reads see the byte there flipped, and Changed() says the file changed.
// A test may also edit `data` itself between reads (the file changed, its time did not).
class MemorySource : public FileSource {
 public:
  explicit MemorySource(std::shared_ptr<const std::vector<uint8_t>> data, int64_t tamper_at = -1)
      : data_(std::move(data)), tamper_at_(tamper_at) {}
  Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) override {
    ++reads;
    if (offset >= data_->size()) return size_t{0};
    size_t n = std::min<size_t>(out.size(), data_->size() - offset);
    std::copy_n(data_->begin() + static_cast<std::ptrdiff_t>(offset), n, out.begin());
    read_end = std::max<uint64_t>(read_end, offset + n);
    if (tamper_at_ >= 0 && static_cast<uint64_t>(tamper_at_) >= offset &&
        static_cast<uint64_t>(tamper_at_) < offset + n) {
      if (edited_) out[static_cast<size_t>(tamper_at_ - static_cast<int64_t>(offset))] ^= 0x01;
      edited_ = true;
    }
    return n;
  }
  bool Changed() override { return edited_; }
  void Close() override {}
  int reads = 0;
  uint64_t read_end = 0;  // the furthest byte read so far

 private:
  std::shared_ptr<const std::vector<uint8_t>> data_;
  int64_t tamper_at_;
  bool edited_ = false;
};

// A download folder: final files and parts (with the id that made them) in maps. A received
// folder (OpenFolder) is a view on the same maps, its names prefixed with "NAME/".
class MemoryFolder : public DownloadFolder {
 public:
  struct Part {
    std::string id_hex;
    std::vector<uint8_t> bytes;
  };
  std::map<std::string, std::vector<uint8_t>> files;  // final name -> contents
  std::map<std::string, Part> parts;                  // base name -> part
  std::set<std::string> dirs;                         // folders made ("Album", "Album/empty")
  std::map<std::string, std::string> folder_records;  // folder key (hex) -> its folder
  bool disk_full = false;                             // every Append fails (FILE_WRITE_FAILED)
  std::optional<uint64_t> room;        // bytes Append may still write; then FILE_NO_SPACE
  std::optional<uint64_t> free_bytes;  // what FreeBytes says (unknown by default)

  MemoryFolder() = default;

  Result<std::unique_ptr<PartFile>> OpenPart(std::string_view safe_name,
                                             const wire::app::Id& id) override {
    MemoryFolder& root = Root();
    const std::string hex = wire::ToHex(id);
    const std::string name = prefix_ + std::string(safe_name);
    for (int k = 0;; ++k) {
      std::string base = k == 0 ? name : name + " (" + std::to_string(k) + ")";
      auto it = root.parts.find(base);
      if (it != root.parts.end() && it->second.id_hex == hex) {
        return std::unique_ptr<PartFile>(new MemoryPart(root, base));
      }
      if (it != root.parts.end() || root.files.count(base) != 0) continue;
      root.parts[base] = Part{hex, {}};
      return std::unique_ptr<PartFile>(new MemoryPart(root, base));
    }
  }
  std::optional<uint64_t> FreeBytes() override { return Root().free_bytes; }
  const std::string& path() const override { return path_; }

  bool HasPart(std::string_view safe_name, const wire::app::Id& id) override {
    const std::string hex = wire::ToHex(id);
    for (const auto& [base, part] : Root().parts) {
      if (part.id_hex == hex && base.rfind(prefix_ + std::string(safe_name), 0) == 0) return true;
    }
    return false;
  }

  Result<std::unique_ptr<DownloadFolder>> OpenFolder(std::string_view safe_name,
                                                     const wire::app::Id& key) override {
    MemoryFolder& root = Root();
    const std::string hex = wire::ToHex(key);
    if (HasFolder(key)) {
      return std::unique_ptr<DownloadFolder>(new MemoryFolder(root, root.folder_records[hex]));
    }
    for (int k = 0;; ++k) {
      const std::string name = prefix_ + std::string(safe_name) +
                               (k == 0 ? "" : " (" + std::to_string(k) + ")");
      if (root.dirs.count(name) != 0 || root.files.count(name) != 0) continue;
      root.dirs.insert(name);
      root.folder_records[hex] = name;
      return std::unique_ptr<DownloadFolder>(new MemoryFolder(root, name));
    }
  }
  bool HasFolder(const wire::app::Id& key) override {
    MemoryFolder& root = Root();
    auto it = root.folder_records.find(wire::ToHex(key));
    return it != root.folder_records.end() && root.dirs.count(it->second) != 0;
  }
  Status MakeFolder(std::string_view safe_path) override {
    std::string path = prefix_ + std::string(safe_path);
    if (path.ends_with('/')) path.pop_back();
    Root().dirs.insert(path);
    return Ok();
  }
  void ForgetFolder(const wire::app::Id& key) override {
    Root().folder_records.erase(wire::ToHex(key));
  }

 private:
  MemoryFolder(MemoryFolder& root, const std::string& name)
      : root_(&root), prefix_(name + "/"), path_("mem/" + name) {}
  MemoryFolder& Root() { return root_ != nullptr ? *root_ : *this; }

  MemoryFolder* root_ = nullptr;  // a received folder: the download folder it lies in
  std::string prefix_;
  std::string path_ = "mem";

  class MemoryPart : public PartFile {
   public:
    MemoryPart(MemoryFolder& folder, std::string base) : folder_(folder), base_(std::move(base)) {}
    uint64_t size() const override { return folder_.parts.at(base_).bytes.size(); }
    Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) override {
      const auto& b = folder_.parts.at(base_).bytes;
      size_t n = std::min<size_t>(out.size(), b.size() - offset);
      std::copy_n(b.begin() + static_cast<std::ptrdiff_t>(offset), n, out.begin());
      return n;
    }
    Status Append(wire::ByteView data) override {
      if (folder_.disk_full) {
        return Error{"FILE_WRITE_FAILED",
                     "Could not write " + base_ + " (No space left on device)."};
      }
      if (folder_.room && *folder_.room < data.size()) {
        return Error{"FILE_NO_SPACE", "Could not write " + base_ + " (No space left on device)."};
      }
      if (folder_.room) *folder_.room -= data.size();
      auto& b = folder_.parts.at(base_).bytes;
      b.insert(b.end(), data.begin(), data.end());
      return Ok();
    }
    Result<std::string> Commit() override {
      std::string name = base_;
      for (int k = 1; folder_.files.count(name) != 0; ++k)
        name = base_ + " (" + std::to_string(k) + ")";
      folder_.files[name] = std::move(folder_.parts.at(base_).bytes);
      folder_.parts.erase(base_);
      return "mem/" + name;
    }
    void Remove() override { folder_.parts.erase(base_); }
    void Close() override {}

   private:
    MemoryFolder& folder_;
    std::string base_;
  };
};

// The part ledger's store: the saved text, as a file would hold it.
class MemoryPartLedger : public PartLedgerStore {
 public:
  std::string text;  // "" = never saved
  int saves = 0;
  Result<std::vector<PartRecord>> Load() override {
    if (text.empty()) return std::vector<PartRecord>();
    return ParsePartLedger(text);
  }
  Status Save(const std::vector<PartRecord>& parts) override {
    ++saves;
    text = FormatPartLedger(parts);
    return Ok();
  }
};

// The send queue's store: the saved text (what a file would hold) and the files on "disk" by
// path. A path missing from `disk` has vanished; one in `changed` was modified since it was hashed.
class MemorySendQueue : public SendQueueStore {
 public:
  std::string text;  // "" = never saved
  std::map<std::string, std::shared_ptr<const std::vector<uint8_t>>> disk;
  std::set<std::string> changed;
  int saves = 0;

  Result<std::vector<QueuedFile>> Load() override {
    if (text.empty()) return std::vector<QueuedFile>();
    return ParseSendQueue(text);
  }
  Status Save(const std::vector<QueuedFile>& files) override {
    ++saves;
    text = FormatSendQueue(files);
    return Ok();
  }
  Result<std::unique_ptr<FileSource>> Reopen(const QueuedFile& f) override {
    auto it = disk.find(f.origin.path);
    if (it == disk.end()) return Error{"QUEUED_FILE_MISSING", f.origin.path + " is gone."};
    if (changed.count(f.origin.path) != 0) {
      return Error{"QUEUED_FILE_CHANGED", f.origin.path + " changed."};
    }
    return std::unique_ptr<FileSource>(new MemorySource(it->second));
  }
  std::vector<QueuedFile> files() const { return ParseSendQueue(text).value(); }
};

inline std::shared_ptr<std::vector<uint8_t>> PatternBytes(size_t n, uint32_t seed = 1) {
  auto v = std::make_shared<std::vector<uint8_t>>(n);
  uint32_t x = seed * 2654435761u + 1;
  for (auto& b : *v) {
    x ^= x << 13;
    x ^= x >> 17;
    x ^= x << 5;
    b = static_cast<uint8_t>(x);
  }
  return v;
}

inline crypto::Digest256 Sha256Of(const std::vector<uint8_t>& v) {
  crypto::Sha256 h;
  h.Update(v);
  return h.Finish();
}

}  // namespace duet::peer::testing
