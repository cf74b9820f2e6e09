// The peer's session: a sans-I/O state machine that speaks the relay protocol to duet-relay,
// runs the TLS endpoint with the peer inside DATA frames, and speaks the application protocol
// inside TLS (wire/PROTOCOL.md). Bytes come in through OnTransport*, bytes to send come out of
// TakeOutgoing(), and everything a person should know goes to the SessionListener.
//
// One Session lives for the whole run of the program, across many transports (reconnects) and
// many TLS sessions; the outbox of undelivered messages lives with it. It never touches a
// socket, a clock or a widget: the clock comes in through SessionConfig.
//
// Two state machines, each one enum checked first by every handler:
//  - the relay link (Link): connecting, waiting, paired, peer left, reconnecting, closed;
//  - the secure channel with the peer (Channel): none, handshaking, code check (the code's PAKE,
//    peer/core/code_check.h, when the room came from a code), committing (the SAS commitment
//    exchange, peer/core/sas_exchange.h), hello, secure, quarantined (a changed
//    key: nothing it sends is shown, receipted or accepted until the user decides), closing
//    (the peer's close_notify arrived).
// The stages live in their own files: session.cc (link, liveness, the user), session_channel.cc
// (TLS, the code exchange, dispatch), session_trust.cc (HELLO, contacts, quarantine),
// session_files.cc (file commands).
//
// Not thread-safe: one thread (peer/net's I/O thread) drives it. The identity and the pin
// storage must outlive it.
#pragma once

#include <array>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "crypto/identity.h"
#include "crypto/tls_endpoint.h"
#include "peer/core/code_check.h"
#include "peer/core/contacts.h"
#include "peer/core/file_io.h"
#include "peer/core/listener.h"
#include "peer/core/sas_exchange.h"
#include "peer/core/transfers.h"
#include "wire/app_protocol.h"
#include "wire/frame.h"
#include "wire/relay_protocol.h"

