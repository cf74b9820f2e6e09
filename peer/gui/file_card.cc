#include "peer/gui/file_card.h"

#include <algorithm>
#include <cstdio>

#include "wire/hex.h"

namespace duet::peer::gui {

std::string_view FileStateName(FileState s) {
  switch (s) {
    case FileState::kPreparing: return "preparing";
    case FileState::kOffered: return "offered";
    case FileState::kTransferring: return "transferring";
    case FileState::kDone: return "done";
    case FileState::kFailed: return "failed";
    case FileState::kDeclined: return "declined";
    case FileState::kCancelled: return "cancelled";
  }
  return "";
}

FileState StoppedState(const std::string& code) {
  if (code == "FILE_DECLINED") return FileState::kDeclined;
  if (code == "FILE_CANCELLED") return FileState::kCancelled;
  return FileState::kFailed;
}

double FileCard::Fraction() const {
  if (state == FileState::kDone) return 1.0;
  if (size == 0) return 0.0;
  return std::min(1.0, static_cast<double>(done) / static_cast<double>(size));
}

std::string FormatBytes(uint64_t bytes) {
  if (bytes < 1000) return std::to_string(bytes) + " B";
  static const char* const kUnits[] = {"KB", "MB", "GB", "TB", "PB", "EB"};
  double v = static_cast<double>(bytes);
  int unit = -1;
  while (v >= 999.5 && unit < 5) {
    v /= 1000.0;
    ++unit;
  }
  char buf[32];
  if (v < 9.995)
    std::snprintf(buf, sizeof buf, "%.2f %s", v, kUnits[unit]);
  else if (v < 99.95)
    std::snprintf(buf, sizeof buf, "%.1f %s", v, kUnits[unit]);
  else
    std::snprintf(buf, sizeof buf, "%.0f %s", v, kUnits[unit]);
  return buf;
}

std::string FormatEntries(uint64_t entries) {
  return std::to_string(entries) + (entries == 1 ? " file" : " files");
}

std::string FormatDuration(int64_t s) {
  char buf[32];
  if (s < 60) {
    std::snprintf(buf, sizeof buf, "%lld s", static_cast<long long>(s));
  } else if (s < 3600) {
    std::snprintf(buf, sizeof buf, "%lld min %02lld s", static_cast<long long>(s / 60),
                  static_cast<long long>(s % 60));
  } else {
    std::snprintf(buf, sizeof buf, "%lld h %02lld min", static_cast<long long>(s / 3600),
                  static_cast<long long>(s / 60 % 60));
  }
  return buf;
}

std::string FormatProgress(uint64_t done, uint64_t size, uint64_t start_offset,
                           int64_t elapsed_ms) {
  std::string text = FormatBytes(done) + " of " + FormatBytes(size);
  // Under a quarter second the rate says more about timer resolution than about the link.
  if (elapsed_ms < 250 || done <= start_offset) return text;
  const double rate = static_cast<double>(done - start_offset) * 1000.0 / elapsed_ms;
  text += " · " + FormatBytes(static_cast<uint64_t>(rate)) + "/s";
  if (done < size && rate > 0) {
    const auto left = static_cast<int64_t>((size - done) / rate + 0.999);
    text += " · " + FormatDuration(left) + " left";
  }
  return text;
}

namespace {

// " · 3 failed", or "" when none did; `named`: " · 1 failed: a/b.jpg" when it was one.
std::string FailedPart(const FileCard& c, bool named) {
  if (c.failed == 0) return "";
  std::string text = " · " + std::to_string(c.failed) + " failed";
  if (named && c.failed == 1 && !c.failed_name.empty()) text += ": " + c.failed_name;
  return text;
}

// A folder's status line: counted in files, not only bytes, and naming the file under way.
std::string FolderStatusLine(const FileCard& c) {
  const std::string what = FormatEntries(c.entries) + " · " + FormatBytes(c.size);
  switch (c.state) {
    case FileState::kPreparing: return "Preparing (reading the folder)…";
    case FileState::kOffered:
      if (c.answered) return "Answering…";
      return c.incoming ? "Wants to send you " + what
                        : "Offered · " + what + " · waiting for them to accept";
    case FileState::kTransferring: {
      std::string text = std::to_string(c.entries_done) + " of " + std::to_string(c.entries);
      text += FailedPart(c, false);
      if (c.stalled) return text + " · stalled, waiting for the other side";
      if (!c.current.empty() && c.entries_done < c.entries) text += " · " + c.current;
      return text;
    }
    case FileState::kDone:
      return (c.incoming ? "Saved in " + c.path : std::string("Delivered")) + FailedPart(c, true);
    default: return "";  // stopped: said as for a file
  }
}

}  // namespace

std::string StatusLine(const FileCard& c, int64_t now_ms) {
  if (c.folder && !c.Stopped()) return FolderStatusLine(c);
  switch (c.state) {
    case FileState::kPreparing: return "Preparing (checking the file)…";
    case FileState::kOffered:
      if (c.answered) return "Answering…";
      return c.incoming ? "Wants to send you " + FormatBytes(c.size)
                        : "Offered · " + FormatBytes(c.size) + " · waiting for them to accept";
    case FileState::kTransferring:
      // The rate since the start would freeze and the time left grow: say what is happening.
      if (c.stalled)
        return FormatBytes(c.done) + " of " + FormatBytes(c.size) +
               " · stalled, waiting for the other side";
      return FormatProgress(c.done, c.size, c.start_offset, now_ms - c.start_ms);
    case FileState::kDone:
      return (c.incoming ? "Saved and checked · " : "Sent and checked · ") + FormatBytes(c.size);
    case FileState::kFailed: return "Failed: " + c.error;
    // Someone chose this: said calmly, with who when it was the other side.
    case FileState::kDeclined: return c.ended_by.empty() ? "Declined" : "Declined by " + c.ended_by;
    case FileState::kCancelled:
      return c.ended_by.empty() ? "Cancelled" : "Cancelled by " + c.ended_by;
  }
  return "";
}

namespace {

std::string PercentDecode(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && wire::HexDigitValue(s[i + 1]) >= 0 &&
        wire::HexDigitValue(s[i + 2]) >= 0) {
      out += static_cast<char>(wire::HexDigitValue(s[i + 1]) * 16 + wire::HexDigitValue(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

uint32_t Be32(std::string_view s, size_t at) {
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[at + i])); };
  return b(0) << 24 | b(1) << 16 | b(2) << 8 | b(3);
}
uint32_t Be16(std::string_view s, size_t at) {
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[at + i])); };
  return b(0) << 8 | b(1);
}
uint32_t Le16(std::string_view s, size_t at) {
  auto b = [&](size_t i) { return static_cast<uint32_t>(static_cast<unsigned char>(s[at + i])); };
  return b(1) << 8 | b(0);
}

}  // namespace

