#include "peer/core/send_queue.h"

#include <array>

#include "peer/core/text_records.h"
#include "wire/hex.h"
#include "wire/utf8.h"

namespace duet::peer {
namespace {

constexpr std::string_view kHeader = "# duet send queue v1\n";
constexpr int kFields = 7;

bool ParseLine(std::string_view line, QueuedFile& f) {
  std::string_view fields[kFields];
  if (!SplitFields(line, fields)) return false;
  std::array<uint8_t, 32> fp{};
  const std::string_view peer = fields[4];
  if (!wire::FromHex(fields[0], f.id) || !wire::FromHex(fields[1], f.sha256) ||
      !ParseNumber(fields[2], f.size) || !ParseNumber(fields[3], f.origin.mtime_ns) ||
      (peer != "-" && !wire::FromHex(peer, fp)) || !UnescapeField(fields[5], f.name) ||
      !UnescapeField(fields[6], f.origin.path)) {
    return false;
  }
  f.peer = peer == "-" ? "" : wire::ToHex(fp);
  return f.name.size() <= wire::app::kMaxFileNameBytes && wire::IsValidUtf8(f.name) &&
         f.origin.path[0] == '/';
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
    out += wire::ToHex(f.id) + " " + wire::ToHex(f.sha256) + " " + std::to_string(f.size) + " " +
           std::to_string(f.origin.mtime_ns) + " " + (f.peer.empty() ? "-" : f.peer) + " " +
           EscapeField(f.name) + " " + EscapeField(f.origin.path) + "\n";
  }
  return out;
}

}  // namespace duet::peer
