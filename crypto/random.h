// Cryptographically secure random bytes (OpenSSL's RAND_bytes), for ids, room codes, jitter.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace duet::crypto {

// Fills `out`. RAND_bytes only fails when the system has no entropy source at all; Duet cannot
// run safely then, so this aborts rather than return predictable bytes.
void RandomBytes(std::span<uint8_t> out);

// A uniform integer in [0, bound) (bound > 0), without modulo bias.
uint64_t RandomBelow(uint64_t bound);

}  // namespace duet::crypto
