#include "wire/relay_protocol.h"

#include <algorithm>

#include "wire/frame.h"

namespace duet::wire::relay {
namespace {

Error BadFrame(std::string what) { return Error{"BAD_FRAME", std::move(what)}; }

bool IsCodeChar(char c) { return (c >= 'A' && c <= 'Z') || c == '_'; }

Bytes Encode(FrameType type, ByteView payload) {
  return EncodeFrame(static_cast<uint8_t>(type), payload);
}

}  // namespace

bool IsValidRoomCode(std::string_view room) {
  if (room.size() > kMaxRoomLength) return false;
  return std::all_of(room.begin(), room.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '_' || c == '-';
  });
}

Bytes EncodeJoin(std::string_view room, uint16_t version) {
  Bytes payload;
  Writer w(payload);
  w.Raw(ByteView(kMagic));
  w.U16(version);
  w.U8(static_cast<uint8_t>(room.size()));
  w.Raw(room);
  return Encode(FrameType::kJoin, payload);
}

Bytes EncodeWaiting() { return Encode(FrameType::kWaiting, {}); }

Bytes EncodePaired(Role role) {
  const uint8_t b = static_cast<uint8_t>(role);
  return Encode(FrameType::kPaired, ByteView(&b, 1));
}

Bytes EncodeError(std::string_view code, std::string_view message) {
  Bytes payload;
  Writer w(payload);
  code = code.substr(0, kMaxErrorCodeLength);
  message = message.substr(0, kMaxErrorMessageLength);
  w.U8(static_cast<uint8_t>(code.size()));
  w.Raw(code);
  w.U16(static_cast<uint16_t>(message.size()));
  w.Raw(message);
  return Encode(FrameType::kError, payload);
}

Bytes EncodePeerLeft() { return Encode(FrameType::kPeerLeft, {}); }
Bytes EncodePing(ByteView payload) { return Encode(FrameType::kPing, payload); }
Bytes EncodePong(ByteView payload) { return Encode(FrameType::kPong, payload); }

void AppendData(Bytes& out, ByteView payload) {
  AppendFrame(out, static_cast<uint8_t>(FrameType::kData), payload);
}

Result<Join> DecodeJoin(ByteView payload) {
  Reader r(payload);
  ByteView magic;
  uint16_t version = 0;
  uint8_t room_len = 0;
  if (!r.Raw(sizeof(kMagic), magic) || !std::equal(magic.begin(), magic.end(), kMagic)) {
    return BadFrame(
        "The JOIN frame does not start with the Duet magic; this is not a Duet client.");
  }
  if (!r.U16(version)) return BadFrame("The JOIN frame is too short.");
  if (version != kVersion) {
    return Error{"BAD_VERSION", "This relay speaks protocol version " + std::to_string(kVersion) +
                                    " but the client sent version " + std::to_string(version) +
                                    ". Update Duet on both machines to the same release."};
  }
  Join join;
  join.version = version;
  if (!r.U8(room_len) || !r.Raw(room_len, join.room)) {
    return BadFrame("The JOIN frame is too short.");
  }
  if (!r.done()) return BadFrame("The JOIN frame has bytes after the room code.");
  if (!IsValidRoomCode(join.room)) {
    return BadFrame("The room code may only use letters, digits, '.', '_' and '-' (64 at most).");
  }
  if (join.room.empty()) join.room = kDefaultRoom;
  return join;
}

Result<Role> DecodePaired(ByteView payload) {
  if (payload.size() != 1 || payload[0] > 1) {
    return BadFrame("The relay sent a malformed PAIRED frame.");
  }
  return static_cast<Role>(payload[0]);
}

Result<ErrorFrame> DecodeError(ByteView payload) {
  Reader r(payload);
  uint8_t code_len = 0;
  uint16_t msg_len = 0;
  ErrorFrame e;
  if (!r.U8(code_len) || code_len == 0 || code_len > kMaxErrorCodeLength ||
      !r.Raw(code_len, e.code) || !r.U16(msg_len) || msg_len > kMaxErrorMessageLength ||
      !r.Raw(msg_len, e.message) || !r.done() ||
      !std::all_of(e.code.begin(), e.code.end(), IsCodeChar)) {
    return BadFrame("The relay sent a malformed ERROR frame.");
  }
  return e;
}

}  // namespace duet::wire::relay
