// What Duet accepts as the other peer's certificate, and why it refuses one.
//
// A peer presents exactly one certificate: self-signed, over an RSA key of 3072 to 8192 bits,
// and signed with RSASSA-PSS (SHA-256, SHA-384 or SHA-512, MGF1 with the same hash, salt as long
// as the hash: the parameters of TLS 1.3's rsa_pss_rsae_* schemes). Validity dates are ignored on
// purpose: keys are pinned by fingerprint, and trust is decided after the handshake by the pin
// store. Pure functions; thread-safe.
#pragma once

#include <openssl/x509.h>

#include <optional>
#include <string>

namespace duet::crypto {

// Why `cert`, sent alone (`chain_length` certificates in all), is refused, as a phrase that
// completes "the peer's certificate was refused: ..."; nullopt when it is accepted. The reason
// names sizes and algorithms only: nothing secret or personal.
std::optional<std::string> PeerCertificateRefusal(X509* cert, int chain_length);

}  // namespace duet::crypto
