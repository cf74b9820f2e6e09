// Makes text from the peer safe to show: no terminal escape sequences, no control characters,
// no invalid UTF-8. Printable UTF-8 (accents, CJK, emoji, joiners) passes through intact.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace duet::peer {

// For message text: keeps '\n' (multi-line messages) and turns '\t' into a space; every other
// C0/C1 control, DEL, bidi override, and each byte of an invalid UTF-8 sequence becomes U+FFFD.
std::string SanitizeText(std::string_view text);

// For display names and file names: one line (newlines become spaces too), trimmed.
std::string SanitizeLine(std::string_view text);

// The columns a terminal gives code point `cp`: 0 for combining marks and format characters,
// 2 for East Asian wide and fullwidth characters and emoji shown as emoji, else 1 (ICU's
// Unicode properties).
int TerminalColumns(uint32_t cp);

}  // namespace duet::peer
