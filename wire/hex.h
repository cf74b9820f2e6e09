// Lowercase hex, for ids, fingerprints and the relay console's ciphertext prefixes.
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

}  // namespace duet::wire