namespace duet::peer {

struct SessionConfig {
  std::string name;  // our display name, sent in HELLO
  std::string room;  // the room: sent in JOIN and HELLO, bound into the SAS (a code's nameplate)
  // The whole code (NAMEPLATE-SECRET, peer/core/room_code.h) when the room is a code's nameplate:
  // the password of the code check (peer/core/code_check.h), never sent. Empty for a plain room
  // or a contact's room. The first session that passes the check uses it up: the key it proved
  // is then the only one this run accepts (as expected_peer).
  std::string code;
  const crypto::Identity* identity = nullptr;
  PinStorage* pins = nullptr;       // the pinned keys; must outlive the session
  std::function<int64_t()> now_ms;  // wall clock, ms since the Unix epoch
  std::string client_version = "duet/0.1";
  int64_t keepalive_ms = 20'000;          // send a relay PING after this long without sending
  int64_t handshake_timeout_ms = 30'000;  // paired but not secure after this long: start over
  // Liveness inside TLS: while anything waits for the peer's answer, a PING goes out every
  // stall_after_ms / 3 (at least 1 s), and every idle_ping_ms otherwise. No record from the peer
  // for stall_after_ms while waiting is "no answer" (OnStalled); for lost_after_ms it ends the
  // TLS session as CONNECTION_STALLED and reconnects.
  int64_t idle_ping_ms = 15'000;
  int64_t stall_after_ms = 10'000;
  int64_t lost_after_ms = 30'000;
  size_t max_held_bytes = 4u << 20;  // quarantine: what a changed key sent, held unread
  // A contact's room (crypto::ContactRoom): the key we expect. Any other key is refused as
  // soon as the handshake ends, before the code exchange and before our name is sent.
  std::optional<crypto::Fingerprint> expected_peer;
  std::string expected_name;    // the contact's pinned name, for the sentence
  size_t max_pending = 10'000;  // messages waiting for a receipt
  crypto::TlsOptions tls;
  // --require-pq: a session whose keys did not come from the hybrid post-quantum group
  // (crypto::kHybridGroupName) is refused right after the handshake (PQ_REQUIRED), before
  // anything of ours is sent, and the other side is told why (BYE reason 4).
  bool require_post_quantum = false;
  DownloadFolder* downloads = nullptr;   // where accepted files go; must outlive the session
  bool auto_accept_files = false;        // accept every offer into `downloads`
  AcceptLimits accept_limits;            // ... up to these sizes
  SendQueueStore* send_queue = nullptr;  // remembers queued files across runs; must outlive it
  int64_t send_queue_save_ms = 1000;     // written at most this often (TransferConfig)
  size_t bulk_burst_bytes = 1u << 20;    // file data encrypted per TakeOutgoing(true)
};

class Session {
 public:
  Session(SessionConfig config, SessionListener& listener);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // --- the transport (peer/net) ---
  void OnTransportConnected();
  void OnTransportData(wire::ByteView data);
  // The transport is gone (closed by either side, or failed to connect).
  void OnTransportClosed();
  // The transport could not take what the session produced for too long (its queue toward the
  // relay is full): OUTPUT_OVERFLOW is reported and the session wants the transport closed; it
  // reconnects, and what was not delivered is sent again.
  void OnTransportOverflow();
  // Opening the transport failed. With `give_up` the session ends (kClosed) with `error`;
  // otherwise it is reported and the session stays kReconnecting.
  void OnConnectFailed(const Error& error, bool give_up);
  // Call about once a second: keepalive, handshake timeout, liveness.
  void OnTick();
  // Everything to write to the transport now (drains). With `room_for_bulk` (the transport has
  // written everything it was given) file chunks follow, up to bulk_burst_bytes and the window:
  // chunks wait for the socket, so a message always goes out before the next burst.
  wire::Bytes TakeOutgoing(bool room_for_bulk = true);
  // File work is waiting for room_for_bulk: chunks to send, or (a resume) bytes to hash before
  // them, which TakeOutgoing(true) does a slice at a time and may return nothing for. The
  // transport calls again, after other events, while this holds.
  bool wants_bulk() const { return can_send() && transfers_.has_bulk(); }
  // The session wants this transport closed (after writing what TakeOutgoing() returned).
  bool wants_disconnect() const { return wants_disconnect_; }
  // Whether a new transport should be opened after this one closed.
  bool should_reconnect() const { return state_ != SessionState::kClosed; }
  // Pairings since the last secure session (or the start) that ended without one: a refused
  // certificate, a handshake that failed, a key the room does not expect. peer/net backs off
  // by it. 0 again once a session is secure.
  int failed_pairings() const { return failed_pairings_; }

  // --- the user (front ends, through peer/net) ---
  // Queues a message; it is sent now if the session is secure and trusted, else after the next
  // secure session. Returns the message id (32 hex digits). MESSAGE_EMPTY, MESSAGE_TOO_LONG,
  // MESSAGE_NOT_UTF8, OUTBOX_FULL.
  Result<std::string> SendText(std::string_view text);
  // /trust: the user compared the SAS or safety number, or accepts a changed key (what it sent
  // while held is shown then, marked). Acts on the key of this session, never on a name.
  // NOT_SECURE when there is no secure session. With `expected_fingerprint` (64 hex digits: the
  // key the user was shown), PEER_CHANGED when the session's key is another one by now (the
  // relay forced a new session in between): nothing is trusted then.
  Status TrustPeer(std::string_view expected_fingerprint = {});
  // "They don't match" / refuse a changed key: ends the session for good (BYE, close_notify)
  // with VERIFICATION_FAILED, or KEY_REFUSED for a changed key (after QUARANTINE_DROPPED when
  // it had sent anything). NOT_SECURE when there is no peer to refuse.
  Status RejectPeer();
  // Leave: BYE and close_notify when secure, then the transport is closed; no reconnect.
  void Quit();

