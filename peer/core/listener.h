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

// What the peer's key is to us (peer/core/contacts.h): a key never seen (new), a pinned key
// (known), a pinned key the user verified, or a new key that claims a pinned contact's name
// (changed: blocked and quarantined until the user decides).
enum class TrustLevel { kNew, kKnown, kVerified, kChanged };
std::string_view TrustName(TrustLevel t);

struct PeerInfo {
  // The name to show: for a pinned key the name it was pinned with (whatever it calls itself
  // now); otherwise the name it sent. Sanitized.
  std::string name;
  std::string claimed_name;  // the name it sent in this session's HELLO, sanitized
  // kKnown/kVerified: the pinned contact (== name). kChanged: the contact whose name the new
  // key claims. kNew: empty.
  std::string contact;
  std::string fingerprint;  // 64 hex digits
  std::string fingerprint_grouped;
  std::string own_fingerprint_grouped;
  std::string sas;            // short authentication string, e.g. "482 913"; final
  std::string safety_number;  // 12 groups of 5 digits
  TrustLevel trust = TrustLevel::kNew;
  // This session passed the code check (peer/core/code_check.h): the key is the one of the person
  // the code was exchanged with, and was pinned as verified.
  bool code_checked = false;
  // The key agreement of this TLS session: its group ("X25519MLKEM768", "X25519") and whether
  // that group is the hybrid post-quantum one (a recording of the session stays closed to a
  // future quantum computer).
  std::string key_agreement;
  bool post_quantum = false;
};

// "Key agreement: X25519MLKEM768 (post-quantum: yes)", or the "no" of X25519 with what makes it
// yes: the line the terminal and the desktop app show.
std::string KeyAgreementSummary(const PeerInfo& peer);

struct ReceivedMessage {
  std::string id;                       // 32 hex digits
  std::string from;                     // sanitized display name
  std::string text;                     // sanitized text
  int64_t timestamp_ms = 0;             // sender's clock
  TrustLevel trust = TrustLevel::kNew;  // of the key that sent it, when it was received
  // Sent by a changed key and held until the user accepted that key: shown only now, marked.
  bool held = false;
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
  // A file (or an empty folder) inside a folder sent whole: the folder's id. Its `name` is then
  // its path in the folder ("2024/june/beach.jpg", "empty/"). Such files are not offered,
  // started or finished one by one to the listener: the folder is (OnFolder*); a file of it
  // that fails is told with OnFileFailed.
  std::string folder;
};

// A folder sent whole (PROTOCOL.md 4.2): one offer, one decision, for all its files.
struct FolderTransfer {
  std::string id;  // 32 hex digits, for AcceptFile, DeclineFile and CancelFile too
  bool incoming = false;
  std::string name;      // incoming: the safe base name; outgoing: the folder's base name
  uint64_t entries = 0;  // its files and empty folders
  uint64_t size = 0;     // bytes in all
  std::string path;      // incoming, once accepted: the folder they are saved in
  // How far it got: entries ended (saved or failed), of them failed, and bytes confirmed.
  uint64_t entries_done = 0;
  uint64_t failed = 0;
  uint64_t bytes_done = 0;
  std::string current;  // the path in the folder of the file under way
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
  // The peer ended the session on purpose (close_notify); a peer that vanished without it is
  // OnError(CONNECTION_LOST) instead.
  virtual void OnPeerLeft() = 0;
  // Something went wrong. `fatal`: the session is over (kClosed follows); otherwise it recovers
  // by itself (a new transport, a fresh handshake) and pending messages stay pending.
  virtual void OnError(const Error& error, bool fatal) = 0;
  // The same recoverable error again, in a run of failed tries (no secure session since the
  // first of them): `times` counts the repeats of this run. OnError told it once; a front end
  // says little or nothing more (a hostile relay could otherwise fill the screen).
  virtual void OnErrorRepeated(const Error& /*error*/, int /*times*/) {}

  // Nothing has come from the peer for `silent_ms` while we wait for its answer ("no answer
  // from the other side"); OnLive when records come again.
  virtual void OnStalled(int64_t /*silent_ms*/) {}
  virtual void OnLive() {}
  // A changed key sent something; it is held unread. `held` counts this session's items.
  virtual void OnQuarantined(size_t /*held*/) {}

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
  // --- folders: one offer for many files (their own events stay quiet, but for failures) ---
  // The peer offers a folder; it waits for AcceptFile or DeclineFile with its id (with
  // automatic acceptance, or a folder accepted in an earlier run, OnFolderStarted follows).
  virtual void OnFolderOffered(const FolderTransfer& /*folder*/) {}
  // Accepted: files flow (incoming: into `folder.path`).
  virtual void OnFolderStarted(const FolderTransfer& /*folder*/) {}
  // Bytes or entries done; at most a few per second, and once as each entry ends.
  virtual void OnFolderProgress(const FolderTransfer& /*folder*/) {}
  // Every entry ended; `folder.failed` of them failed (each told with OnFileFailed).
  virtual void OnFolderDone(const FolderTransfer& /*folder*/) {}
  // The folder ended early: FILE_DECLINED, FILE_CANCELLED, FILE_OVER_LIMIT, FILE_NO_SPACE,
  // FOLDER_NOT_SUPPORTED... Files saved before stay.
  virtual void OnFolderFailed(const FolderTransfer& /*folder*/, const Error& /*error*/) {}
};

}  // namespace duet::peer
