// Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing past U+10FFFF,
// no truncated sequences.
#pragma once

#include <string_view>

namespace duet::wire {

bool IsValidUtf8(std::string_view s);

}  // namespace duet::wire
