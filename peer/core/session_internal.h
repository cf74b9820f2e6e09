// Pieces the Session's files share (session.cc, session_channel.cc, session_trust.cc,
// session_files.cc) and the code exchange (sas_exchange.cc). Private to peer/core.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "wire/app_protocol.h"
#include "wire/hex.h"
#include "wire/result.h"

namespace duet::peer {

inline constexpr size_t kMaxSeenIds = 100'000;
// Quarantine: at most this many items from a changed key are held (and max_held_bytes).
inline constexpr size_t kMaxHeldItems = 1'000;
// DATA frames we send carry at most this much ciphertext: small enough that the peer's reads
// (256 KiB) usually hold whole frames, which it then decodes in place without buffering.
inline constexpr size_t kDataFrameBytes = 64 * 1024;
// BYE reasons (wire/PROTOCOL.md 4).
inline constexpr uint8_t kByeUserLeft = 0;
inline constexpr uint8_t kByeVerificationFailed = 1;
inline constexpr uint8_t kByeKeyRejected = 2;
inline constexpr uint8_t kByeCodeMismatch = 3;
inline constexpr uint8_t kByePostQuantumRequired = 4;

inline std::string HexId(const wire::app::Id& id) { return wire::ToHex(id); }

inline Error RelayProtocolError(std::string what) {
  return Error{"RELAY_PROTOCOL_ERROR",
               "The relay sent something that is not the Duet relay protocol (" + std::move(what) +
                   "). The connection was dropped; Duet will reconnect."};
}

inline Error PeerProtocolError(std::string what) {
  return Error{"PEER_PROTOCOL_ERROR", "The peer sent something that is not the Duet protocol (" +
                                          std::move(what) +
                                          "). The session was ended; Duet will reconnect."};
}

inline Error ConnectionLost() {
  return Error{"CONNECTION_LOST", "The connection to the relay was lost. Duet will reconnect."};
}

}  // namespace duet::peer
