// Codes people read to each other: "7301-acorn-gravy-petal" (NAMEPLATE-SECRET, DESIGN.md 2).
//
// The nameplate (the digits before the first hyphen) is the room the relay pairs on: the only
// part it ever sees. The secret words never leave the peer except as the password of the code
// check (peer/core/code_check.h): a PAKE, so whoever is in the room, the relay included, gets one
// guess per code, and a wrong guess uses the code up.
//
// Sizes. Three words of the EFF short list (1,295 words) are 31.0 bits: one guess in 2.2 billion
// per code, 33,000 times less likely than guessing magic-wormhole's two 8-bit words (16 bits, its
// floor) and still three words to say. Four digits give 10,000 nameplates: a new code meets one
// already waiting on the same relay with odds k in 10,000 for k codes waiting at that moment.
//
// Entry is forgiving (case, extra spaces, spaces instead of hyphens), and strict where it
// matters: a word that is not on the list is refused before anything is sent (a typo would
// otherwise use the code up), with the listed word it most likely was.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "wire/result.h"

namespace duet::peer {

// The words codes are drawn from (third_party/eff-wordlist, without the hyphenated one), sorted.
std::span<const std::string_view> RoomCodeWords();
inline constexpr size_t kCodeSecretWords = 3;
inline constexpr size_t kNameplateDigits = 4;
inline constexpr size_t kMaxNameplateDigits = 8;  // accepted when typed
// The bits of a fresh code's secret: kCodeSecretWords * log2(RoomCodeWords().size()).
double CodeSecretBits();

struct Code {
  std::string nameplate;  // the relay's room: digits
  std::string text;       // the whole code, normalised ("7301-acorn-gravy-petal"): the password
};

// A fresh code: kNameplateDigits digits and kCodeSecretWords words, all from RAND_bytes.
Code NewCode();

// Whether `typed` is meant as a code (digits, then a space or hyphen, then more) rather than a
// plain room name (DESIGN.md 5: --room NAME, a room without a code check).
bool LooksLikeCode(std::string_view typed);

// What a person typed, normalised: lower case, words split on spaces and hyphens.
// CODE_BAD_FORMAT: not digits and kCodeSecretWords words. CODE_UNKNOWN_WORD: a word not on the
// list (the sentence names the listed word it most likely was).
Result<Code> ParseCode(std::string_view typed);

// What --room (or the desktop app's code field) holds: a code (LooksLikeCode: ParseCode's result
// and errors) or a plain room name, whose `text` is empty (no code check: the six digits and the
// safety number protect first contact). BAD_ROOM_CODE for a room name the relay would refuse.
Result<Code> RoomFromInput(std::string_view typed);

// Completion: the listed words that start with `prefix` (lower case), in order, at most `max`.
std::vector<std::string_view> CompleteCodeWord(std::string_view prefix, size_t max = 10);

}  // namespace duet::peer
