#include "peer/core/session.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "crypto/random.h"
#include "peer/core/error_codes.h"
#include "peer/core/sanitize.h"
#include "peer/core/session_internal.h"
#include "wire/hex.h"
#include "wire/utf8.h"

namespace duet::peer {

namespace app = wire::app;
namespace relay = wire::relay;

std::string_view StateName(SessionState s) {
  switch (s) {
    case SessionState::kConnecting: return "connecting";
    case SessionState::kWaitingForPeer: return "waiting";
    case SessionState::kHandshaking: return "handshaking";
    case SessionState::kSecure: return "secure";
    case SessionState::kPeerLeft: return "peer_left";
    case SessionState::kReconnecting: return "reconnecting";
    case SessionState::kClosed: return "closed";
  }
  return "unknown";
}

std::string_view TrustName(TrustLevel t) {
  switch (t) {
    case TrustLevel::kNew: return "new";
    case TrustLevel::kKnown: return "known";
    case TrustLevel::kVerified: return "verified";
    case TrustLevel::kChanged: return "changed";
  }
  return "unknown";
}

std::string KeyAgreementSummary(const PeerInfo& peer) {
  if (peer.post_quantum) return "Key agreement: " + peer.key_agreement + " (post-quantum: yes)";
  return "Key agreement: " + peer.key_agreement +
         " (post-quantum: no; Duet with OpenSSL 3.5 or later on both machines makes it yes)";
}

Session::Session(SessionConfig config, SessionListener& listener)
    : config_(std::move(config)),
      code_room_(!config_.code.empty()),
      listener_(listener),
      contacts_(*config_.pins),
      relay_decoder_(relay::kDefaultMaxFrame),
      app_decoder_(app::kMaxAppPayload),
      transfers_(TransferConfig{config_.downloads, config_.auto_accept_files, app::kFileWindowBytes,
                                app::kFileAckBytes, 250, config_.now_ms, config_.send_queue,
                                config_.accept_limits, config_.send_queue_save_ms},
                 listener) {}

Session::~Session() {
  OPENSSL_cleanse(config_.code.data(), config_.code.size());  // the code's words are a secret
}

// The listener sees one state, made of the two machines'.
void Session::ReportState() {
  SessionState s = SessionState::kConnecting;
  switch (link_) {
    case Link::kConnecting: s = SessionState::kConnecting; break;
    case Link::kWaiting: s = SessionState::kWaitingForPeer; break;
    case Link::kPaired:
      // A session the peer is closing stays shown as secure until the relay says it left.
      s = has_peer() || channel_ == Channel::kClosing ? SessionState::kSecure
                                                      : SessionState::kHandshaking;
      break;
    case Link::kPeerLeft: s = SessionState::kPeerLeft; break;
    case Link::kReconnecting: s = SessionState::kReconnecting; break;
    case Link::kClosed: s = SessionState::kClosed; break;
  }
  if (s == SessionState::kSecure) {  // a run of failures ends with a secure session
    failed_pairings_ = 0;
    run_errors_.clear();
    run_repeats_ = 0;
  }
  if (s == state_) return;
  state_ = s;
  listener_.OnStateChanged(s);
}

void Session::SetLink(Link link) {
  link_ = link;
  ReportState();
}

// --- the transport -----------------------------------------------------------------------------

void Session::OnTransportConnected() {
  if (link_ == Link::kClosed) return;
  if (!std::exchange(queue_restored_, true)) transfers_.Restore();
  relay_decoder_ = wire::FrameDecoder(relay::kDefaultMaxFrame);
  wants_disconnect_ = false;
  wire::Bytes join = relay::EncodeJoin(config_.room);
  out_.insert(out_.end(), join.begin(), join.end());
  SetLink(Link::kConnecting);
}

void Session::OnTransportData(wire::ByteView data) {
  if (wants_disconnect_ || link_ == Link::kClosed) return;
  Status st = relay_decoder_.FeedViews(data, [this](uint8_t type, wire::ByteView payload) {
    HandleRelayFrame(type, payload);
    return !wants_disconnect_;
  });
  if (!st.ok() && !wants_disconnect_) FailTransport(RelayProtocolError(st.error().message));
}

void Session::OnTransportClosed() {
  // A TLS session cut without close_notify is "connection lost" (a truncation looks the same).
  if (!wants_disconnect_ && link_ != Link::kClosed && channel_ != Channel::kClosing) {
    Status st = tls_ ? tls_->TransportClosed() : Status();
    ReportRecoverable(st.ok() ? ConnectionLost() : st.error());
  }
  EndTlsSession();
  wants_disconnect_ = false;
  out_.clear();
  if (quitting_) {
    SetLink(Link::kClosed);
  } else if (link_ != Link::kClosed) {
    SetLink(Link::kReconnecting);
  }
}

void Session::OnTransportOverflow() {
  if (link_ == Link::kClosed) return;
  FailTransport(Error{"OUTPUT_OVERFLOW",
                      "The relay stopped taking data and too much is waiting to be sent. Duet "
                      "reconnects; what was not delivered is sent again."});
}

void Session::OnConnectFailed(const Error& error, bool give_up) {
  if (link_ == Link::kClosed) return;
  if (give_up || quitting_) return Fatal(error);
  listener_.OnError(error, false);
  SetLink(Link::kReconnecting);
}

void Session::OnTick() {
  transfers_.OnTick();
  if (link_ == Link::kClosed || link_ == Link::kReconnecting) return;
  const int64_t now = config_.now_ms();
  if (link_ == Link::kPaired && channel_ != Channel::kClosing && !has_peer() &&
      now - paired_at_ms_ >= config_.handshake_timeout_ms) {
    FailTransport(Error{"HANDSHAKE_TIMEOUT",
                        "The secure handshake with the peer did not finish in time. Duet will "
                        "reconnect and try again."});
    return;
  }
  if (channel_ == Channel::kClosing && now - closing_at_ms_ >= config_.handshake_timeout_ms) {
    // The peer said goodbye but the relay never said it left: end it as a goodbye.
    EndTlsSession();
    wants_disconnect_ = true;
    listener_.OnPeerLeft();
    return;
  }
  if (has_peer()) CheckLiveness(now);
  if (wants_disconnect_) return;
  if (now - last_send_ms_ >= config_.keepalive_ms) {
    wire::Bytes ping = relay::EncodePing({});
    out_.insert(out_.end(), ping.begin(), ping.end());
  }
}

// --- liveness ------------------------------------------------------------------------------------

// Something we sent waits for the peer's answer: a message's receipt, a file's answer or
// acknowledgement, or a PING's PONG.
bool Session::awaiting_answer() const {
  if (ping_outstanding_) return true;
  if (pending_files() > 0) return true;
  return std::any_of(outbox_.begin(), outbox_.end(), [](const Outgoing& o) { return o.sent; });
}

void Session::CheckLiveness(int64_t now) {
  const bool waiting = awaiting_answer();
  if (waiting) {
    StartWaiting(now);
  } else {
    waiting_since_ms_ = 0;
  }
  const int64_t interval =
      waiting ? std::max<int64_t>(1000, config_.stall_after_ms / 3) : config_.idle_ping_ms;
  if (now - last_ping_ms_ >= interval) {
    last_ping_ms_ = now;
    ping_outstanding_ = true;
    StartWaiting(now);
    SendApp(app::Ping{++ping_nonce_});
    if (!tls_) return;
  }
  if (!waiting) return;
  // Silence counts from the later of the last record and the start of the wait: a link that
  // was quiet because nobody had anything to say is not dead.
  const int64_t silent = now - std::max(last_rx_ms_, waiting_since_ms_);
  if (silent >= config_.lost_after_ms) {
    return FailTransport(
        Error{"CONNECTION_STALLED",
              "No answer from the other side for " + std::to_string(silent / 1000) +
                  " seconds: the connection is dead or something between you swallows it. Duet "
                  "reconnects; what was not delivered is sent again."});
  }
  if (silent >= config_.stall_after_ms && !stalled_) {
    stalled_ = true;
    listener_.OnStalled(silent);
  }
}

wire::Bytes Session::TakeOutgoing(bool room_for_bulk) {
  if (room_for_bulk && wants_bulk()) {
    burst_.clear();  // keeps its capacity: no allocation per burst
    transfers_.FillBulk(config_.bulk_burst_bytes, burst_);
    SendPlain(burst_);
  }
  if (!out_.empty()) last_send_ms_ = config_.now_ms();
  return std::exchange(out_, {});
}

// --- relay frames ------------------------------------------------------------------------------

void Session::HandleRelayFrame(uint8_t type, wire::ByteView payload) {
  switch (static_cast<relay::FrameType>(type)) {
    case relay::FrameType::kWaiting:
      if (link_ == Link::kPaired) return FailTransport(RelayProtocolError("WAITING while paired"));
      if (link_ == Link::kConnecting) SetLink(Link::kWaiting);
      return;
    case relay::FrameType::kPaired: {
      if (link_ == Link::kPaired) return FailTransport(RelayProtocolError("PAIRED twice"));
      Result<relay::Role> role = relay::DecodePaired(payload);
      if (!role) return FailTransport(RelayProtocolError(role.error().message));
      return StartTls(*role);
    }
    case relay::FrameType::kData:
      if (link_ != Link::kPaired || !tls_) {
        return FailTransport(RelayProtocolError("DATA before PAIRED"));
      }
      return FeedTls(payload);
    case relay::FrameType::kPeerLeft: return OnPeerLeftFrame();
    case relay::FrameType::kError: {
      Result<relay::ErrorFrame> e = relay::DecodeError(payload);
      if (!e) return FailTransport(RelayProtocolError(e.error().message));
      const std::string code = IsKnownRelayError(e->code) ? e->code : "RELAY_ERROR";
      Error err{code, "The relay says: " + SanitizeLine(e->message)};
      if (EndsSession(code)) return Fatal(err);  // trying again cannot help
      return FailTransport(err);
    }
    case relay::FrameType::kPong: return;
    default:
      return FailTransport(RelayProtocolError("unexpected frame type " + std::to_string(type)));
  }
}

// The partner's connection ended. Only a session the peer closed with close_notify ended on
// purpose; anything else (a crash, a cut, a relay that says so part-way through a record) is a
// lost connection, and is said so.
void Session::OnPeerLeftFrame() {
  if (link_ != Link::kPaired) return;  // nothing to end
  const bool said_goodbye = channel_ == Channel::kClosing;
  const std::string who = has_peer() ? peer_.name : std::string();
  EndTlsSession();
  if (link_ == Link::kClosed) return;  // the code check was cut: the run is over
  SetLink(Link::kPeerLeft);
  if (said_goodbye) return listener_.OnPeerLeft();
  ReportRecoverable(
      Error{"CONNECTION_LOST",
            (who.empty() ? std::string("The other side") : who) +
                "'s connection was lost before the session ended properly (no goodbye came "
                "through the relay). Duet waits in the room for them to come back; what was "
                "not delivered is sent again then."});
}

// --- ending ------------------------------------------------------------------------------------

void Session::EndTlsSession() {
  if (channel_ == Channel::kQuarantined) {
    DropHeld("the session ended before you accepted the new key");
  }
  // Cut during the code check after our share went out: whoever was there has had its guess.
  const bool code_used = channel_ == Channel::kCodeCheck && code_ && code_->share_sent();
  if (tls_ && !has_peer() && channel_ != Channel::kClosing) ++failed_pairings_;
  tls_.reset();
  code_.reset();
  sas_.reset();
  channel_ = Channel::kNone;
  ping_outstanding_ = stalled_ = false;
  waiting_since_ms_ = 0;
  for (Outgoing& o : outbox_) o.sent = false;  // resent in the next session; the peer dedups
  transfers_.OnSessionEnded();                 // files are offered again and resume
  if (code_used && !quitting_ && link_ != Link::kClosed) {
    listener_.OnError(CodeInterrupted(), true);
    wants_disconnect_ = true;
    SetLink(Link::kClosed);
  }
}

void Session::FailTransport(const Error& error) {
  ReportRecoverable(error);
  EndTlsSession();
  wants_disconnect_ = true;
}

// One entry in the transcript for a run of failures: after a pairing failed, an error this run
// already reported is only counted (a relay that breaks every handshake gets one line, not one
// per try). A different error is still said.
void Session::ReportRecoverable(const Error& error) {
  if (failed_pairings_ > 0 && run_errors_.count(error.code) > 0) {
    listener_.OnErrorRepeated(error, ++run_repeats_);
    return;
  }
  run_errors_.insert(error.code);
  listener_.OnError(error, false);
}

void Session::Fatal(const Error& error) {
  listener_.OnError(error, true);
  code_.reset();  // the run ends with `error`: a cut code check needs no sentence of its own
  EndTlsSession();
  wants_disconnect_ = true;
  SetLink(Link::kClosed);
}

// --- the user ----------------------------------------------------------------------------------

Result<std::string> Session::SendText(std::string_view text) {
  if (text.empty()) return Error{"MESSAGE_EMPTY", "There is nothing to send."};
  if (text.size() > app::kMaxTextBytes) {
    return Error{"MESSAGE_TOO_LONG", "The message is longer than " +
                                         std::to_string(app::kMaxTextBytes / 1024) +
                                         " KiB; send it as a file instead."};
  }
  if (!wire::IsValidUtf8(text)) {
    return Error{"MESSAGE_NOT_UTF8", "The message is not valid UTF-8 text."};
  }
  if (outbox_.size() >= config_.max_pending) {
    return Error{"OUTBOX_FULL",
                 "Too many messages are waiting for the peer. Wait until some are "
                 "delivered."};
  }
  if (link_ == Link::kClosed) {
    return Error{"SESSION_CLOSED", "The session has ended; the message was not sent."};
  }
  Outgoing o;
  crypto::RandomBytes(o.id);
  o.timestamp_ms = config_.now_ms();
  o.text = std::string(text);
  outbox_.push_back(std::move(o));
  std::string id = HexId(outbox_.back().id);
  FlushOutbox();
  return id;
}

void Session::Quit() {
  if (link_ == Link::kClosed) return;
  quitting_ = true;
  if (tls_ && has_peer()) {
    SendBye(kByeUserLeft);
  }
  EndTlsSession();
  wants_disconnect_ = true;
  SetLink(Link::kClosed);
}

std::vector<std::string> Session::pending_ids() const {
  std::vector<std::string> ids;
  for (const Outgoing& o : outbox_) ids.push_back(HexId(o.id));
  return ids;
}

}  // namespace duet::peer
