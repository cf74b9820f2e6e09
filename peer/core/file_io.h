// Disk access for file transfers, brought into the sans-I/O core through three small
// interfaces. peer/net/posix_files implements them on a real folder; unit tests use memory.
//
// None of them is thread-safe: the thread that drives the Session uses them.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "wire/app_protocol.h"
#include "wire/result.h"

namespace duet::peer {

// A file being sent. It is read in order, but after a reconnect from an earlier offset again.
class FileSource {
 public:
  virtual ~FileSource() = default;
  // Fills `out` from `offset` on; returns the bytes read, fewer only at the end of the file.
  // FILE_READ_FAILED when the file cannot be read (or shrank).
  virtual Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) = 0;
  // Whether the file was modified since it was opened (its size or modification time differ):
  // the bytes read before and after would not be one version of it. Asked before FILE_DONE.
  virtual bool Changed() = 0;
  // Lets go of the open file (a file descriptor) until the next ReadAt, which opens it again
  // and fails with FILE_CHANGED_WHILE_SENT if what is there now is another file or another
  // version. A queue of thousands of files holds a descriptor only for the one being read.
  virtual void Close() = 0;
};

// FILE_CHANGED_WHILE_SENT: `name` was written to while it was sent (or while it waited).
Error ChangedWhileSent(std::string_view name);

// `NAME.part` in the download folder: the bytes received so far, in order.
class PartFile {
 public:
  virtual ~PartFile() = default;
  // Bytes held: the offset a transfer resumes from.
  virtual uint64_t size() const = 0;
  // Re-reads held bytes (to hash them again when a part from an earlier run is resumed).
  virtual Result<size_t> ReadAt(uint64_t offset, std::span<uint8_t> out) = 0;
  // FILE_NO_SPACE (the disk, a quota or the file-size limit is full), FILE_WRITE_FAILED
  // (folder gone, I/O error...). Bytes written before the failure stay in the part.
  virtual Status Append(wire::ByteView data) = 0;
  // Gives the part its final name: the safe name, or a numbered one ("a (1).txt") when that is
  // taken. Never replaces an existing file. Returns the final path.
  virtual Result<std::string> Commit() = 0;
  // Deletes the part (a failed integrity check, a cancel or a decline after a resume).
  virtual void Remove() = 0;
  // Lets go of the open file (a file descriptor) until the part is used again: ReadAt and Append
  // open it again, and fail (FILE_WRITE_FAILED) if what is there now is not the same file.
  // Commit and Remove work either way. Transfers keeps only a few parts open at a time.
  virtual void Close() = 0;
};

// The folder files are saved into. Nothing is ever written outside it.
class DownloadFolder {
 public:
  virtual ~DownloadFolder() = default;
  // `id` is the key the transfers code keeps a part under (the transfer id bound to its offer:
  // size, checksum, name; see PartKey in transfer_in.cc), never a name or a side file.
  // The part of transfer `id`: the one Duet created for it in a previous session or run, if it
  // is still that very file (its size is where the transfer resumes), else a new empty part
  // under a free name derived from `safe_name` (a name SafeFileName already cleaned). A file
  // Duet did not create for `id` is never adopted, whatever its name. FILE_WRITE_FAILED when the
  // folder is unusable.
  virtual Result<std::unique_ptr<PartFile>> OpenPart(std::string_view safe_name,
                                                     const wire::app::Id& id) = 0;
  // Whether a part Duet created for transfer `id` (one OpenPart would resume) is there: the
  // user accepted this transfer in an earlier session or run. Creates nothing.
  virtual bool HasPart(std::string_view safe_name, const wire::app::Id& id) = 0;
  // --- folders sent whole (PROTOCOL.md 4.2) ---
  // The folder a received folder is saved in: `safe_name` created in this folder now (or
  // "NAME (1)", "NAME (2)"... when taken), or the one created for `key` in an earlier run if it is
  // still that very folder. It records itself like a part until ForgetFolder. The folder
  // returned takes paths: its OpenPart's `safe_name` is the file's path in it (names cleaned by
  // SafeFileName, '/' between them), and the folders on the way are created (never following a
  // symlink). FILE_WRITE_FAILED.
  virtual Result<std::unique_ptr<DownloadFolder>> OpenFolder(std::string_view safe_name,
                                                             const wire::app::Id& key) = 0;
  // Whether the folder created for `key` in an earlier run is still there. Creates nothing.
  virtual bool HasFolder(const wire::app::Id& key) = 0;
  // Creates the folder at `safe_path` in this one, and those on the way: an empty folder of a
  // folder sent whole. One that exists already is fine. FILE_WRITE_FAILED.
  virtual Status MakeFolder(std::string_view safe_path) = 0;
  // The folder of `key` is complete or ended: its record goes (the folder stays).
  virtual void ForgetFolder(const wire::app::Id& key) = 0;
  // Bytes free for this user in the folder's file system; nullopt when unknown.
  virtual std::optional<uint64_t> FreeBytes() = 0;
  // The folder, for messages.
  virtual const std::string& path() const = 0;
};

// A name from the peer reduced to a safe base name: no folder parts, no control, escape, bidi
// or invalid UTF-8 characters (each becomes '_'), no leading dots or spaces, no trailing dots
// or spaces, at most 200 bytes (cut on a character boundary). Never empty ("file").
std::string SafeFileName(std::string_view peer_name);
// A FOLDER_FILE path (wire::app::IsValidFolderPath) with each name reduced by SafeFileName;
// the final '/' of an empty folder is kept.
std::string SafeFolderPath(std::string_view path);

}  // namespace duet::peer
