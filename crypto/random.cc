#include "crypto/random.h"

#include <openssl/rand.h>

#include <cstdio>
#include <cstdlib>

namespace duet::crypto {

void RandomBytes(std::span<uint8_t> out) {
  if (out.empty()) return;
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) {
    std::fputs("duet: the system random number generator failed; refusing to continue\n", stderr);
    std::abort();
  }
}

uint64_t RandomBelow(uint64_t bound) {
  // Rejection sampling: draw until the value falls below the largest multiple of `bound`.
  const uint64_t limit = UINT64_MAX - UINT64_MAX % bound;
  for (;;) {
    uint64_t v = 0;
    RandomBytes(std::span<uint8_t>(reinterpret_cast<uint8_t*>(&v), sizeof(v)));
    if (v < limit) return v % bound;
  }
}

}  // namespace duet::crypto
