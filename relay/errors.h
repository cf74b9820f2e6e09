// The ERROR codes the relay sends and the sentence each carries (docs/ERRORS.md lists them).
#pragma once

#include <string>

namespace duet::relay {

struct RelayError {
  const char* code;
  std::string message;
};

inline RelayError RoomFull(const std::string& room) {
  return {"ROOM_FULL", "Room '" + room + "' already has two people in it. Pick another room code."};
}
inline RelayError TooManyRooms() {
  return {"TOO_MANY_ROOMS", "The relay has as many rooms open as it allows. Try again later."};
}
inline RelayError TooManyConnections() {
  return {"TOO_MANY_CONNECTIONS",
          "The relay has as many connections as it allows (in total or from your address). Try "
          "again later."};
}
inline RelayError RateLimited() {
  return {"RATE_LIMITED", "Too many room joins from your address. Try again in a few seconds."};
}
inline RelayError JoinTimeout() {
  return {"TIMEOUT", "No JOIN arrived in time; the relay closed the connection."};
}
inline RelayError IdleTimeout() {
  return {"TIMEOUT", "Nothing arrived for too long; the relay closed the idle connection."};
}
inline RelayError SlowConsumer() {
  return {"SLOW_CONSUMER",
          "Data for you piled up because you stopped reading; the relay closed the connection."};
}
inline RelayError Shutdown() {
  return {"RELAY_SHUTDOWN", "The relay is shutting down. Reconnect when it is back."};
}
inline RelayError FrameTooLarge(uint32_t declared, uint32_t cap) {
  return {"FRAME_TOO_LARGE", "A frame declared " + std::to_string(declared) +
                                 " bytes, more than the relay's limit of " + std::to_string(cap) +
                                 " bytes."};
}
inline RelayError BadFrame(const std::string& what) { return {"BAD_FRAME", what}; }

}  // namespace duet::relay
