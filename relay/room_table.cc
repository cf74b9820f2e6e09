#include "relay/room_table.h"

namespace duet::relay {

JoinOutcome RoomTable::Join(ConnId id, const std::string& room) {
  auto it = rooms_.find(room);
  if (it == rooms_.end()) {
    if (rooms_.size() >= max_rooms_) return {JoinOutcome::Kind::kTooManyRooms, 0};
    rooms_.emplace(room, Room{id, 0});
    room_of_.emplace(id, room);
    return {JoinOutcome::Kind::kWaiting, 0};
  }
  Room& r = it->second;
  if (r.second != 0) return {JoinOutcome::Kind::kRoomFull, 0};
  r.second = id;
  room_of_.emplace(id, room);
  return {JoinOutcome::Kind::kPaired, r.first};
}

std::optional<ConnId> RoomTable::Leave(ConnId id) {
  auto where = room_of_.find(id);
  if (where == room_of_.end()) return std::nullopt;
  auto it = rooms_.find(where->second);
  room_of_.erase(where);
  Room& r = it->second;
  ConnId other = r.first == id ? r.second : r.first;
  if (other == 0) {
    rooms_.erase(it);  // empty rooms are freed
    return std::nullopt;
  }
  r = Room{other, 0};  // the one who stays becomes the first (TLS server) for the next partner
  return other;
}

std::optional<ConnId> RoomTable::PartnerOf(ConnId id) const {
  const std::string* room = RoomOf(id);
  if (room == nullptr) return std::nullopt;
  const Room& r = rooms_.at(*room);
  ConnId other = r.first == id ? r.second : r.first;
  if (other == 0) return std::nullopt;
  return other;
}

bool RoomTable::IsFirst(ConnId id) const {
  const std::string* room = RoomOf(id);
  return room != nullptr && rooms_.at(*room).first == id;
}

const std::string* RoomTable::RoomOf(ConnId id) const {
  auto it = room_of_.find(id);
  return it == room_of_.end() ? nullptr : &it->second;
}

}  // namespace duet::relay
