// The TLS 1.3 hellos as a relay sees them: in clear, at the start of each side's first DATA
// frame (RFC 8446 4.1). Pure byte logic for the hostile relay: read the group a ServerHello (or
// HelloRetryRequest) selected, strip a group from a ClientHello, forge a HelloRetryRequest.
// Every function takes the bytes of a DATA payload that begins with a handshake record and
// returns nullopt when they are not what it expects.
#pragma once

#include <cstdint>
#include <optional>

#include "wire/codec.h"

namespace duet::adversary {

inline constexpr uint16_t kGroupX25519 = 0x001d;
inline constexpr uint16_t kGroupX25519MlKem768 = 0x11ec;

struct ServerHelloInfo {
  uint16_t group = 0;          // the key_share extension's selected group
  bool retry_request = false;  // a HelloRetryRequest (the special random), not a ServerHello
};

// The group a ServerHello or HelloRetryRequest at the start of `payload` selected.
std::optional<ServerHelloInfo> ReadServerHello(wire::ByteView payload);

// The ClientHello at the start of `payload` without `group`: gone from supported_groups and its
// key share gone from key_share, every length fixed (the rest of the payload follows as it was).
// nullopt when the ClientHello does not offer `group`.
std::optional<wire::Bytes> StripGroup(wire::ByteView payload, uint16_t group);

// A HelloRetryRequest answering the ClientHello at the start of `payload`, as a server would that
// wants a key share for `group`: TLS 1.3, the client's session id echoed, its first cipher suite.
std::optional<wire::Bytes> ForgeHelloRetryRequest(wire::ByteView payload, uint16_t group);

}  // namespace duet::adversary
