// Fresh room codes that are easy to read out: "acorn-gravy-petal-swoop".
//
// Today the whole code is the room the relay pairs on (the SAS and the pins decide who is who);
// DESIGN.md section 2 makes the part after the nameplate a secret for the code's PAKE later. It
// must be hard to guess either way: the relay answers WAITING or PAIRED to any JOIN, so a guessed
// code lets a stranger on the LAN into the room, and a short one can be found by trying them all.
// Four words from the EFF short list give about 41 bits.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

namespace duet::peer {

// The words codes are drawn from (third_party/eff-wordlist, without the hyphenated one).
std::span<const std::string_view> RoomCodeWords();
inline constexpr size_t kRoomCodeWords = 4;
// The bits of a fresh code: kRoomCodeWords * log2(RoomCodeWords().size()).
double RoomCodeBits();

// kRoomCodeWords words drawn uniformly with RAND_bytes, joined by '-'.
std::string NewRoomCode();

}  // namespace duet::peer
