// Display names are hints, never identities (DESIGN.md §2, "Contacts are keys, not names").
//
// A peer chooses its own name, so a hostile relay can present a new key under a look-alike of a
// pinned contact's name ("bob " with a trailing space, "bob" + U+200B, "bоb" with a Cyrillic о).
// This module decides whether a name may be used at all (CheckPeerName, CheckOwnName) and whether
// two names are close enough that a person could take one for the other (NamesCollide), which
// the session treats as a key change. All Unicode knowledge comes from ICU (character
// properties, the NFKC_Casefold normaliser and the UTS #39 confusable data); nothing here keeps
// a table of its own.
//
// Pure functions of their arguments. Thread-safe: the ICU objects are created once, on first
// use, and only used through const calls (ICU: "functions that take a const USpoofChecker are
// thread safe"; Normalizer2 instances are immutable singletons). Nothing throws. If ICU cannot
// load its data, NormalizeName still case-folds and removes invisible characters, and
// NameSkeleton falls back to NormalizeName: comparisons get stricter-looking, never crash.
#pragma once

#include <string>
#include <string_view>

#include "wire/result.h"

namespace duet::peer {

// Checks a name the other side sent in HELLO. Refuses, with code "PEER_NAME_REFUSED", a name
// that is:
//   - empty; longer than wire::app::kMaxNameBytes (64) bytes; not valid UTF-8 (RFC 3629);
//   - holding a control character (Cc), a bidi control (Bidi_Control), a line or paragraph
//     separator (Zl/Zp), a format character (Cf: zero-width and joiner characters) or any
//     Default_Ignorable_Code_Point (variation selectors, Hangul fillers, tags...), a
//     noncharacter, a private-use, surrogate or unassigned code point (unassigned in the
//     Unicode version of the linked ICU);
//   - starting or ending with White_Space.
// The first of these found (in that order, the characters from left to right) is named in the
// sentence, e.g. `The other side's name "bob " was refused: it ends with a space. Names with
// invisible or control characters, or spaces at either end, could pass for someone else. The
// session was ended.` The quoted name is safe to print on a terminal: every refused character,
// every White_Space other than U+0020, '"' and '\' are written as \u{XXXX}, each byte of an
// invalid UTF-8 sequence as \x{XX}, and a name over 64 bytes is cut short with "…".
// Returns the name unchanged when it is fine. Emoji sequences with U+200D (ZWJ) or U+FE0F
// (variation selector) are refused too: both are Default_Ignorable.
Result<std::string> CheckPeerName(std::string_view name);

// The same rules for our own name (--name, the desktop app's name field), with code "BAD_NAME"
// and a sentence addressed to the user, e.g. `Your name "bob " cannot be used: it ends with a
// space; choose a name without invisible or control characters and without spaces at either
// end.`
Status CheckOwnName(std::string_view name);

// The form names are compared in: NFKC_Casefold (ICU Normalizer2 "nfkc_cf"), then every
// Default_Ignorable_Code_Point and every Cf character removed (and NFKC_Casefold applied again
// if that removed anything, so that the result stays normalised), then each run of White_Space
// turned into one U+0020, and the ends trimmed. Invalid UTF-8 is read with U+FFFD for each bad
// sequence. The result is valid UTF-8 and may be empty.
std::string NormalizeName(std::string_view name);

// The UTS #39 confusable skeleton (ICU uspoof_getSkeleton) of NormalizeName(name): "bob",
// "BOB", "ｂｏｂ" and "bоb" (Cyrillic о) share the skeleton "bob"; "rn" and "m" share "rn".
// Spaces count: "ali ce" and "alice" differ. Falls back to NormalizeName(name) if ICU's
// confusable data cannot be loaded.
std::string NameSkeleton(std::string_view name);

// Whether a person could take one name for the other. True when any of these is equal for a
// and b:
//   1. NormalizeName;
//   2. NameSkeleton;
//   3. the case-keeping skeleton: the UTS #39 skeleton of the name in NFKC (not case-folded,
//      invisible characters removed, White_Space collapsed as above), then NFKC_Casefold, then
//      the skeleton again.
// (3) exists because case folding before the skeleton loses look-alikes that only capitals
// have: Cyrillic "ВОВ" folds to "вов" (skeleton "ʙoʙ") and so misses "BOB", and "AIice" (capital
// i) folds to "aiice" and so misses "Alice"; with the skeleton first both meet their Latin
// twins. Not transitive ("I" collides with "l" and with "i", "l" not with "i"), so a caller
// compares a new name with each pinned name rather than keying a map on one string.
bool NamesCollide(std::string_view a, std::string_view b);

}  // namespace duet::peer
