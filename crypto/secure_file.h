// Files that hold keys and pins: written atomically with mode 0600, read with a size cap.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "wire/result.h"

namespace duet::crypto {

// Writes `data` to a new temp file in the same folder (created 0600), fsyncs it, renames it over
// `path` and fsyncs the folder: readers see the old file or the new one, never a mix.
// Creates the folder (0700) if missing. FILE_WRITE_FAILED.
// kSynced also waits for the disk (fsync of the file and its folder): a key or a pin must
// survive a power cut. kAtomicOnly gives the same all-or-nothing view to readers, for a record
// that is rewritten many times a second and whose loss in a crash is harmless.
enum class Durability { kSynced, kAtomicOnly };
Status WriteFileAtomically(const std::filesystem::path& path, std::string_view data,
                           Durability durability = Durability::kSynced);

// Reads a whole file of at most `max_bytes`. FILE_NOT_FOUND, FILE_READ_FAILED, FILE_TOO_LARGE.
Result<std::string> ReadSmallFile(const std::filesystem::path& path, size_t max_bytes);

// The same for a file only its owner may touch (a key, the pins): opened without following a
// symbolic link, then checked on the open descriptor (no race with a swap after a check):
// a regular file, owned by this user, and (when `private_mode`) not readable or writable by
// group or others. FILE_UNSAFE (a link, not a regular file, or another user's) and
// FILE_PERMISSIONS (group or others may read or write it), each naming the file and what to do;
// else as ReadSmallFile.
Result<std::string> ReadOwnFile(const std::filesystem::path& path, size_t max_bytes,
                                bool private_mode);

}  // namespace duet::crypto
