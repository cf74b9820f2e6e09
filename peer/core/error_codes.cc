#include "peer/core/error_codes.h"

#include <array>

namespace duet::peer {
namespace {

using enum Ending;
constexpr bool kRelaySends = true;  // from_relay: the relay may send it in an ERROR frame
constexpr bool kOurs = false;       // raised by duet or duet-relay itself, never sent in a frame

constexpr std::array kErrors = {
    // --- from the relay (ERROR frames) and duet-relay itself ---
    ErrorInfo{"BAD_FRAME", kEndsSession, kExitRelay, kRelaySends,
              "The relay refused what it got: the client is not a Duet client."},
    ErrorInfo{"BAD_VERSION", kEndsSession, kExitRelay, kRelaySends,
              "The relay or the peer speaks another Duet protocol version."},
    ErrorInfo{"FRAME_TOO_LARGE", kRecovers, kExitUndelivered, kRelaySends,
              "A frame declared more bytes than the limit; the connection is dropped."},
    ErrorInfo{"ROOM_FULL", kEndsSession, kExitRelay, kRelaySends,
              "The room already has two people in it."},
    ErrorInfo{"TOO_MANY_ROOMS", kEndsSession, kExitRelay, kRelaySends,
              "The relay has as many rooms open as it allows."},
    ErrorInfo{"TOO_MANY_CONNECTIONS", kRecovers, kExitRelay, kRelaySends,
              "The relay has as many connections as it allows, in total or from one address; "
              "Duet backs off and tries again."},
    ErrorInfo{"RATE_LIMITED", kRecovers, kExitRelay, kRelaySends,
              "Too many room joins came from one address; Duet backs off and tries again."},
    ErrorInfo{"TIMEOUT", kRecovers, kExitUndelivered, kRelaySends,
              "The relay closed a connection that sent no JOIN, or nothing, for too long."},
    ErrorInfo{"SLOW_CONSUMER", kRecovers, kExitUndelivered, kRelaySends,
              "The relay closed a connection that stopped reading."},
    ErrorInfo{"RELAY_SHUTDOWN", kRecovers, kExitUndelivered, kRelaySends,
              "The relay is shutting down; Duet reconnects when it is back."},
    ErrorInfo{"BIND_FAILED", kEndsSession, kExitUndelivered, kOurs,
              "duet-relay cannot listen on the address given (in use, or not an IP address)."},
    // --- the peer's connection to the relay ---
    ErrorInfo{"BAD_RELAY_ADDRESS", kEndsSession, kExitUsage, kOurs,
              "The relay address does not look like HOST:PORT."},
    ErrorInfo{"RELAY_UNREACHABLE", kEndsSession, kExitRelay, kOurs,
              "The relay cannot be reached (the run ends if the first connection fails; later "
              "ones are retried)."},
    ErrorInfo{"RELAY_PROTOCOL_ERROR", kRecovers, kExitUndelivered, kOurs,
              "The relay sent something that is not the relay protocol; Duet reconnects."},
    ErrorInfo{"RELAY_ERROR", kRecovers, kExitUndelivered, kOurs,
              "The relay sent an error code this Duet does not know."},
    ErrorInfo{"CONNECTION_LOST", kRecovers, kExitUndelivered, kOurs,
              "The connection to the relay or the session was cut; Duet reconnects."},
    ErrorInfo{"CONNECTION_STALLED", kRecovers, kExitUndelivered, kOurs,
              "No answer from the other side for the --lost-after time; Duet reconnects."},
    ErrorInfo{"OUTPUT_OVERFLOW", kRecovers, kExitUndelivered, kOurs,
              "The relay stopped taking data while too much waited to be sent; Duet "
              "reconnects."},
    // --- the secure session with the peer ---
    ErrorInfo{"TLS_TAMPERED", kRecovers, kExitUndelivered, kOurs,
              "Data from the peer failed its integrity check; the session is ended, Duet "
              "reconnects."},
    ErrorInfo{"TLS_PROTOCOL_ERROR", kRecovers, kExitUndelivered, kOurs,
              "The secure session broke (altered or non-TLS data); Duet reconnects."},
    ErrorInfo{"TLS_HANDSHAKE_FAILED", kRecovers, kExitUndelivered, kOurs,
              "The secure handshake with the peer failed; Duet reconnects."},
    ErrorInfo{"PEER_CERT_MISSING", kRecovers, kExitUndelivered, kOurs,
              "The peer presented no certificate, so it cannot be identified."},
    ErrorInfo{"HANDSHAKE_TIMEOUT", kRecovers, kExitUndelivered, kOurs,
              "The secure handshake did not finish in time; Duet reconnects."},
    ErrorInfo{"ROOM_MISMATCH", kRecovers, kExitUndelivered, kOurs,
              "The relay joined two different rooms together; the session is ended."},
    ErrorInfo{"PEER_PROTOCOL_ERROR", kRecovers, kExitUndelivered, kOurs,
              "The peer sent something that is not the Duet protocol; Duet reconnects."},
    ErrorInfo{"PEER_NAME_REFUSED", kRecovers, kExitSecurity, kOurs,
              "The peer's name has invisible or control characters, or spaces at either end; "
              "the session is ended, Duet reconnects."},
    ErrorInfo{"SAS_COMMIT_MISMATCH", kRecovers, kExitSecurity, kOurs,
              "The peer's revealed nonce does not match its commitment: someone tampered with "
              "the code exchange; the session is ended, Duet reconnects."},
    ErrorInfo{"CODE_MISMATCH", kEndsSession, kExitSecurity, kOurs,
              "The code check failed (a typo, or someone between you); nothing was trusted and "
              "the code is used up."},
    ErrorInfo{"CODE_INTERRUPTED", kEndsSession, kExitSecurity, kOurs,
              "The connection ended during the code check; the code is used up."},
    ErrorInfo{"CODE_MISSING", kRecovers, kExitSecurity, kOurs,
              "Someone joined the code's room without the code; nothing was sent to them."},
    ErrorInfo{"CODE_REQUIRED", kEndsSession, kExitUsage, kOurs,
              "The other side checks a code in this room and we joined without it."},
    ErrorInfo{"PQ_REQUIRED", kEndsSession, kExitSecurity, kOurs,
              "--require-pq: the other side's Duet or OpenSSL cannot make a post-quantum session; "
              "nothing was sent."},
    ErrorInfo{"PQ_REQUIRED_BY_PEER", kEndsSession, kExitSecurity, kOurs,
              "The other side accepts post-quantum sessions only and ours cannot make one."},
    ErrorInfo{"PQ_UNAVAILABLE", kEndsSession, kExitUsage, kOurs,
              "--require-pq on a machine whose OpenSSL has no ML-KEM (older than 3.5)."},
    ErrorInfo{"KEY_CHANGED", kRecovers, kExitSecurity, kOurs,
              "The peer's key is not the one pinned; sending is blocked until it is accepted."},
    ErrorInfo{"PEER_CHANGED", kLocal, kExitUndelivered, kOurs,
              "/trust came after a new session began with another key; nothing was trusted."},
    ErrorInfo{"UNEXPECTED_KEY", kRecovers, kExitSecurity, kOurs,
              "Another key than the contact's is in the contact room; nothing was sent to it, "
              "Duet tries again."},
    ErrorInfo{"KEY_REFUSED", kEndsSession, kExitSecurity, kOurs,
              "You refused the peer's changed key."},
    ErrorInfo{"QUARANTINE_DROPPED", kRecovers, kExitSecurity, kOurs,
              "Messages and files from a changed key were dropped unread: you refused the key, "
              "or the session ended before you accepted it; the sentence says how many."},
    ErrorInfo{"VERIFICATION_FAILED", kEndsSession, kExitSecurity, kOurs,
              "You said the security codes do not match; the session was ended."},
    ErrorInfo{"PEER_REJECTED_VERIFICATION", kRecovers, kExitUndelivered, kOurs,
              "The peer said the security codes did not match and ended the session."},
    ErrorInfo{"NOT_SECURE", kLocal, kExitUndelivered, kOurs,
              "There is no secure session yet for what was asked (/trust, /verify, a write)."},
    // --- sending ---
    ErrorInfo{"MESSAGE_EMPTY", kLocal, kExitUndelivered, kOurs, "There is nothing to send."},
    ErrorInfo{"MESSAGE_TOO_LONG", kLocal, kExitUndelivered, kOurs,
              "The message is longer than a message may be; send it as a file."},
    ErrorInfo{"MESSAGE_NOT_UTF8", kLocal, kExitUndelivered, kOurs,
              "The message is not valid UTF-8 text."},
    ErrorInfo{"OUTBOX_FULL", kLocal, kExitUndelivered, kOurs,
              "Too many messages wait for the peer."},
    ErrorInfo{"SESSION_CLOSED", kLocal, kExitUndelivered, kOurs,
              "The session has ended; nothing more is sent."},
    // --- files ---
    ErrorInfo{"FILE_NAME_BAD", kLocal, kExitUndelivered, kOurs,
              "A file name must be 1 to 255 bytes of UTF-8 text."},
    ErrorInfo{"FILE_ALREADY_QUEUED", kLocal, kExitUndelivered, kOurs,
              "That file is already on its way."},
    ErrorInfo{"FILE_NOT_REGULAR", kLocal, kExitUndelivered, kOurs,
              "Only regular files can be sent."},
    ErrorInfo{"FILE_NOT_FOUND", kLocal, kExitUndelivered, kOurs,
              "A file to send, or one of Duet's own, cannot be opened or does not exist."},
    ErrorInfo{"FOLDER_EMPTY", kLocal, kExitUndelivered, kOurs,
              "A folder to send holds nothing that can be sent."},
    ErrorInfo{"FOLDER_TOO_LARGE", kLocal, kExitUndelivered, kOurs,
              "A folder to send holds more files and folders than go as one."},
    ErrorInfo{"FOLDER_NOT_SUPPORTED", kRecovers, kExitUndelivered, kOurs,
              "The peer's Duet cannot receive a folder with its tree (an older release)."},
    ErrorInfo{"FILE_UNKNOWN", kLocal, kExitUndelivered, kOurs,
              "No file transfer with that id, or no offer, is waiting."},
    ErrorInfo{"NO_DOWNLOAD_FOLDER", kLocal, kExitUndelivered, kOurs,
              "There is no folder to save files into."},
    ErrorInfo{"FILE_DECLINED", kRecovers, kExitUndelivered, kOurs,
              "The file was declined (by the peer, or by you)."},
    ErrorInfo{"FILE_CANCELLED", kRecovers, kExitUndelivered, kOurs,
              "The transfer was cancelled (by the peer, or by you)."},
    ErrorInfo{"FILE_INTEGRITY", kRecovers, kExitUndelivered, kOurs,
              "A file's SHA-256 did not match the one offered; it was discarded."},
    ErrorInfo{"FILE_PEER_WRITE_FAILED", kRecovers, kExitUndelivered, kOurs,
              "The peer could not save the file."},
    ErrorInfo{"FILE_WRITE_FAILED", kRecovers, kExitUndelivered, kOurs,
              "A file or folder could not be written (disk full, no permission)."},
    ErrorInfo{"FILE_NO_SPACE", kRecovers, kExitUndelivered, kOurs,
              "A received file does not fit in the free space of the download folder."},
    ErrorInfo{"FILE_PEER_NO_SPACE", kRecovers, kExitUndelivered, kOurs,
              "The peer has no room for the file; it keeps what arrived."},
    ErrorInfo{"FILE_OVER_LIMIT", kRecovers, kExitUndelivered, kOurs,
              "--accept-files declined an offer above --max-file-size or --max-total-size."},
    ErrorInfo{"FILE_PEER_OVER_LIMIT", kRecovers, kExitUndelivered, kOurs,
              "The peer declined the file without being asked: above its size limits."},
    ErrorInfo{"PART_LEDGER_DAMAGED", kRecovers, kExitUndelivered, kOurs,
              "The list of partly received files is damaged; those files are not resumed."},
    ErrorInfo{"FILE_READ_FAILED", kRecovers, kExitUndelivered, kOurs, "A file could not be read."},
    ErrorInfo{"FILE_CHANGED_WHILE_SENT", kRecovers, kExitUndelivered, kOurs,
              "A file was modified while it was sent; the transfer was cancelled."},
    ErrorInfo{"QUEUED_FILE_CHANGED", kRecovers, kExitUndelivered, kOurs,
              "A file queued in an earlier run changed since, so it was not sent."},
    ErrorInfo{"QUEUED_FILE_MISSING", kRecovers, kExitUndelivered, kOurs,
              "A file queued in an earlier run is gone, so it was not sent."},
    ErrorInfo{"SEND_QUEUE_DAMAGED", kRecovers, kExitUndelivered, kOurs,
              "The queue of files to send is damaged; it was not resumed."},
    // --- starting up: arguments, identity and files ---
    ErrorInfo{"BAD_ROOM_CODE", kEndsSession, kExitUsage, kOurs,
              "A room code may only use letters, digits, '.', '_' and '-', 64 at most."},
    ErrorInfo{"CODE_BAD_FORMAT", kEndsSession, kExitUsage, kOurs,
              "What was typed as a code is not a number and three words."},
    ErrorInfo{"CODE_UNKNOWN_WORD", kEndsSession, kExitUsage, kOurs,
              "A word of the typed code is not on Duet's word list (a typo)."},
    ErrorInfo{"CODE_NOT_ENTERED", kEndsSession, kExitUsage, kOurs,
              "--join: input ended before a code was entered."},
    ErrorInfo{"NO_SUCH_CONTACT", kEndsSession, kExitUsage, kOurs, "--to names no pinned contact."},
    ErrorInfo{"AMBIGUOUS_CONTACT", kEndsSession, kExitUsage, kOurs,
              "--to names more than one pinned contact."},
    ErrorInfo{"BAD_NAME", kEndsSession, kExitUsage, kOurs,
              "A display name must be 1 to 64 bytes of UTF-8 text."},
    ErrorInfo{"UNKNOWN_COMMAND", kLocal, kExitUndelivered, kOurs, "There is no such command."},
    ErrorInfo{"PASSPHRASE_FILE_UNREADABLE", kEndsSession, kExitUsage, kOurs,
              "The passphrase file cannot be read."},
    ErrorInfo{"KEY_NOT_FOUND", kEndsSession, kExitSecurity, kOurs,
              "There is no identity key (Duet creates one on first run)."},
    ErrorInfo{"KEY_PERMISSIONS", kEndsSession, kExitSecurity, kOurs,
              "The identity key can be read or changed by other users of this machine."},
    ErrorInfo{"KEY_UNSAFE_FILE", kEndsSession, kExitSecurity, kOurs,
              "The identity key file is a symbolic link, not a regular file, or another user's."},
    ErrorInfo{"KEY_PASSPHRASE_NEEDED", kEndsSession, kExitSecurity, kOurs,
              "The identity key is protected by a passphrase and none was given."},
    ErrorInfo{"KEY_WRONG_PASSPHRASE", kEndsSession, kExitSecurity, kOurs,
              "The passphrase does not unlock the identity key."},
    ErrorInfo{"KEY_DAMAGED", kEndsSession, kExitSecurity, kOurs,
              "The identity key file is damaged."},
    ErrorInfo{"KEY_WRONG_TYPE", kEndsSession, kExitSecurity, kOurs,
              "The identity key is not an RSA key."},
    ErrorInfo{"KEY_WRONG_SIZE", kEndsSession, kExitSecurity, kOurs,
              "The identity key is not an RSA key of 3072 to 8192 bits."},
    ErrorInfo{"CERT_MISMATCH", kEndsSession, kExitSecurity, kOurs,
              "The identity certificate does not belong to the identity key."},
    ErrorInfo{"CERT_DAMAGED", kRecovers, kExitUndelivered, kOurs,
              "The identity certificate is damaged; Duet makes a new one from the key."},
    ErrorInfo{"PINS_DAMAGED", kEndsSession, kExitSecurity, kOurs,
              "A line of the pinned-peers file is damaged; Duet will not guess."},
    ErrorInfo{"PINS_UNSAFE_FILE", kEndsSession, kExitSecurity, kOurs,
              "The pins file is a symbolic link, not a regular file, or another user's."},
    ErrorInfo{"PINS_PERMISSIONS", kEndsSession, kExitSecurity, kOurs,
              "The pins file can be read or changed by other users of this machine."},
    ErrorInfo{"PINS_FULL", kLocal, kExitUndelivered, kOurs,
              "As many contacts are pinned as Duet keeps; a new key was not pinned."},
    ErrorInfo{"BAD_FINGERPRINT", kLocal, kExitUndelivered, kOurs,
              "A fingerprint is not 64 hex digits."},
    ErrorInfo{"FILE_TOO_LARGE", kEndsSession, kExitUndelivered, kOurs,
              "One of Duet's own files is larger than any of them should be."},
    ErrorInfo{"CRYPTO_ERROR", kEndsSession, kExitUndelivered, kOurs,
              "OpenSSL failed where it should not."},
    // --- inside the wire format (shown within RELAY_ or PEER_PROTOCOL_ERROR) ---
    ErrorInfo{"FRAME_TRUNCATED", kRecovers, kExitUndelivered, kOurs,
              "The stream ended in the middle of a frame."},
    ErrorInfo{"BAD_MESSAGE", kRecovers, kExitUndelivered, kOurs,
              "An application message from the peer is malformed."},
};

constexpr bool IsCode(std::string_view code) {
  if (code.empty()) return false;
  for (char c : code) {
    if (!((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// The table's own checks, at compile time: each code once, UPPER_SNAKE_CASE, a known exit code,
// a line of meaning.
constexpr bool TableIsWellFormed() {
  for (size_t i = 0; i < kErrors.size(); ++i) {
    const ErrorInfo& e = kErrors[i];
    if (!IsCode(e.code) || e.what.empty()) return false;
    if (e.exit_code < kExitUndelivered || e.exit_code > kExitSecurity) return false;
    for (size_t j = i + 1; j < kErrors.size(); ++j) {
      if (kErrors[j].code == e.code) return false;
    }
  }
  return true;
}
static_assert(TableIsWellFormed());

}  // namespace

std::span<const ErrorInfo> AllErrors() { return kErrors; }

const ErrorInfo* FindError(std::string_view code) {
  for (const ErrorInfo& e : kErrors) {
    if (e.code == code) return &e;
  }
  return nullptr;
}

bool EndsSession(std::string_view code) {
  const ErrorInfo* e = FindError(code);
  return e != nullptr && e->ending == Ending::kEndsSession;
}

bool IsKnownRelayError(std::string_view code) {
  const ErrorInfo* e = FindError(code);
  return e != nullptr && e->from_relay;
}

int ExitCodeFor(std::string_view code) {
  const ErrorInfo* e = FindError(code);
  return e != nullptr ? e->exit_code : kExitUndelivered;
}

}  // namespace duet::peer
