#include "peer/core/sanitize.h"

#include <unicode/uchar.h>

#include <cstdint>

#include "wire/utf8.h"

namespace duet::peer {
namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

bool IsDangerous(uint32_t cp) {
  if (cp < 0x20 || cp == 0x7F) return true;       // C0 controls, DEL (ESC is here)
  if (cp >= 0x80 && cp <= 0x9F) return true;      // C1 controls (CSI is here)
  if (cp >= 0x202A && cp <= 0x202E) return true;  // bidi embeddings and overrides
  if (cp >= 0x2066 && cp <= 0x2069) return true;  // bidi isolates
  if (cp == 0x2028 || cp == 0x2029) return true;  // line and paragraph separators
  return false;
}

std::string Sanitize(std::string_view text, bool keep_newlines) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size();) {
    uint32_t cp = 0;
    size_t n = wire::DecodeUtf8At(text, i, cp);
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

int TerminalColumns(uint32_t cp) {
  const auto c = static_cast<UChar32>(cp);
  const int category = u_getIntPropertyValue(c, UCHAR_GENERAL_CATEGORY);
  if (category == U_NON_SPACING_MARK || category == U_ENCLOSING_MARK || category == U_FORMAT_CHAR ||
      (cp >= 0x1160 && cp <= 0x11FF)) {
    return 0;  // combining, invisible, or a Hangul vowel or final joined to the syllable
  }
  const int width = u_getIntPropertyValue(c, UCHAR_EAST_ASIAN_WIDTH);
  if (width == U_EA_WIDE || width == U_EA_FULLWIDTH ||
      u_hasBinaryProperty(c, UCHAR_EMOJI_PRESENTATION)) {
    return 2;
  }
  return 1;
}

}  // namespace duet::peer
