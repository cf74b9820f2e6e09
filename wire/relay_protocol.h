// The relay protocol: the frames a peer and duet-relay exchange (wire/PROTOCOL.md, "Relay
// protocol"). Pure encoders and strict decoders; shared by the relay and the peer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wire/codec.h"
#include "wire/result.h"

namespace duet::wire::relay {

enum class FrameType : uint8_t {
  kJoin = 0x01,
  kWaiting = 0x02,
  kPaired = 0x03,
  kError = 0x04,
  kData = 0x05,
  kPeerLeft = 0x06,
  kPing = 0x07,
  kPong = 0x08,
};

inline constexpr uint8_t kMagic[4] = {'D', 'U', 'E', 'T'};
inline constexpr uint16_t kVersion = 1;
inline constexpr size_t kMaxRoomLength = 64;
inline constexpr std::string_view kDefaultRoom = "default";
inline constexpr uint32_t kDefaultMaxFrame = 1u << 20;  // DATA payload cap, bytes
inline constexpr size_t kMaxPingPayload = 8;
inline constexpr size_t kMaxErrorCodeLength = 64;
inline constexpr size_t kMaxErrorMessageLength = 1024;

// The TLS role the relay assigns in PAIRED: the peer who was in the room first is the server.
enum class Role : uint8_t { kServer = 0, kClient = 1 };

struct Join {
  uint16_t version = kVersion;
  std::string room;  // never empty after decoding: an empty code means kDefaultRoom
};

// Room codes: 0..64 characters of [A-Za-z0-9._-].
bool IsValidRoomCode(std::string_view room);

// Whole frames, header included.
Bytes EncodeJoin(std::string_view room, uint16_t version = kVersion);
Bytes EncodeWaiting();
Bytes EncodePaired(Role role);
Bytes EncodeError(std::string_view code, std::string_view message);
Bytes EncodePeerLeft();
Bytes EncodePing(ByteView payload);
Bytes EncodePong(ByteView payload);
void AppendData(Bytes& out, ByteView payload);

// Payload decoders (the frame header was already taken off by a FrameDecoder).
// JOIN: BAD_FRAME for a wrong layout, BAD_VERSION for a version other than kVersion.
Result<Join> DecodeJoin(ByteView payload);
Result<Role> DecodePaired(ByteView payload);
// What an ERROR frame says (a value, not a failure of decoding); a malformed one is BAD_FRAME.
struct ErrorFrame {
  std::string code;
  std::string message;
};
Result<ErrorFrame> DecodeError(ByteView payload);

}  // namespace duet::wire::relay
