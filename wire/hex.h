// Lowercase hex, for ids, fingerprints and the relay console's ciphertext prefixes; and, for the
// parsers, the value of one hex digit and fixed-size hex strings (either case).
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "wire/codec.h"

namespace duet::wire {

inline std::string ToHex(ByteView bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out += kDigits[b >> 4];
    out += kDigits[b & 0xf];
  }
  return out;
}

// 0..15, or -1 when `c` is not a hex digit.
inline int HexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Fills `out` from exactly 2 * out.size() hex digits (either case); false (and `out` partly
// written) for anything else.
inline bool FromHex(std::string_view hex, std::span<uint8_t> out) {
  if (hex.size() != out.size() * 2) return false;
  for (size_t i = 0; i < out.size(); ++i) {
    const int hi = HexDigitValue(hex[2 * i]);
    const int lo = HexDigitValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return true;
}

}  // namespace duet::wire
