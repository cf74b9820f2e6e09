#include "peer/core/session.h"

#include <algorithm>
#include <cassert>
#include <type_traits>
#include <utility>
#include <variant>

#include "crypto/random.h"
#include "crypto/safety_number.h"
#include "peer/core/error_codes.h"
#include "peer/core/sanitize.h"
#include "wire/hex.h"
#include "wire/utf8.h"

namespace duet::peer {

namespace app = wire::app;
namespace relay = wire::relay;

namespace {

constexpr size_t kMaxSeenIds = 100'000;
// DATA frames we send carry at most this much ciphertext: small enough that the peer's reads
// (256 KiB) usually hold whole frames, which it then decodes in place without buffering.
constexpr size_t kDataFrameBytes = 64 * 1024;
constexpr uint8_t kByeUserLeft = 0;
constexpr uint8_t kByeVerificationFailed = 1;

std::string HexId(const app::Id& id) { return wire::ToHex(id); }

TrustLevel ToTrustLevel(crypto::Trust t) {
  switch (t) {
    case crypto::Trust::kNew: return TrustLevel::kNew;
    case crypto::Trust::kKnown: return TrustLevel::kKnown;
    case crypto::Trust::kVerified: return TrustLevel::kVerified;
    case crypto::Trust::kChanged: return TrustLevel::kChanged;
  }
  return TrustLevel::kChanged;
}

Error RelayProtocolError(std::string what) {
  return Error{"RELAY_PROTOCOL_ERROR",
               "The relay sent something that is not the Duet relay protocol (" + std::move(what) +
                   "). The connection was dropped; Duet will reconnect."};
}

Error PeerProtocolError(std::string what) {
  return Error{"PEER_PROTOCOL_ERROR", "The peer sent something that is not the Duet protocol (" +
                                          std::move(what) +
                                          "). The session was ended; Duet will reconnect."};
}

}  // namespace

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

Session::Session(SessionConfig config, SessionListener& listener)
    : config_(std::move(config)),
      listener_(listener),
      relay_decoder_(relay::kDefaultMaxFrame),
      app_decoder_(app::kMaxAppPayload),
      transfers_(TransferConfig{config_.downloads, config_.auto_accept_files, app::kFileWindowBytes,
                                app::kFileAckBytes, 250, config_.now_ms, config_.send_queue},
                 listener) {}

Session::~Session() = default;

void Session::SetState(SessionState s) {
  if (s == state_) return;
  state_ = s;
  listener_.OnStateChanged(s);
}

// --- the transport -----------------------------------------------------------------------------

void Session::OnTransportConnected() {
  if (state_ == SessionState::kClosed) return;
  if (!std::exchange(queue_restored_, true)) transfers_.Restore();
  relay_decoder_ = wire::FrameDecoder(relay::kDefaultMaxFrame);
  wants_disconnect_ = false;
  wire::Bytes join = relay::EncodeJoin(config_.room);
  out_.insert(out_.end(), join.begin(), join.end());
  SetState(SessionState::kConnecting);
}

void Session::OnTransportData(wire::ByteView data) {
  if (wants_disconnect_ || state_ == SessionState::kClosed) return;
  Status st = relay_decoder_.FeedViews(data, [this](uint8_t type, wire::ByteView payload) {
    HandleRelayFrame(type, payload);
    return !wants_disconnect_;
  });
  if (!st.ok() && !wants_disconnect_) FailTransport(RelayProtocolError(st.error().message));
}

void Session::OnTransportClosed() {
  // A TLS session cut without close_notify is "connection lost" (a truncation looks the same).
  if (tls_ && !wants_disconnect_ && !peer_closed_) {
    Status st = tls_->TransportClosed();
    listener_.OnError(st.ok() ? Error{"CONNECTION_LOST",
                                      "The connection to the relay was lost. Duet will reconnect."}
                              : st.error(),
                      false);
  } else if (!tls_ && !wants_disconnect_ && state_ != SessionState::kClosed) {
    listener_.OnError(
        Error{"CONNECTION_LOST", "The connection to the relay was lost. Duet will reconnect."},
        false);
  }
  EndTlsSession();
  wants_disconnect_ = false;
  out_.clear();
  if (quitting_) {
    SetState(SessionState::kClosed);
  } else if (state_ != SessionState::kClosed) {
    SetState(SessionState::kReconnecting);
  }
}

void Session::OnConnectFailed(const Error& error, bool give_up) {
  if (state_ == SessionState::kClosed) return;
  if (give_up || quitting_) return Fatal(error);
  listener_.OnError(error, false);
  SetState(SessionState::kReconnecting);
}

void Session::OnTick() {
  if (state_ == SessionState::kClosed || state_ == SessionState::kReconnecting) return;
  const int64_t now = config_.now_ms();
  if (state_ == SessionState::kHandshaking && now - paired_at_ms_ >= config_.handshake_timeout_ms) {
    FailTransport(Error{"HANDSHAKE_TIMEOUT",
                        "The secure handshake with the peer did not finish in time. Duet will "
                        "reconnect and try again."});
    return;
  }
  if (now - last_send_ms_ >= config_.keepalive_ms) {
    wire::Bytes ping = relay::EncodePing({});
    out_.insert(out_.end(), ping.begin(), ping.end());
  }
}

wire::Bytes Session::TakeOutgoing(bool room_for_bulk) {
  if (room_for_bulk && can_send() && transfers_.has_bulk()) {
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
      if (tls_) return FailTransport(RelayProtocolError("WAITING while paired"));
      SetState(state_ == SessionState::kPeerLeft ? SessionState::kPeerLeft
                                                 : SessionState::kWaitingForPeer);
      return;
    case relay::FrameType::kPaired: {
      if (tls_) return FailTransport(RelayProtocolError("PAIRED twice"));
      Result<relay::Role> role = relay::DecodePaired(payload);
      if (!role) return FailTransport(RelayProtocolError(role.error().message));
      return StartTls(*role);
    }
    case relay::FrameType::kData:
      if (!tls_) return FailTransport(RelayProtocolError("DATA before PAIRED"));
      return FeedTls(payload);
    case relay::FrameType::kPeerLeft:
      if (!tls_ && state_ != SessionState::kHandshaking && state_ != SessionState::kSecure) {
        return;  // nothing to end
      }
      EndTlsSession();
      SetState(SessionState::kPeerLeft);
      listener_.OnPeerLeft();
      return;
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

// --- TLS ---------------------------------------------------------------------------------------

void Session::StartTls(relay::Role role) {
  Result<std::unique_ptr<crypto::TlsEndpoint>> tls = crypto::TlsEndpoint::Create(
      role == relay::Role::kServer ? crypto::TlsRole::kServer : crypto::TlsRole::kClient,
      *config_.identity, config_.tls);
  if (!tls) return Fatal(tls.error());
  tls_ = std::move(*tls);
  app_decoder_ = wire::FrameDecoder(app::kMaxAppPayload);
  hello_sent_ = hello_received_ = secure_ = peer_closed_ = false;
  paired_at_ms_ = config_.now_ms();
  SetState(SessionState::kHandshaking);
  if (role == relay::Role::kClient) {
    Status st = tls_->Start();
    if (!st) return FailTransport(st.error());
  }
  FlushCiphertext();
}

void Session::FeedTls(wire::ByteView ciphertext) {
  Status st = tls_->FeedCiphertext(ciphertext);
  FlushCiphertext();  // alerts and handshake replies go out even when feeding failed
  if (st.ok()) ProcessPlaintext();
  if (!tls_ || wants_disconnect_) return;
  if (!st.ok()) return FailTransport(st.error());
  if (tls_->state() == crypto::TlsState::kClosed) {
    peer_closed_ = true;  // the peer ended the TLS session cleanly; PEER_LEFT will follow
    return;
  }
  if (tls_->state() == crypto::TlsState::kSecure && !hello_sent_) {
    hello_sent_ = true;
    app::Hello hello;
    hello.version = app::kProtocolVersion;
    hello.name = config_.name;
    hello.room = config_.room;
    hello.client_version = config_.client_version;
    hello.capabilities = app::kCapReceipts | app::kCapFiles;
    SendApp(hello);
  }
}

// Ciphertext goes from the TLS output buffer straight into DATA frames in out_.
void Session::FlushCiphertext() {
  if (!tls_) return;
  const size_t total = tls_->ciphertext_pending();
  out_.reserve(out_.size() + total + (total / kDataFrameBytes + 1) * wire::kFrameHeaderSize);
  for (size_t pending = total; pending > 0; pending = tls_->ciphertext_pending()) {
    const size_t n = std::min<size_t>(kDataFrameBytes, pending);
    wire::Writer w(out_);
    w.U8(static_cast<uint8_t>(relay::FrameType::kData));
    w.U32(static_cast<uint32_t>(n));
    const size_t at = out_.size();
    out_.resize(at + n);
    // A memory BIO hands out all it holds; anything else is our bug.
    const size_t got = tls_->ReadCiphertext(std::span<uint8_t>(out_.data() + at, n));
    assert(got == n);
    (void)got;
  }
}

void Session::ProcessPlaintext() {
  wire::Bytes pt = tls_->TakePlaintext();
  if (pt.empty()) return;
  wire::Bytes replies;  // acknowledgements of a whole batch of chunks go out together
  Status st = app_decoder_.FeedViews(pt, [&](uint8_t type, wire::ByteView payload) {
    if (type == static_cast<uint8_t>(app::Type::kFileChunk) && hello_received_) {
      // The bulk path: the chunk's data goes from the decrypted record to the file.
      Result<app::FileChunkView> chunk = app::DecodeFileChunkView(payload);
      Status handled = chunk ? transfers_.HandleChunk(*chunk, replies) : Status(chunk.error());
      if (!handled) FailTransport(PeerProtocolError(handled.error().message));
    } else {
      Result<app::AppMessage> msg = app::DecodeAppMessage(type, payload);
      if (!msg) {
        FailTransport(PeerProtocolError(msg.error().message));
      } else {
        HandleAppMessage(*msg);
      }
    }
    return tls_ != nullptr && !wants_disconnect_;
  });
  if (!tls_ || wants_disconnect_) return;
  SendPlain(replies);
  if (!st.ok()) FailTransport(PeerProtocolError(st.error().message));
}

void Session::SendApp(const app::AppMessage& msg) {
  if (!tls_) return;
  Status st = tls_->Write(app::EncodeAppMessage(msg));
  if (!st.ok()) return FailTransport(st.error());
  FlushCiphertext();
}

// --- the application protocol ------------------------------------------------------------------

void Session::HandleAppMessage(const app::AppMessage& msg) {
  if (const auto* hello = std::get_if<app::Hello>(&msg)) return HandleHello(*hello);
  if (!hello_received_) return FailTransport(PeerProtocolError("a message before HELLO"));

  std::visit(
      [this](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, app::ChatMessage>) {
          // Acknowledge every copy; show only the first (a resend after a reconnect, or a
          // replay, carries an id we have seen).
          if (seen_ids_.insert(m.id).second) {
            seen_order_.push_back(m.id);
            if (seen_order_.size() > kMaxSeenIds) {
              seen_ids_.erase(seen_order_.front());
              seen_order_.pop_front();
            }
            listener_.OnMessage(ReceivedMessage{HexId(m.id), peer_.name, SanitizeText(m.text),
                                                static_cast<int64_t>(m.timestamp_ms)});
          }
          SendApp(app::Receipt{m.id});
        } else if constexpr (std::is_same_v<T, app::Receipt>) {
          auto it = std::find_if(outbox_.begin(), outbox_.end(),
                                 [&](const Outgoing& o) { return o.id == m.id; });
          if (it == outbox_.end()) return;  // a duplicate receipt
          outbox_.erase(it);
          listener_.OnDelivered(HexId(m.id));
        } else if constexpr (std::is_same_v<T, app::Ping>) {
          SendApp(app::Pong{m.nonce});
        } else if constexpr (std::is_same_v<T, app::Bye>) {
          if (m.reason == kByeVerificationFailed) {
            listener_.OnError(
                Error{"PEER_REJECTED_VERIFICATION",
                      peer_.name + " said the security codes did not match and ended the "
                                   "session. Compare them again in person or by phone."},
                false);
          }
        } else if constexpr (std::is_same_v<T, app::Hello> || std::is_same_v<T, app::Pong>) {
          // HELLO was handled above; PONG needs nothing.
        } else {
          wire::Bytes replies;
          Status st = transfers_.Handle(m, !sending_blocked(), replies);
          if (!st) return FailTransport(PeerProtocolError(st.error().message));
          SendPlain(replies);
        }
      },
      msg);
}

void Session::HandleHello(const app::Hello& hello) {
  if (hello_received_) return FailTransport(PeerProtocolError("a second HELLO"));
  if (hello.version != app::kProtocolVersion) {
    return Fatal(Error{"BAD_VERSION", "The peer speaks Duet protocol version " +
                                          std::to_string(hello.version) +
                                          ". Update Duet on both machines to the same release."});
  }
  // The room code is bound into the SAS too, but a mismatch here is already proof that the relay
  // joined two different rooms together.
  if (hello.room != config_.room) {
    return FailTransport(Error{"ROOM_MISMATCH",
                               "The peer the relay connected you to is in a different room: the "
                               "relay spliced two rooms together. The session was ended."});
  }
  Result<crypto::Fingerprint> fp = tls_->peer_fingerprint();
  if (!fp) return FailTransport(fp.error());
  Result<std::string> sas = tls_->ShortAuthString(config_.room);
  if (!sas) return FailTransport(sas.error());

  hello_received_ = true;
  secure_ = true;
  peer_ = PeerInfo{};
  peer_.name = SanitizeLine(hello.name);
  if (peer_.name.empty()) peer_.name = "peer";
  peer_.fingerprint = fp->Hex();
  peer_.fingerprint_grouped = fp->Grouped();
  peer_.own_fingerprint_grouped = config_.identity->fingerprint().Grouped();
  peer_.sas = *sas;
  peer_.safety_number = crypto::SafetyNumber(config_.identity->fingerprint(), *fp);

  // Trust on first use: a new name is pinned now; a pinned name with another key is "changed".
  peer_.trust = ToTrustLevel(config_.pins->Lookup(hello.name, *fp));
  if (peer_.trust == TrustLevel::kNew) {
    config_.pins->Pin(hello.name, *fp, config_.now_ms());
    Status saved = config_.pins->Save();
    if (!saved) listener_.OnError(saved.error(), false);
  }
  SetState(SessionState::kSecure);
  listener_.OnSecure(peer_);
  if (peer_.trust == TrustLevel::kChanged) {
    listener_.OnError(
        Error{"KEY_CHANGED",
              peer_.name + "'s key is not the one you saw before. Someone may be between you, "
                           "or they reinstalled Duet. Sending is blocked until you compare the "
                           "safety number with them and accept the new key (/trust)."},
        false);
    return;
  }
  FlushOutbox();
}

void Session::FlushOutbox() {
  if (!secure_ || sending_blocked()) return;
  for (Outgoing& o : outbox_) {
    if (o.sent) continue;
    o.sent = true;
    SendApp(app::ChatMessage{o.id, static_cast<uint64_t>(o.timestamp_ms), o.text});
    if (!tls_) return;
  }
  wire::Bytes offers;
  transfers_.OnSecure(peer_.fingerprint, offers);
  SendPlain(offers);
}

// --- ending ------------------------------------------------------------------------------------

void Session::EndTlsSession() {
  tls_.reset();
  secure_ = hello_sent_ = hello_received_ = peer_closed_ = false;
  for (Outgoing& o : outbox_) o.sent = false;  // resent in the next session; the peer dedups
  transfers_.OnSessionEnded();                 // files are offered again and resume
}

void Session::FailTransport(const Error& error) {
  listener_.OnError(error, false);
  EndTlsSession();
  wants_disconnect_ = true;
}

void Session::Fatal(const Error& error) {
  listener_.OnError(error, true);
  EndTlsSession();
  wants_disconnect_ = true;
  SetState(SessionState::kClosed);
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
  if (state_ == SessionState::kClosed) {
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

Status Session::TrustPeer() {
  if (!secure_) {
    return Error{"NOT_SECURE", "There is no secure session with a peer to trust yet."};
  }
  Result<crypto::Fingerprint> fp = crypto::Fingerprint::FromHex(peer_.fingerprint);
  if (!fp) return fp.error();
  if (peer_.trust == TrustLevel::kChanged)
    config_.pins->AcceptNewKey(peer_.name, *fp, config_.now_ms());
  config_.pins->MarkVerified(peer_.name, *fp);
  Status saved = config_.pins->Save();
  peer_.trust = TrustLevel::kVerified;
  listener_.OnSecure(peer_);
  FlushOutbox();
  return saved;
}

void Session::RejectPeer() {
  if (tls_ && secure_) {
    SendApp(app::Bye{kByeVerificationFailed});
    if (tls_) {
      tls_->Close();
      FlushCiphertext();
    }
  }
  quitting_ = true;
  Fatal(Error{"VERIFICATION_FAILED",
              "You said the security codes do not match: someone may be between you and the "
              "peer. The session was ended and nothing more was sent."});
}

void Session::Quit() {
  if (state_ == SessionState::kClosed) return;
  quitting_ = true;
  if (tls_ && secure_) {
    SendApp(app::Bye{kByeUserLeft});
    if (tls_) {
      tls_->Close();
      FlushCiphertext();
    }
  }
  EndTlsSession();
  wants_disconnect_ = true;
  SetState(SessionState::kClosed);
}

std::vector<std::string> Session::pending_ids() const {
  std::vector<std::string> ids;
  for (const Outgoing& o : outbox_) ids.push_back(HexId(o.id));
  return ids;
}

}  // namespace duet::peer
