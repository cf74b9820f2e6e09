// Incremental SHA-256 (files are hashed as they are read or received).
//
// Valid by construction: a Sha256 that exists has a working digest context. Not thread-safe.
#pragma once

#include <array>
#include <cstdint>

#include "crypto/ossl.h"
#include "wire/codec.h"

namespace duet::crypto {

using Digest256 = std::array<uint8_t, 32>;

class Sha256 {
 public:
  Sha256();  // aborts only if OpenSSL cannot provide SHA-256 at all (a broken install)
  Sha256(Sha256&&) = default;
  Sha256& operator=(Sha256&&) = default;

  void Update(wire::ByteView data);
  // The digest of everything fed so far; the hasher then starts over.
  Digest256 Finish();

 private:
  MdCtxPtr ctx_;
};

}  // namespace duet::crypto
