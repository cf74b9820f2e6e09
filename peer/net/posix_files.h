// The real disk behind file transfers (peer/core/file_io.h) on POSIX: files to send, and the
// download folder with its NAME.part files.
//
// The download folder is opened once and everything in it is reached relative to that handle
// (openat, renameat2), never by a path built from the peer's name, never following a symlink,
// never replacing a file: a part is created with O_EXCL, mode 0600, and given its final name
// with RENAME_NOREPLACE (so received files are 0600 too). Each part created is recorded in the
// part ledger (peer/core/part_ledger.h: transfer id, path, device, inode); a later run resumes a
// part only when the file at the recorded path is still that very file. Nothing found in the
// folder by name alone is ever adopted.
//
// Not thread-safe; used by the thread that drives the Session.
#pragma once

#include <memory>
#include <string>

#include "peer/core/file_io.h"
#include "peer/core/part_ledger.h"
#include "peer/core/send_queue.h"
#include "peer/core/transfers.h"

namespace duet::peer {

struct FileToSend {
  std::unique_ptr<FileSource> source;
  std::string name;  // the base name
  uint64_t size = 0;
  FileOrigin origin;  // its absolute path and modification time when it was opened
};

// Checks that `path` is a regular file and notes which one (device, inode, size, time). It is
// opened again only while it is read, and hashed as its chunks are sent. FILE_NOT_FOUND,
// FILE_NOT_REGULAR, FILE_READ_FAILED.
Result<FileToSend> OpenFileToSend(const std::string& path);

// A folder to send whole: its regular files and empty folders, with their paths in it, in name
// order. Symbolic links are never followed (a link to a file or a folder is skipped), nor is
// anything that is not a regular file or a folder, or whose name is not UTF-8, or that lies
// deeper than wire::app::kMaxFolderDepth; each is named in `skipped` with the reason.
struct FolderToSend {
  std::string name;  // the folder's base name
  std::vector<Transfers::FolderEntry> entries;
  std::vector<std::string> skipped;  // "PATH: why", for the user
};
// FILE_NOT_FOUND. The walk stops past wire::app::kMaxFolderEntries entries (which
// Transfers::SendFolder refuses).
Result<FolderToSend> OpenFolderToSend(const std::string& path);

// Opens a file queued in an earlier run again, if it still has the size and modification time
// it had when it was queued. QUEUED_FILE_CHANGED, QUEUED_FILE_MISSING.
Result<std::unique_ptr<FileSource>> ReopenFileToSend(const QueuedFile& file);

// FILE_WRITE_FAILED when the folder cannot be created or opened. `ledger` (the store in the
// peer's home) must outlive the folder and every part it opens.
Result<std::unique_ptr<DownloadFolder>> OpenDownloadFolder(const std::string& path,
                                                           PartLedgerStore& ledger);

}  // namespace duet::peer
