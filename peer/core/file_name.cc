#include <cstdint>

#include "peer/core/file_io.h"
#include "peer/core/sanitize.h"
#include "wire/utf8.h"

namespace duet::peer {
namespace {

constexpr size_t kMaxSafeNameBytes = 200;  // room for " (9999).part.id" within NAME_MAX
constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // what SanitizeLine puts in

}  // namespace

Error ChangedWhileSent(std::string_view name) {
  return Error{"FILE_CHANGED_WHILE_SENT",
               std::string(name) +
                   " was modified while it was sent, so the peer would get a mix of two "
                   "versions; the transfer was cancelled and the peer discarded what arrived. "
                   "Send it again once it is no longer being written."};
}

std::string SafeFileName(std::string_view peer_name) {
  // One printable line first; then every replacement character becomes '_'.
  std::string line = SanitizeLine(peer_name);
  std::string name;
  for (size_t i = 0; i < line.size();) {
    if (line.compare(i, kReplacement.size(), kReplacement) == 0) {
      name += '_';
      i += kReplacement.size();
    } else {
      name += line[i++];
    }
  }
  // The base name: whatever follows the last separator of either convention.
  if (size_t slash = name.find_last_of("/\\"); slash != std::string::npos) {
    name = name.substr(slash + 1);
  }
  // No hidden files, no "..", no trailing dots or spaces (which some systems drop).
  size_t b = name.find_first_not_of(". ");
  name = b == std::string::npos ? "" : name.substr(b);
  size_t e = name.find_last_not_of(". ");
  name = e == std::string::npos ? "" : name.substr(0, e + 1);
  // Cut on a character boundary.
  if (name.size() > kMaxSafeNameBytes) {
    size_t cut = 0;
    for (size_t i = 0; i < name.size();) {
      uint32_t cp = 0;
      size_t n = wire::DecodeUtf8At(name, i, cp);
      if (n == 0 || i + n > kMaxSafeNameBytes) break;
      i += n;
      cut = i;
    }
    name.resize(cut);
  }
  return name.empty() ? "file" : name;
}

std::string SafeFolderPath(std::string_view path) {
  const bool folder = path.ends_with('/');
  if (folder) path.remove_suffix(1);
  std::string safe;
  for (size_t start = 0;;) {
    const size_t slash = path.find('/', start);
    if (!safe.empty()) safe += '/';
    safe += SafeFileName(path.substr(start, slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return folder ? safe + "/" : safe;
}

}  // namespace duet::peer
