#include "peer/net/posix_part_ledger.h"

#include "crypto/secure_file.h"

namespace duet::peer {
namespace {

// 1000 records of a 4 KiB path each, with room to spare.
constexpr size_t kMaxLedgerFileBytes = 8u << 20;

class PosixPartLedger : public PartLedgerStore {
 public:
  explicit PosixPartLedger(std::filesystem::path path) : path_(std::move(path)) {}

  Result<std::vector<PartRecord>> Load() override {
    Result<std::string> text = crypto::ReadSmallFile(path_, kMaxLedgerFileBytes);
    if (!text) {
      if (text.error().code == "FILE_NOT_FOUND") return std::vector<PartRecord>();
      return text.error();
    }
    return ParsePartLedger(*text);
  }

  Status Save(const std::vector<PartRecord>& parts) override {
    std::error_code ec;
    if (parts.empty() && !std::filesystem::exists(path_, ec)) return Ok();
    // Rewritten twice per file received (a folder of small files: many times a second), so not
    // synced: a record lost in a crash leaves a part that is received again from the start
    // (never one adopted wrongly), and a stale one names a file (device, inode, birth time)
    // that is not there any more.
    return crypto::WriteFileAtomically(path_, FormatPartLedger(parts),
                                       crypto::Durability::kAtomicOnly);
  }

 private:
  std::filesystem::path path_;
};

}  // namespace

std::unique_ptr<PartLedgerStore> OpenPartLedger(std::filesystem::path path) {
  return std::make_unique<PosixPartLedger>(std::move(path));
}

}  // namespace duet::peer
