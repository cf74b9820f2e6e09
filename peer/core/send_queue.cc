#include "peer/core/send_queue.h"

#include <array>

#include "peer/core/text_records.h"
#include "wire/hex.h"
#include "wire/utf8.h"

namespace duet::peer {
namespace {

constexpr std::string_view kHeader = "# duet send queue v2\n";
constexpr int kFields = 6;

bool ParseFields(const std::string_view (&fields)[kFields], QueuedFile& f) {
  std::array<uint8_t, 32> fp{};
  const std::string_view peer = fields[3];
  if (!wire::FromHex(fields[0], f.id) || !ParseNumber(fields[1], f.size) ||
      !ParseNumber(fields[2], f.origin.mtime_ns) || (peer != "-" && !wire::FromHex(peer, fp)) ||
      !UnescapeField(fields[4], f.name) || !UnescapeField(fields[5], f.origin.path)) {
    return false;
  }
  f.peer = peer == "-" ? "" : wire::ToHex(fp);
  return f.name.size() <= wire::app::kMaxFileNameBytes && wire::IsValidUtf8(f.name) &&
         f.origin.path[0] == '/';
}

bool ParseLine(std::string_view line, QueuedFile& f) {
  std::string_view fields[kFields];
  if (SplitFields(line, fields) && ParseFields(fields, f)) return true;
  // Version 1 lines had the file's SHA-256 after the id (files were hashed before they were
  // offered): the column is skipped, so a queue written before the upgrade is still sent.
  std::string_view v1[kFields + 1];
  std::array<uint8_t, 32> digest{};
  if (!SplitFields(line, v1) || !wire::FromHex(v1[1], digest)) return false;
  const std::string_view rest[kFields] = {v1[0], v1[2], v1[3], v1[4], v1[5], v1[6]};
  return ParseFields(rest, f);
}

}  // namespace

Result<std::vector<QueuedFile>> ParseSendQueue(std::string_view text) {
  std::vector<QueuedFile> files;
  const size_t bad = ForEachRecord(text, [&](std::string_view line) {
    QueuedFile f;
    if (!ParseLine(line, f)) return false;
    files.push_back(std::move(f));
    return true;
  });
  if (bad != 0) {
    return Error{"SEND_QUEUE_DAMAGED", "Line " + std::to_string(bad) +
                                           " of the queue of files to send is damaged; the queue "
                                           "was not resumed. Send those files again."};
  }
  return files;
}

std::string FormatSendQueue(const std::vector<QueuedFile>& files) {
  std::string out(kHeader);
  for (const QueuedFile& f : files) {
    out += wire::ToHex(f.id) + " " + std::to_string(f.size) + " " +
           std::to_string(f.origin.mtime_ns) + " " + (f.peer.empty() ? "-" : f.peer) + " " +
           EscapeField(f.name) + " " + EscapeField(f.origin.path) + "\n";
  }
  return out;
}

}  // namespace duet::peer
