#include "peer/core/send_queue.h"

#include <array>
#include <charconv>

#include "wire/hex.h"
#include "wire/utf8.h"

namespace duet::peer {
namespace {

constexpr std::string_view kHeader = "# duet send queue v1\n";
constexpr int kFields = 7;

// Spaces separate fields, so they are escaped along with control bytes and '%'.
std::string Escape(std::string_view s) {
  static constexpr char kDigits[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (c > 0x20 && c != 0x7f && c != '%') {
      out += static_cast<char>(c);
      continue;
    }
    out += '%';
    out += kDigits[c >> 4];
    out += kDigits[c & 0xf];
  }
  return out;
}

bool Unescape(std::string_view s, std::string& out) {
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    const int hi = i + 2 < s.size() ? wire::HexDigitValue(s[i + 1]) : -1;
    const int lo = i + 2 < s.size() ? wire::HexDigitValue(s[i + 2]) : -1;
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi << 4 | lo);
    i += 2;
  }
  return !out.empty();
}

template <typename T>
bool ParseNumber(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

bool ParseLine(std::string_view line, QueuedFile& f) {
  std::string_view fields[kFields];
  for (int i = 0; i < kFields; ++i) {
    const size_t space = line.find(' ');
    if ((space == std::string_view::npos) != (i == kFields - 1)) return false;
    fields[i] = line.substr(0, space);
    line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  }
  std::array<uint8_t, 32> fp{};
  const std::string_view peer = fields[4];
  if (!wire::FromHex(fields[0], f.id) || !wire::FromHex(fields[1], f.sha256) ||
      !ParseNumber(fields[2], f.size) || !ParseNumber(fields[3], f.origin.mtime_ns) ||
      (peer != "-" && !wire::FromHex(peer, fp)) || !Unescape(fields[5], f.name) ||
      !Unescape(fields[6], f.origin.path)) {
    return false;
  }
  f.peer = peer == "-" ? "" : wire::ToHex(fp);
  return f.name.size() <= wire::app::kMaxFileNameBytes && wire::IsValidUtf8(f.name) &&
         f.origin.path[0] == '/';
}

}  // namespace

Result<std::vector<QueuedFile>> ParseSendQueue(std::string_view text) {
  std::vector<QueuedFile> files;
  for (size_t line_no = 1; !text.empty(); ++line_no) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line[0] == '#') continue;
    QueuedFile f;
    if (!ParseLine(line, f)) {
      return Error{"SEND_QUEUE_DAMAGED",
                   "Line " + std::to_string(line_no) +
                       " of the queue of files to send is damaged; the queue was not resumed. "
                       "Send those files again."};
    }
    files.push_back(std::move(f));
  }
  return files;
}

std::string FormatSendQueue(const std::vector<QueuedFile>& files) {
  std::string out(kHeader);
  for (const QueuedFile& f : files) {
    out += wire::ToHex(f.id) + " " + wire::ToHex(f.sha256) + " " + std::to_string(f.size) + " " +
           std::to_string(f.origin.mtime_ns) + " " + (f.peer.empty() ? "-" : f.peer) + " " +
           Escape(f.name) + " " + Escape(f.origin.path) + "\n";
  }
  return out;
}

}  // namespace duet::peer
