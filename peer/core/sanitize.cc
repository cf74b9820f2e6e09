#include "peer/core/sanitize.h"

#include <cstdint>

namespace duet::peer {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the valid UTF-8 sequence at s[i] and its code point, or 0 when invalid.
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t& cp) {
  const auto b = [&](size_t k) { return static_cast<uint8_t>(s[i + k]); };
  uint8_t c = b(0);
  size_t n;
  if (c < 0x80) {
    cp = c;
    return 1;
  } else if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
    cp = c & 0x1F;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    cp = c & 0x0F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(k) & 0x3F);
  }
  // Overlong forms, surrogates and code points past U+10FFFF are invalid.
  if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
      (cp >= 0xD800 && cp <= 0xDFFF)) {
    return 0;
  }
  return n;
}

bool IsDangerous(uint32_t cp) {
  if (cp < 0x20 || cp == 0x7F) return true;                  // C0 controls, DEL (ESC is here)
  if (cp >= 0x80 && cp <= 0x9F) return true;                 // C1 controls (CSI is here)
  if (cp >= 0x202A && cp <= 0x202E) return true;             // bidi embeddings and overrides
  if (cp >= 0x2066 && cp <= 0x2069) return true;             // bidi isolates
  if (cp == 0x2028 || cp == 0x2029) return true;             // line and paragraph separators
  return false;
}

std::string Sanitize(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    size_t n = DecodeUtf8(text, i, cp);
    if (n == 0) {
      out += kReplacement;
      i += 1;
      continue;
    }
    if (cp == '\n' && keep_newlines) {
      out += '\n';
    } else if (cp == '\t' || cp == '\n' || cp == '\r') {
      out += ' ';
    } else if (IsDangerous(cp)) {
      out += kReplacement;
    } else {
      out.append(text.substr(i, n));
    }
    i += n;
  }
  return out;
}

}  // namespace

std::string SanitizeText(std::string_view text) { return Sanitize(text, true); }

std::string SanitizeLine(std::string_view text) {
  std::string s = Sanitize(text, false);
  size_t b = s.find_first_not_of(' ');
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(' ');
  return s.substr(b, e - b + 1);
}

}  // namespace duet::peer
