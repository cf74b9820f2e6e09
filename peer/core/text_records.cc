#include "peer/core/text_records.h"

#include "wire/hex.h"

namespace duet::peer {

std::string EscapeField(std::string_view s) {
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

bool UnescapeField(std::string_view s, std::string& out) {
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

bool SplitFields(std::string_view line, std::span<std::string_view> fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    const size_t space = line.find(' ');
    if ((space == std::string_view::npos) != (i + 1 == fields.size())) return false;
    fields[i] = line.substr(0, space);
    line = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  }
  return true;
}

size_t ForEachRecord(std::string_view text, const std::function<bool(std::string_view)>& parse) {
  for (size_t line_no = 1; !text.empty(); ++line_no) {
    const size_t nl = text.find('\n');
    const std::string_view line = text.substr(0, nl);
    text = nl == std::string_view::npos ? std::string_view() : text.substr(nl + 1);
    if (line.empty() || line[0] == '#') continue;
    if (!parse(line)) return line_no;
  }
  return 0;
}

}  // namespace duet::peer
