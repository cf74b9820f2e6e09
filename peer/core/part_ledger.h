// The part ledger: which NAME.part files Duet itself created, so that only those are ever
// resumed. A part is adopted on resume only when the file at the recorded path is the very file
// Duet created (same device and inode), never because a file with the right name, or a side
// file with the right id, lies in the download folder: a peer can send files with any name, and
// other programs (browsers) leave their own NAME.part files in download folders.
//
// The ledger lives in the peer's home (beside the identity, the pins and the send queue); the
// store is injected (PartLedgerStore): peer/net/posix_part_ledger keeps it in a file written
// atomically with mode 0600, tests use memory. PartLedger reads the store before each change,
// so two runs sharing a home lose at most each other's last record (a part then is not resumed:
// the offer is asked again, and nothing foreign is adopted).
//
// Not thread-safe; the thread that drives the Session uses it (through the download folder).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "wire/app_protocol.h"
#include "wire/result.h"

namespace duet::peer {

// One part Duet created. `path` is absolute; `dev`, `ino` and `btime_ns` (its birth time, 0 where
// the file system does not tell it) are those of the file created: an inode number alone can be
// given to the next file created after the part is deleted.
struct PartRecord {
  wire::app::Id id{};  // the transfer it belongs to
  uint64_t dev = 0;
  uint64_t ino = 0;
  uint64_t btime_ns = 0;
  std::string path;
};

// The file's text: a "# duet part ledger v1" line, then "<id 32 hex> <dev> <ino> <btime_ns>
// <path>" per part, oldest first; path bytes at or below 0x20, 0x7f and '%' written as %XX. Pure.
// PART_LEDGER_DAMAGED names the first bad line.
Result<std::vector<PartRecord>> ParsePartLedger(std::string_view text);
std::string FormatPartLedger(const std::vector<PartRecord>& parts);

class PartLedgerStore {
 public:
  virtual ~PartLedgerStore() = default;
  // What is recorded (nothing when there is no file yet). PART_LEDGER_DAMAGED, FILE_READ_FAILED.
  virtual Result<std::vector<PartRecord>> Load() = 0;
  // Replaces the records, atomically. FILE_WRITE_FAILED.
  virtual Status Save(const std::vector<PartRecord>& parts) = 0;
};

// The records over a store, bounded: at most kMaxParts, the oldest dropped first (its part is
// then simply not resumed). A store that cannot be read counts as empty: nothing is adopted.
class PartLedger {
 public:
  static constexpr size_t kMaxParts = 1000;

  // `store` must outlive the ledger.
  explicit PartLedger(PartLedgerStore& store) : store_(store) {}

  // The record of transfer `id`, if any.
  std::optional<PartRecord> Find(const wire::app::Id& id);
  // Records a part just created, replacing any record of the same id or path.
  Status Record(PartRecord part);
  // Forgets the part of `id` (it was given its final name, or deleted). No-op when absent.
  Status Forget(const wire::app::Id& id);

 private:
  std::vector<PartRecord> Load();
  PartLedgerStore& store_;
};

}  // namespace duet::peer