  // Files (peer/core/transfers.h has the rules). Ids are 32 hex digits, as in the events.
  // Queues a file (offered now or in the next secure session); `source` is read, and hashed,
  // on this thread as its chunks go out. With an `origin` on disk and a send_queue, the file is
  // remembered until it ends: after a restart it is offered again to the same peer (the first
  // transport takes the queue back).
  Result<std::string> SendFile(std::unique_ptr<FileSource> source, std::string name, uint64_t size,
                               FileOrigin origin = {});
  // Queues a folder sent whole (Transfers::SendFolder); its id names it in AcceptFile,
  // DeclineFile, CancelFile and the OnFolder* events. Accept, decline and cancel take a
  // folder's id as well as a file's.
  Result<std::string> SendFolder(std::string name, std::vector<Transfers::FolderEntry> entries);
  Status AcceptFile(std::string_view id);
  Status DeclineFile(std::string_view id);
  Status CancelFile(std::string_view id);

  SessionState state() const { return state_; }
  const PeerInfo* peer() const { return has_peer() ? &peer_ : nullptr; }
  size_t pending_count() const { return outbox_.size(); }
  // Ids (hex) of the messages not yet delivered, oldest first.
  std::vector<std::string> pending_ids() const;
  bool sending_blocked() const { return channel_ == Channel::kQuarantined; }
  // A session ended while its changed key still waited for the user's decision (what it sent
  // was dropped): the run did not end well, security-wise.
  bool left_key_unaccepted() const { return left_key_unaccepted_; }
  // Files not yet saved by the peer (outgoing, for the peer of the current or last secure
  // session) or accepted and not yet complete (incoming).
  size_t pending_files() const {
    return transfers_.outgoing_count() + transfers_.receiving_count();
  }
  std::vector<FileTransfer> pending_outgoing_files() const { return transfers_.outgoing(); }
  // Files remembered for another peer than the last one (not pending for this session).
  size_t files_kept_for_other_peers() const { return transfers_.kept_for_other_peers(); }

 private:
  enum class Link { kConnecting, kWaiting, kPaired, kPeerLeft, kReconnecting, kClosed };
  enum class Channel {
    kNone,
    kHandshaking,
    kCodeCheck,
    kCommitting,
    kHello,
    kSecure,
    kQuarantined,
    kClosing
  };

  struct Outgoing {
    wire::app::Id id;
    int64_t timestamp_ms = 0;
    std::string text;
    bool sent = false;  // sent in the current TLS session
  };

  // --- the relay link (session.cc) ---
  void SetLink(Link link);
  void ReportState();
  void HandleRelayFrame(uint8_t type, wire::ByteView payload);
  void OnPeerLeftFrame();
  void CheckLiveness(int64_t now);
  bool awaiting_answer() const;
  // Something now waits for the peer's answer: silence counts from here (if not already).
  void StartWaiting(int64_t now) {
    if (waiting_since_ms_ == 0) waiting_since_ms_ = now;
  }

  // --- the channel (session_channel.cc) ---
  void StartTls(wire::relay::Role role);
  void FeedTls(wire::ByteView ciphertext);
  void OnHandshakeDone();
  void FlushCiphertext();
  void ProcessPlaintext();
  void HandleAppMessage(const wire::app::AppMessage& msg);
  void HandleCodeFrame(const wire::app::AppMessage& msg);
  void StartSasExchange();
  void HandleSasFrame(const wire::app::AppMessage& msg);
  void HandleSecureMessage(const wire::app::AppMessage& msg, bool was_held = false);
  void ShowMessage(const wire::app::ChatMessage& m, bool held);
  void SendApp(const wire::app::AppMessage& msg);
  // Ends the session on purpose: BYE with `reason` (session_internal.h), then close_notify.
  void SendBye(uint8_t reason);
  // Encrypts application frames already encoded (file replies, bursts of chunks).
  void SendPlain(const wire::Bytes& frames);
  void SendHello();

