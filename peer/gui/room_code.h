// Fresh room codes that are easy to read out: "amber-otter-42".
//
// A room code only pairs two people at the relay; it is no secret (the SAS and the pins decide
// who is who), but a random one keeps strangers on the LAN from stumbling into the room.
#pragma once

#include <string>

namespace duet::peer::gui {

// Two words from a list of 64 and a number 10..99 (about 18 bits), drawn with RAND_bytes.
std::string NewRoomCode();

}  // namespace duet::peer::gui
