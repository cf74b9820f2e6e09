#include "crypto/pin_store.h"

#include <cstdio>
#include <ctime>

#include "crypto/secure_file.h"

namespace duet::crypto {
namespace {

constexpr size_t kMaxPinFileBytes = 4 << 20;
constexpr char kHeader[] =
    "# Duet pinned peers: fingerprint, verified|unverified, first seen (UTC), name.\n";

std::string FormatTime(int64_t s) {
  std::time_t t = static_cast<std::time_t>(s);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Years before 1970 are refused: FormatTime would not write them back as four digits (found by
// tests/fuzz/pin_store_fuzz.cc), and no pin can be older than the Unix epoch.
bool ParseTime(std::string_view s, int64_t& out) {
  if (s.size() != 20 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' ||
      s[16] != ':' || s[19] != 'Z') {
    return false;
  }
  auto num = [&](size_t pos, size_t len, int& v) {
    v = 0;
    for (size_t i = pos; i < pos + len; ++i) {
      if (s[i] < '0' || s[i] > '9') return false;
      v = v * 10 + (s[i] - '0');
    }
    return true;
  };
  std::tm tm{};
  int y, mo, d, h, mi, se;
  if (!num(0, 4, y) || !num(5, 2, mo) || !num(8, 2, d) || !num(11, 2, h) || !num(14, 2, mi) ||
      !num(17, 2, se) || y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 ||
      se > 60) {
    return false;
  }
  tm.tm_year = y - 1900;
  tm.tm_mon = mo - 1;
  tm.tm_mday = d;
  tm.tm_hour = h;
  tm.tm_min = mi;
  tm.tm_sec = se;
  out = static_cast<int64_t>(timegm(&tm));
  return true;
}

std::string EncodeName(std::string_view name) {
  std::string out;
  for (unsigned char c : name) {
    if (c < 0x20 || c == 0x7f || c == '%') {
      char buf[4];
      std::snprintf(buf, sizeof(buf), "%%%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

bool DecodeName(std::string_view s, std::string& out) {
  out.clear();
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) return false;
    int hi = HexDigit(s[i + 1]), lo = HexDigit(s[i + 2]);
    if (hi < 0 || lo < 0) return false;
    out += static_cast<char>(hi << 4 | lo);
    i += 2;
  }
  return !out.empty();
}

}  // namespace

Result<std::vector<Pin>> ParsePins(std::string_view text) {
  std::vector<Pin> pins;
  size_t line_no = 0;
  while (!text.empty()) {
    ++line_no;
    size_t nl = text.find('\n');
    std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line[0] == '#') continue;

    auto damaged = [&] {
      return Error{"PINS_DAMAGED",
                   "Line " + std::to_string(line_no) +
                       " of the pinned-peers file is damaged. Fix or remove that line; Duet will "
                       "not guess which keys you trusted."};
    };
    // <fingerprint> <verified|unverified> <time> <name>
    size_t a = line.find(' ');
    if (a == std::string_view::npos) return damaged();
    size_t b = line.find(' ', a + 1);
    if (b == std::string_view::npos) return damaged();
    size_t c = line.find(' ', b + 1);
    if (c == std::string_view::npos) return damaged();
    Pin pin;
    Result<Fingerprint> fp = Fingerprint::FromHex(line.substr(0, a));
    std::string_view state = line.substr(a + 1, b - a - 1);
    if (!fp || (state != "verified" && state != "unverified") ||
        !ParseTime(line.substr(b + 1, c - b - 1), pin.first_seen_s) ||
        !DecodeName(line.substr(c + 1), pin.name)) {
      return damaged();
    }
    pin.fingerprint = *fp;
    pin.verified = state == "verified";
    for (const Pin& other : pins) {
      if (other.fingerprint == pin.fingerprint) return damaged();  // one pin per key
    }
    pins.push_back(std::move(pin));
  }
  return pins;
}

std::string FormatPins(const std::vector<Pin>& pins) {
  std::string out = kHeader;
  for (const Pin& p : pins) {
    out += p.fingerprint.Hex() + (p.verified ? " verified " : " unverified ") +
           FormatTime(p.first_seen_s) + " " + EncodeName(p.name) + "\n";
  }
  return out;
}

Result<PinStore> PinStore::Open(std::filesystem::path path) {
  PinStore store(path);
  Result<std::string> text = ReadOwnFile(path, kMaxPinFileBytes, /*private_mode=*/true);
  if (!text) {
    const std::string& code = text.error().code;
    if (code == "FILE_NOT_FOUND") return store;
    if (code == "FILE_UNSAFE") return Error{"PINS_UNSAFE_FILE", text.error().message};
    if (code == "FILE_PERMISSIONS") return Error{"PINS_PERMISSIONS", text.error().message};
    return text.error();
  }
  Result<std::vector<crypto::Pin>> pins = ParsePins(*text);
  if (!pins) {
    return Error{pins.error().code, pins.error().message + " (" + path.string() + ")"};
  }
  store.pins_ = std::move(*pins);
  return store;
}

Status PinStore::Store(std::vector<crypto::Pin> pins) {
  pins_ = std::move(pins);
  return WriteFileAtomically(path_, FormatPins(pins_));
}

}  // namespace duet::crypto
