// The short authentication string (SAS): six digits both people read aloud. It comes from the
// TLS exporter, so it is the same on both screens only when both ends share one TLS session,
// that is when no one is in the middle, even at first contact.
#pragma once

#include <openssl/ssl.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "wire/result.h"

namespace duet::crypto {

inline constexpr std::string_view kSasLabel = "EXPORTER-duet-sas-v1";

// "482 913": the first 4 bytes, big-endian, mod 10^6, zero-padded, in two groups of three.
std::string RenderSas(const std::array<uint8_t, 8>& exported);

// SSL_export_keying_material(label kSasLabel, context = room code, 8 bytes), rendered.
Result<std::string> ComputeSas(SSL* ssl, std::string_view room_code);

}  // namespace duet::crypto
