// Duet's own line-per-record text files in the home folder (the send queue, the part ledger):
// space-separated fields, escaped so a field may hold any bytes (names and paths do). Pure.
#pragma once

#include <charconv>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>

namespace duet::peer {

// Bytes at or below 0x20 (spaces separate fields), 0x7f and '%' become %XX.
std::string EscapeField(std::string_view s);
// The reverse; false on a bad %XX or an empty result.
bool UnescapeField(std::string_view s, std::string& out);

// Splits `line` into exactly fields.size() fields at single spaces (the last one is the rest of
// the line). False when there are fewer or more.
bool SplitFields(std::string_view line, std::span<std::string_view> fields);

// Calls `parse` on each line of `text` that is neither empty nor a '#' comment. Returns 0 when
// every call returned true, else the (1-based) number of the first line it refused.
size_t ForEachRecord(std::string_view text, const std::function<bool(std::string_view)>& parse);

// A whole decimal number; false on anything else.
template <typename T>
bool ParseNumber(std::string_view s, T& out) {
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && end == s.data() + s.size();
}

}  // namespace duet::peer
