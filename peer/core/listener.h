// What the session reports, and to whom. The terminal, the JSON output, the FLTK window and the
// test recorder are four implementations of SessionListener.
//
// Threading: a listener is called on the thread that drives the session (peer/net's I/O thread)
// and must not call back into the session from inside a callback.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wire/result.h"

namespace duet::peer {

enum class SessionState {
  kConnecting,      // opening the transport and joining the room
  kWaitingForPeer,  // in the room, alone
  kHandshaking,     // paired; TLS handshake and HELLO exchange under way
  kSecure,          // authenticated session with the peer
  kPeerLeft,        // the peer went away; waiting in the room for it to come back
  kReconnecting,    // the transport was lost; a new one will be opened
  kClosed,          // finished: the user quit or a fatal error ended it
};
std::string_view StateName(SessionState s);

// The trust the pin store gives the peer's key under the peer's name.
enum class TrustLevel { kNew, kKnown, kVerified, kChanged };
std::string_view TrustName(TrustLevel t);

struct PeerInfo {
  std::string name;         // sanitized display name
  std::string fingerprint;  // 64 hex digits
  std::string fingerprint_grouped;
  std::string own_fingerprint_grouped;
  std::string sas;            // short authentication string, e.g. "482 913"
  std::string safety_number;  // 12 groups of 5 digits
  TrustLevel trust = TrustLevel::kNew;
};

struct ReceivedMessage {
  std::string id;            // 32 hex digits
  std::string from;          // sanitized display name
  std::string text;          // sanitized text
  int64_t timestamp_ms = 0;  // sender's clock
};

// A file on its way in or out. `id` (32 hex digits) names the transfer in every event and in
// the user commands (Session::AcceptFile...).
struct FileTransfer {
  std::string id;
  bool incoming = false;
  std::string name;  // incoming: the safe base name; outgoing: the name offered
  uint64_t size = 0;
  std::string sha256;  // 64 hex digits, of the whole file
  std::string path;    // incoming, once saved: where the file is
};

class SessionListener {
 public:
  virtual ~SessionListener() = default;
  virtual void OnStateChanged(SessionState state) = 0;
  // The session is secure: who the peer is and how much to trust it. Sent again after /trust.
  virtual void OnSecure(const PeerInfo& peer) = 0;
  virtual void OnMessage(const ReceivedMessage& message) = 0;
  // One of our messages got the peer's receipt. `id` is what SendText returned.
  virtual void OnDelivered(std::string_view id) = 0;
  virtual void OnPeerLeft() = 0;
  // Something went wrong. `fatal`: the session is over (kClosed follows); otherwise it recovers
  // by itself (a new transport, a fresh handshake) and pending messages stay pending.
  virtual void OnError(const Error& error, bool fatal) = 0;

  // --- files (empty defaults: a front end without file UI still compiles) ---
  // The peer offers a file; it waits for AcceptFile or DeclineFile (with automatic acceptance,
  // OnFileStarted follows at once).
  virtual void OnFileOffered(const FileTransfer& /*file*/) {}
  // A transfer from an earlier run of this program continues without the user starting it
  // again: outgoing, the peer accepted a file remembered in the send queue; incoming, the offer
  // matched a part this user accepted before (it is taken without asking, and without an
  // OnFileOffered). `offset` is where it resumes; OnFileStarted follows at once.
  virtual void OnFileResumed(const FileTransfer& /*file*/, uint64_t /*offset*/) {}
  // Bytes flow, from `offset` on (non-zero: resumed after a reconnect or a restart).
  virtual void OnFileStarted(const FileTransfer& /*file*/, uint64_t /*offset*/) {}
  // `done` of `file.size` bytes confirmed (written by the receiver). At most a few per second,
  // and always once when complete.
  virtual void OnFileProgress(const FileTransfer& /*file*/, uint64_t /*done*/) {}
  // Incoming: saved at file.path and its SHA-256 checked. Outgoing: the peer saved it intact.
  virtual void OnFileDone(const FileTransfer& /*file*/) {}
  // The transfer ended without the file: FILE_DECLINED, FILE_CANCELLED, FILE_INTEGRITY (the
  // SHA-256 did not match; nothing was presented as complete), FILE_WRITE_FAILED,
  // FILE_READ_FAILED, FILE_PEER_WRITE_FAILED; and for a file remembered from an earlier run,
  // QUEUED_FILE_CHANGED or QUEUED_FILE_MISSING (it was not sent).
  virtual void OnFileFailed(const FileTransfer& /*file*/, const Error& /*error*/) {}
};

}  // namespace duet::peer
