// The short authentication string (SAS): six digits both people read aloud, by commit-then-reveal
// (wire/PROTOCOL.md 3.1). A value taken from the TLS exporter alone can be ground: a relay that
// plays TLS server to both peers finishes each handshake by itself and tries server flights
// offline until the two codes collide. So each side adds a fresh 32-byte nonce: the TLS client
// commits to its nonce, the server answers with its own, the client reveals. The SAS hashes the
// exporter secret with both nonces; each honest nonce is hidden or chosen after the other side's
// input is fixed, so a man in the middle matches the two codes with probability 10^-6 at most.
#pragma once

#include <openssl/ssl.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "wire/result.h"

namespace duet::crypto {

inline constexpr std::string_view kSasLabel = "EXPORTER-duet-sas-v2";
inline constexpr std::string_view kSasCommitLabel = "duet-sas-commit-v2";
inline constexpr std::string_view kSasHashLabel = "duet-sas-v2";

using SasBytes = std::array<uint8_t, 32>;

// A fresh random nonce (RAND_bytes).
SasBytes NewSasNonce();
// SHA-256(kSasCommitLabel || nonce).
SasBytes SasCommitment(const SasBytes& client_nonce);
// Whether `commitment` opens to `client_nonce` (constant time).
bool SasCommitmentOpens(const SasBytes& commitment, const SasBytes& client_nonce);

// SSL_export_keying_material(label kSasLabel, context = room code, 32 bytes).
Result<SasBytes> ExportSasSecret(SSL* ssl, std::string_view room_code);

// SHA-256(kSasHashLabel || secret || client nonce || server nonce); its first 8 bytes as a
// big-endian integer mod 10^6, rendered "482 913".
std::string DeriveSas(const SasBytes& secret, const SasBytes& client_nonce,
                      const SasBytes& server_nonce);

// "482 913": a value below 10^6 in two groups of three digits.
std::string RenderSas(uint32_t value);

}  // namespace duet::crypto
