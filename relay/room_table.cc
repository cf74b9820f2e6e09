#include "relay/room_table.h"

namespace duet::relay {

JoinOutcome RoomTable::Join(ConnId id, const std::string& room) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) {
    if (rooms_.size() >= max_rooms_) return {JoinOutcome::Kind::kTooManyRooms, 0};
    rooms_.emplace(room, Room{id, 0});
    return {JoinOutcome::Kind::kWaiting, 0};
  }
  Room& r = it->second;
  if (r.second != 0) return {JoinOutcome::Kind::kRoomFull, 0};
  r.second = id;
  return {JoinOutcome::Kind::kPaired, r.first};
}

std::optional<ConnId> RoomTable::Leave(ConnId id, const std::string& room) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return std::nullopt;
  Room& r = it->second;
  if (r.first != id && r.second != id) return std::nullopt;
  ConnId other = r.first == id ? r.second : r.first;
  if (other == 0) {
    rooms_.erase(it);  // empty rooms are freed
    return std::nullopt;
  }
  r = Room{other, 0};  // the one who stays becomes the first (TLS server) for the next partner
  return other;
}

std::optional<ConnId> RoomTable::PartnerOf(ConnId id, const std::string& room) const {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) return std::nullopt;
  const Room& r = it->second;
  if (r.first != id && r.second != id) return std::nullopt;
  ConnId other = r.first == id ? r.second : r.first;
  if (other == 0) return std::nullopt;
  return other;
}

bool RoomTable::IsFirst(ConnId id, const std::string& room) const {
  auto it = rooms_.find(room);
  return it != rooms_.end() && it->second.first == id;
}

}  // namespace duet::relay
