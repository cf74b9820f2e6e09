// The identity key at rest under a passphrase: scrypt (N = 2^17, r = 8, p = 1: 128 MiB, about
// half a second here) and AES-256-GCM, in a PEM block of its own:
//
//   -----BEGIN DUET ENCRYPTED PRIVATE KEY-----   base64 of
//   "DUETK1" | log2 N (1 byte) | r (1) | p (1) | salt (16) | nonce (12) | ciphertext | tag (16)
//
// The plaintext is the key's unencrypted PKCS#8 PEM; the 37 bytes before the ciphertext are the
// GCM associated data, so the parameters cannot be changed without the tag failing. Why not
// PKCS#8's own scrypt (PBES2): OpenSSL decrypts those with a fixed 32 MiB scrypt memory cap,
// which rules out N = 2^17 with r = 8. Keys written that way by earlier versions still load
// (identity_store.cc); the next passphrase change writes this format.
#pragma once

#include <string>
#include <string_view>

#include "wire/result.h"

namespace duet::crypto {

inline constexpr std::string_view kSealedKeyPemName = "DUET ENCRYPTED PRIVATE KEY";

// `plain_pem` sealed under `passphrase` (not empty) with fresh salt and nonce, as PEM text.
// CRYPTO_ERROR.
Result<std::string> SealKeyPem(std::string_view plain_pem, std::string_view passphrase);

// The plaintext PEM back. KEY_WRONG_PASSPHRASE when the tag does not verify (a wrong passphrase,
// or bytes changed on disk), KEY_DAMAGED when the block does not parse or its parameters are
// out of bounds (log2 N 14..20, r 1..16, p 1..4: a planted file cannot make Duet allocate
// gigabytes).
Result<std::string> OpenSealedKeyPem(std::string_view sealed_pem, std::string_view passphrase);

}  // namespace duet::crypto
