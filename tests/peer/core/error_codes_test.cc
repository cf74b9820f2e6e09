// The table of error codes: exact answers for the codes scripts and front ends rely on.
#include "peer/core/error_codes.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace duet::peer {
namespace {

TEST(ErrorCodes, RelayRefusalsAndAnUnreachableRelayExitWith3) {
  for (const char* code : {"ROOM_FULL", "TOO_MANY_ROOMS", "TOO_MANY_CONNECTIONS", "RATE_LIMITED",
                           "RELAY_UNREACHABLE", "BAD_VERSION", "BAD_FRAME"}) {
    EXPECT_EQ(ExitCodeFor(code), 3) << code;
  }
}

TEST(ErrorCodes, SecurityFailuresExitWith4) {
  for (const char* code :
       {"VERIFICATION_FAILED", "QUARANTINE_DROPPED", "KEY_REFUSED", "KEY_CHANGED",
        "SAS_COMMIT_MISMATCH", "KEY_PERMISSIONS", "KEY_WRONG_PASSPHRASE", "KEY_PASSPHRASE_NEEDED",
        "KEY_DAMAGED", "KEY_WRONG_TYPE", "KEY_WRONG_SIZE", "KEY_NOT_FOUND", "CERT_MISMATCH",
        "PINS_DAMAGED"}) {
    EXPECT_EQ(ExitCodeFor(code), 4) << code;
  }
}

TEST(ErrorCodes, BadArgumentsExitWith2) {
  for (const char* code :
       {"BAD_RELAY_ADDRESS", "BAD_ROOM_CODE", "BAD_NAME", "PASSPHRASE_FILE_UNREADABLE"}) {
    EXPECT_EQ(ExitCodeFor(code), 2) << code;
  }
}

TEST(ErrorCodes, OtherAndUnknownCodesExitWith1) {
  EXPECT_EQ(ExitCodeFor("CONNECTION_LOST"), 1);
  EXPECT_EQ(ExitCodeFor("TLS_TAMPERED"), 1);
  EXPECT_EQ(ExitCodeFor("CRYPTO_ERROR"), 1);
  EXPECT_EQ(ExitCodeFor("NEW_IN_VERSION_TWO"), 1);
  EXPECT_EQ(ExitCodeFor(""), 1);
  EXPECT_EQ(FindError("NEW_IN_VERSION_TWO"), nullptr);
}

TEST(ErrorCodes, TheRelaysRefusalsEndTheSessionItsOtherCodesRecover) {
  for (const char* code : {"ROOM_FULL", "BAD_VERSION", "BAD_FRAME", "TOO_MANY_ROOMS"}) {
    EXPECT_TRUE(IsKnownRelayError(code)) << code;
    EXPECT_TRUE(EndsSession(code)) << code;
  }
  // The limits that pass with time: Duet backs off and tries again, never gives up.
  for (const char* code : {"FRAME_TOO_LARGE", "TIMEOUT", "SLOW_CONSUMER", "RELAY_SHUTDOWN",
                           "TOO_MANY_CONNECTIONS", "RATE_LIMITED"}) {
    EXPECT_TRUE(IsKnownRelayError(code)) << code;
    EXPECT_FALSE(EndsSession(code)) << code;
  }
  // What the peer makes of a code it does not know: RELAY_ERROR, which recovers.
  EXPECT_FALSE(IsKnownRelayError("NEW_IN_VERSION_TWO"));
  EXPECT_FALSE(EndsSession("NEW_IN_VERSION_TWO"));
  EXPECT_FALSE(EndsSession("RELAY_ERROR"));
}

TEST(ErrorCodes, TheRelaySendsExactlyTenCodes) {
  std::set<std::string> from_relay;
  for (const ErrorInfo& e : AllErrors()) {
    if (e.from_relay) from_relay.insert(std::string(e.code));
  }
  EXPECT_EQ(from_relay,
            (std::set<std::string>{"BAD_FRAME", "BAD_VERSION", "FRAME_TOO_LARGE", "RATE_LIMITED",
                                   "RELAY_SHUTDOWN", "ROOM_FULL", "SLOW_CONSUMER", "TIMEOUT",
                                   "TOO_MANY_CONNECTIONS", "TOO_MANY_ROOMS"}));
}

TEST(ErrorCodes, NewCodesHaveTheirEndings) {
  EXPECT_EQ(FindError("SAS_COMMIT_MISMATCH")->ending, Ending::kRecovers);
  EXPECT_EQ(FindError("PEER_NAME_REFUSED")->ending, Ending::kRecovers);
  EXPECT_EQ(FindError("CONNECTION_STALLED")->ending, Ending::kRecovers);
  EXPECT_EQ(FindError("QUARANTINE_DROPPED")->ending, Ending::kRecovers);  // KEY_REFUSED ends
  EXPECT_EQ(FindError("KEY_REFUSED")->ending, Ending::kEndsSession);
  EXPECT_EQ(FindError("VERIFICATION_FAILED")->ending, Ending::kEndsSession);
  EXPECT_EQ(FindError("KEY_CHANGED")->ending, Ending::kRecovers);  // sending is blocked
}

TEST(ErrorCodes, RefusedCommandsEndNothing) {
  for (const char* code : {"UNKNOWN_COMMAND", "NOT_SECURE", "MESSAGE_EMPTY", "MESSAGE_TOO_LONG",
                           "MESSAGE_NOT_UTF8", "OUTBOX_FULL", "SESSION_CLOSED", "FILE_UNKNOWN"}) {
    ASSERT_NE(FindError(code), nullptr) << code;
    EXPECT_EQ(FindError(code)->ending, Ending::kLocal) << code;
    EXPECT_FALSE(EndsSession(code)) << code;
  }
}

TEST(ErrorCodes, FindErrorReturnsTheRowOfTheCode) {
  const ErrorInfo* e = FindError("ROOM_FULL");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->code, "ROOM_FULL");
  EXPECT_EQ(e->what, "The room already has two people in it.");
  for (const ErrorInfo& row : AllErrors()) EXPECT_EQ(FindError(row.code), &row) << row.code;
}

}  // namespace
}  // namespace duet::peer
