// Strict UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF, no truncated
// sequences.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace duet::wire {

// Decodes the sequence starting at s[i]: returns its length (1..4) and sets `cp`, or returns 0
// when the bytes there are not valid UTF-8. `i` must be < s.size().
size_t DecodeUtf8At(std::string_view s, size_t i, uint32_t& cp);

bool IsValidUtf8(std::string_view s);

}  // namespace duet::wire
