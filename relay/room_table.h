// The room table: which connection waits or is paired in which room. Pure logic (no sockets),
// so it is tested on its own. A room holds at most two connections and is freed when empty.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>

namespace duet::relay {

using ConnId = uint64_t;

struct JoinOutcome {
  enum class Kind { kWaiting, kPaired, kRoomFull, kTooManyRooms };
  Kind kind = Kind::kWaiting;
  ConnId partner = 0;  // kPaired: the connection that was waiting (it is the TLS server)
};

class RoomTable {
 public:
  explicit RoomTable(size_t max_rooms) : max_rooms_(max_rooms) {}

  // `id` must not be in a room already. The caller remembers the room it joined: the table
  // keeps no reverse index, to stay small per connection.
  JoinOutcome Join(ConnId id, const std::string& room);
  // Takes `id` out of `room` (if it is there); returns the partner left behind, now alone.
  std::optional<ConnId> Leave(ConnId id, const std::string& room);

  std::optional<ConnId> PartnerOf(ConnId id, const std::string& room) const;
  // Whether `id` was the first in `room` (the TLS server, side "a" on the console).
  bool IsFirst(ConnId id, const std::string& room) const;
  size_t room_count() const { return rooms_.size(); }

 private:
  struct Room {
    ConnId first = 0;   // waiting longer; 0 = none
    ConnId second = 0;  // 0 = none
  };
  size_t max_rooms_;
  std::unordered_map<std::string, Room> rooms_;
};

}  // namespace duet::relay
