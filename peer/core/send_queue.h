// The outgoing queue that survives a restart: each queued file is remembered in the peer's home
// (beside the identity and the pins) until the peer saved it, declined it, or either side
// cancelled it. On the next start the next secure session with the same peer (same fingerprint)
// offers it again under the same transfer id, and the receiver resumes from its part.
//
// A remembered file is sent again only if it is still the file that was queued: same size and
// same modification time. Otherwise it is dropped with QUEUED_FILE_CHANGED or
// QUEUED_FILE_MISSING, rather than resumed with other bytes than the part it continues.
//
// Sans I/O: the store (SendQueueStore) is injected; peer/net/posix_send_queue implements it on
// a file, tests use memory. Not thread-safe; the Session's thread uses it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "peer/core/file_io.h"
#include "wire/app_protocol.h"
#include "wire/result.h"

namespace duet::peer {

// Where a file to send lives on this machine, as it was when it was hashed. An empty path means
// "not on disk" (a file the queue cannot reopen after a restart: it is not remembered).
struct FileOrigin {
  std::string path;  // absolute
  int64_t mtime_ns = 0;
};

struct QueuedFile {
  wire::app::Id id{};  // the transfer id (random, chosen when the file was queued)
  std::string name;    // the name offered
  uint64_t size = 0;
  FileOrigin origin;
  std::string peer;  // fingerprint (64 hex) of the peer it is meant for; "" until first offered
};

// The file's text: a "# duet send queue v2" line, then one line per file:
// "<id 32 hex> <size> <mtime_ns> <peer 64 hex or -> <name> <path>", where bytes of name and path
// at or below 0x20, 0x7f and '%' are written as %XX (version 1 lines, with the SHA-256 after the
// id, are read too). Pure, so it can be tested on its own. SEND_QUEUE_DAMAGED names the first
// bad line.
Result<std::vector<QueuedFile>> ParseSendQueue(std::string_view text);
std::string FormatSendQueue(const std::vector<QueuedFile>& files);

class SendQueueStore {
 public:
  virtual ~SendQueueStore() = default;
  // What was remembered (nothing when there is no file yet). SEND_QUEUE_DAMAGED,
  // FILE_READ_FAILED.
  virtual Result<std::vector<QueuedFile>> Load() = 0;
  // Replaces what is remembered, atomically (readers see the old list or the new one).
  // FILE_WRITE_FAILED.
  virtual Status Save(const std::vector<QueuedFile>& files) = 0;
  // Opens the file again to send it, if it is still the one queued (same size and modification
  // time). QUEUED_FILE_CHANGED, QUEUED_FILE_MISSING.
  virtual Result<std::unique_ptr<FileSource>> Reopen(const QueuedFile& file) = 0;
};

}  // namespace duet::peer
