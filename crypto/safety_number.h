// The safety number: what two people compare to know they hold each other's real keys.
#pragma once

#include <string>

#include "crypto/fingerprint.h"

namespace duet::crypto {

// Order-independent and stable across sessions: SHA-512("duet-safety-v1" || lower || higher)
// over the two raw fingerprints (ordered bytewise), shown as 12 groups of 5 digits; group i is
// the big-endian 40-bit integer in bytes [5i, 5i+5) of the hash, mod 100000, zero-padded.
std::string SafetyNumber(const Fingerprint& a, const Fingerprint& b);

// The room two pinned contacts meet in without a code: "c-" and the first 20 bytes, in hex, of
// SHA-256("duet-contact-room-v1" || lower || higher) over the two raw fingerprints (ordered
// bytewise). The same on both sides, domain-separated from the safety number; a valid room
// code (42 characters).
std::string ContactRoom(const Fingerprint& a, const Fingerprint& b);

}  // namespace duet::crypto