std::vector<std::string> ParseDroppedPaths(std::string_view text) {
  std::vector<std::string> paths;
  while (!text.empty()) {
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    if (line.empty()) continue;
    if (line.rfind("file://", 0) == 0) {
      line.remove_prefix(7);
      // "file://host/path": only the local host's paths are ours.
      const size_t slash = line.find('/');
      if (slash == std::string_view::npos) continue;
      const std::string_view host = line.substr(0, slash);
      if (!host.empty() && host != "localhost") continue;
      paths.push_back(PercentDecode(line.substr(slash)));
    } else if (line.front() == '/') {
      paths.push_back(std::string(line));
    }
  }
  return paths;
}

ImageKind SniffImage(std::string_view h) {
  if (h.size() >= 8 && h.substr(0, 8) == std::string_view("\x89PNG\r\n\x1a\n", 8))
    return ImageKind::kPng;
  if (h.size() >= 3 && h.substr(0, 3) == "\xFF\xD8\xFF") return ImageKind::kJpeg;
  if (h.size() >= 6 && (h.substr(0, 6) == "GIF87a" || h.substr(0, 6) == "GIF89a"))
    return ImageKind::kGif;
  return ImageKind::kNone;
}

std::optional<std::pair<int, int>> ImageDimensions(std::string_view h) {
  switch (SniffImage(h)) {
    case ImageKind::kNone: return std::nullopt;
    case ImageKind::kPng:
      if (h.size() < 24 || h.substr(12, 4) != "IHDR") return std::nullopt;
      if (Be32(h, 16) > INT32_MAX || Be32(h, 20) > INT32_MAX) return std::nullopt;
      return std::pair<int, int>(Be32(h, 16), Be32(h, 20));
    case ImageKind::kGif:
      if (h.size() < 10) return std::nullopt;
      return std::pair<int, int>(Le16(h, 6), Le16(h, 8));
    case ImageKind::kJpeg: {
      // Walk the segments to the first start-of-frame (SOF0..SOF15 but DHT, JPG, DAC).
      size_t i = 2;
      while (i + 4 <= h.size()) {
        if (static_cast<unsigned char>(h[i]) != 0xFF) return std::nullopt;
        const auto marker = static_cast<unsigned char>(h[i + 1]);
        if (marker == 0xFF) {
          ++i;
          continue;
        }
        const uint32_t len = Be16(h, i + 2);
        const bool sof =
            marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (sof) {
          if (i + 9 > h.size()) return std::nullopt;
          return std::pair<int, int>(Be16(h, i + 7), Be16(h, i + 5));
        }
        if (len < 2) return std::nullopt;
        i += 2 + len;
      }
      return std::nullopt;
    }
  }
  return std::nullopt;
}

bool PreviewAllowed(uint64_t file_bytes, std::pair<int, int> d) {
  return file_bytes <= kMaxPreviewBytes && d.first > 0 && d.second > 0 &&
         static_cast<int64_t>(d.first) * d.second <= kMaxPreviewPixels;
}

std::pair<int, int> FitInside(int w, int h, int max_w, int max_h) {
  if (w <= 0 || h <= 0) return {0, 0};
  if (w <= max_w && h <= max_h) return {w, h};
  const double s = std::min(static_cast<double>(max_w) / w, static_cast<double>(max_h) / h);
  return {std::max(1, static_cast<int>(w * s + 0.5)), std::max(1, static_cast<int>(h * s + 0.5))};
}

}  // namespace duet::peer::gui
