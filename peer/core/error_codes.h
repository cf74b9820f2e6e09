// The one table of error codes a user can meet: for each code, what it means, whether it ends the
// session, and what `duet --cli` exits with when it ended the run (docs/ERRORS.md is its
// documentation; tests/docs/error_catalogue_test.cc checks that the two list the same codes).
//
// Contract:
// - Every code Duet reports (an Error's `code`, an ERROR frame the relay sends) has one row here.
//   The sentence a person reads stays where the error is raised: it has the run's details in it
//   (a path, a name, a count), and a code may have several (docs/ERRORS.md lists them).
// - `ending` is what the code means where it is raised. At run time the listener's `fatal` flag
//   is the truth the front ends act on; Session takes it from this table for the relay's ERROR
//   codes (EndsSession). A code raised in several places (FILE_READ_FAILED while loading the
//   identity and while sending a file) has the ending of the place a user meets most.
// - `exit_code` is what `duet --cli` returns when this code ended the run. For a code that does
//   not end the session it is the code's category all the same (security failures 4), so that
//   the column reads the same everywhere; whether a run that ends with sending blocked by
//   KEY_CHANGED exits 4 is decided in peer/cli/cli.cc.
// - Everything here is constant and free of side effects: safe from any thread.
#pragma once

#include <span>
#include <string_view>

namespace duet::peer {

// Exit codes of `duet --cli` (DESIGN.md section 5, docs/ERRORS.md).
inline constexpr int kExitOk = 0;
inline constexpr int kExitUndelivered = 1;  // something was not delivered, or another failure
inline constexpr int kExitUsage = 2;
inline constexpr int kExitRelay = 3;     // the relay is unreachable or refused us (full, limits)
inline constexpr int kExitSecurity = 4;  // a security failure

enum class Ending {
  kRecovers,     // reported; the session goes on, or Duet ends it and reconnects
  kEndsSession,  // fatal: the run is over
  kLocal,        // a refused command or call; nothing ended
};

struct ErrorInfo {
  std::string_view code;  // UPPER_SNAKE_CASE, stable: scripts match on it
  Ending ending;
  int exit_code;          // one of the kExit* above
  bool from_relay;        // duet-relay may send it in an ERROR frame (wire/relay_protocol.h)
  std::string_view what;  // one line: what it means (docs/ERRORS.md has the sentences)
};

// Every row, in the order of docs/ERRORS.md's sections; codes are unique.
std::span<const ErrorInfo> AllErrors();

// The row of `code`, or nullptr for a code Duet does not know (a newer relay's).
const ErrorInfo* FindError(std::string_view code);

// Whether `code` ends the session (Ending::kEndsSession). For the relay's ERROR codes: ROOM_FULL,
// BAD_VERSION, BAD_FRAME and TOO_MANY_ROOMS end it (trying again cannot help); FRAME_TOO_LARGE,
// TIMEOUT, SLOW_CONSUMER, RELAY_SHUTDOWN, TOO_MANY_CONNECTIONS and RATE_LIMITED do not (Duet
// backs off and reconnects: the last two pass once other connections or joins are done).
// An unknown code does not.
bool EndsSession(std::string_view code);

// Whether the relay may send `code` in an ERROR frame (else the peer reports RELAY_ERROR).
bool IsKnownRelayError(std::string_view code);

// What `duet --cli` exits with when `code` ended the run; kExitUndelivered for an unknown code.
int ExitCodeFor(std::string_view code);

}  // namespace duet::peer
