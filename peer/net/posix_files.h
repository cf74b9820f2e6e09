// The real disk behind file transfers (peer/core/file_io.h) on POSIX: files to send, and the
// download folder with its NAME.part files.
//
// The download folder is opened once and everything in it is reached relative to that handle
// (openat, renameat2), never by a path built from the peer's name, never following a symlink,
// never replacing a file: a part is created with O_EXCL and given its final name with
// RENAME_NOREPLACE. Beside each NAME.part lies NAME.part.id (the transfer id in hex), so that a
// later run resumes the part when the same transfer is offered again.
//
// Not thread-safe; used by the thread that drives the Session (hashing in OpenFileToSend runs
// wherever it is called).
#pragma once

#include <memory>
#include <string>

#include "crypto/sha256.h"
#include "peer/core/file_io.h"
#include "peer/core/send_queue.h"

namespace duet::peer {

struct FileToSend {
  std::unique_ptr<FileSource> source;
  std::string name;  // the base name
  uint64_t size = 0;
  crypto::Digest256 sha256{};
  FileOrigin origin;  // its absolute path and modification time when it was hashed
};

// Opens a regular file and hashes it (reads it once). FILE_NOT_FOUND, FILE_NOT_REGULAR,
// FILE_READ_FAILED.
Result<FileToSend> OpenFileToSend(const std::string& path);

// Opens a file queued in an earlier run again, if it still has the size and modification time
// it had when it was hashed (it is not hashed again). QUEUED_FILE_CHANGED, QUEUED_FILE_MISSING.
Result<std::unique_ptr<FileSource>> ReopenFileToSend(const QueuedFile& file);

// FILE_WRITE_FAILED when the folder cannot be created or opened.
Result<std::unique_ptr<DownloadFolder>> OpenDownloadFolder(const std::string& path);

}  // namespace duet::peer