  // --- trust (session_trust.cc) ---
  void HandleHello(const wire::app::Hello& hello);
  void Hold(const wire::app::AppMessage& msg, size_t bytes);
  void DropHeld(const std::string& why);
  // Empties the quarantine (held_ is empty whenever the channel is not kQuarantined): what it
  // held, and how many items it had already dropped.
  std::pair<std::vector<wire::app::AppMessage>, size_t> TakeHeld();

  // Runs a user's file command (accept, decline, cancel) and sends what it answers.
  Status FileCommand(Status (Transfers::*command)(std::string_view, bool, wire::Bytes&),
                     std::string_view id);
  bool has_peer() const {
    return channel_ == Channel::kSecure || channel_ == Channel::kQuarantined;
  }
  bool can_send() const { return channel_ == Channel::kSecure && tls_ && !wants_disconnect_; }
  void FlushOutbox();
  // Ends the current TLS session (not the Session): reports `error`, drops the transport, and
  // lets peer/net reconnect. Pending messages stay pending.
  void FailTransport(const Error& error);
  // A recoverable error: OnError, or OnErrorRepeated when this run of failures already said it.
  void ReportRecoverable(const Error& error);
  void EndTlsSession();
  void Fatal(const Error& error);

  SessionConfig config_;
  const bool code_room_;  // the room came from a code (config_.code is wiped once it is used)
  SessionListener& listener_;
  Contacts contacts_;
  Link link_ = Link::kConnecting;
  Channel channel_ = Channel::kNone;
  SessionState state_ = SessionState::kConnecting;  // what the listener was last told

  wire::FrameDecoder relay_decoder_;
  wire::FrameDecoder app_decoder_;
  std::unique_ptr<crypto::TlsEndpoint> tls_;
  std::unique_ptr<CodeCheck> code_;  // kCodeCheck: this TLS session's run of the code check
  bool code_checked_ = false;        // this TLS session passed the code check
  bool peer_takes_folders_ = false;  // its HELLO set capability bit 2 (folders sent whole)
  std::unique_ptr<SasExchange> sas_;
  PeerInfo peer_;
  crypto::Fingerprint changed_contact_key_;  // kQuarantined: the contact whose key changed
  bool left_key_unaccepted_ = false;  // a session ended while its changed key waited for a decision

  // Quarantine: what a changed key sent, in order, until the user accepts or refuses it.
  std::vector<wire::app::AppMessage> held_;
  size_t held_bytes_ = 0;
  size_t held_dropped_ = 0;  // beyond max_held_bytes: dropped at once, counted

  // The run of failures since the last secure session: pairings that failed, the error codes
  // already reported, and how many repeats were not.
  int failed_pairings_ = 0;
  std::set<std::string> run_errors_;
  int run_repeats_ = 0;

  wire::Bytes out_;
  bool wants_disconnect_ = false;
  bool quitting_ = false;
  bool queue_restored_ = false;  // the send queue was taken back (on the first transport)
  int64_t last_send_ms_ = 0;
  int64_t paired_at_ms_ = 0;
  // Liveness of the channel (inside TLS).
  int64_t last_rx_ms_ = 0;    // the last record from the peer
  int64_t last_ping_ms_ = 0;  // the last PING we sent
  bool ping_outstanding_ = false;
  int64_t waiting_since_ms_ = 0;  // when we started waiting for an answer (0: not waiting)
  int64_t closing_at_ms_ = 0;     // when the peer's close_notify came
  bool stalled_ = false;
  uint64_t ping_nonce_ = 0;

  std::deque<Outgoing> outbox_;
  Transfers transfers_;
  wire::Bytes burst_;                     // file chunks being encrypted (reused)
  std::set<wire::app::Id> seen_ids_;      // received message ids (drop duplicates)
  std::deque<wire::app::Id> seen_order_;  // eviction order for seen_ids_
};

}  // namespace duet::peer
