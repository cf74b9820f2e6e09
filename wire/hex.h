// Lowercase hex, for ids, fingerprints and the relay console's ciphertext prefixes; and the
// value of one hex digit (either case) for the parsers.
#pragma once

#include <string>

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

}  // namespace duet::wire
