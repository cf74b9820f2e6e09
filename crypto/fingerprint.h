// A peer's fingerprint: SHA-256 of the DER SubjectPublicKeyInfo of its identity key.
#pragma once

#include <openssl/evp.h>
#include <openssl/x509.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "wire/result.h"

namespace duet::crypto {

struct Fingerprint {
  std::array<uint8_t, 32> bytes{};

  // 64 lowercase hex digits, no separators (for files, JSON and the pin store).
  std::string Hex() const;
  // For people: 16 groups of 4 hex digits separated by spaces, "3f2a 9c01 ...".
  std::string Grouped() const;
  // Parses Hex() output (64 hex digits, either case). Error code BAD_FINGERPRINT.
  static Result<Fingerprint> FromHex(std::string_view hex);

  // Not secret, so ordinary comparison is fine.
  friend bool operator==(const Fingerprint&, const Fingerprint&) = default;
  friend auto operator<=>(const Fingerprint&, const Fingerprint&) = default;
};

Result<Fingerprint> FingerprintOfKey(const EVP_PKEY* key);
Result<Fingerprint> FingerprintOfCertificate(X509* cert);

}  // namespace duet::crypto
