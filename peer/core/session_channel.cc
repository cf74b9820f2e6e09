// The Session's secure channel: the TLS endpoint inside relay DATA frames, the SAS commitment
// exchange that follows the handshake (peer/core/sas_exchange.h), and the dispatch of
// application frames by the channel's state.
#include <openssl/crypto.h>

#include <algorithm>
#include <cassert>
#include <type_traits>
#include <variant>

#include "peer/core/sanitize.h"
#include "peer/core/session.h"
#include "peer/core/session_internal.h"

namespace duet::peer {

namespace app = wire::app;
namespace relay = wire::relay;

void Session::StartTls(relay::Role role) {
  Result<std::unique_ptr<crypto::TlsEndpoint>> tls = crypto::TlsEndpoint::Create(
      role == relay::Role::kServer ? crypto::TlsRole::kServer : crypto::TlsRole::kClient,
      *config_.identity, config_.tls);
  if (!tls) return Fatal(tls.error());
  tls_ = std::move(*tls);
  sas_.reset();
  app_decoder_ = wire::FrameDecoder(app::kMaxAppPayload);
  channel_ = Channel::kHandshaking;
  paired_at_ms_ = last_rx_ms_ = last_ping_ms_ = config_.now_ms();
  ping_outstanding_ = stalled_ = false;
  SetLink(Link::kPaired);
  if (role == relay::Role::kClient) {
    Status st = tls_->Start();
    if (!st) return FailTransport(st.error());
  }
  FlushCiphertext();
}

void Session::FeedTls(wire::ByteView ciphertext) {
  const crypto::TlsState before = tls_->state();
  Status st = tls_->FeedCiphertext(ciphertext);
  // Only an authenticated record (or handshake progress) proves the peer is there: empty DATA
  // or a fragment of a record from the relay does not.
  if (st.ok() && (tls_->plaintext_pending() > 0 || tls_->state() != before)) {
    last_rx_ms_ = config_.now_ms();
    if (stalled_) {
      stalled_ = false;
      listener_.OnLive();
    }
  }
  FlushCiphertext();  // alerts and handshake replies go out even when feeding failed
  if (st.ok() && channel_ == Channel::kHandshaking &&
      tls_->state() != crypto::TlsState::kHandshaking) {
    OnHandshakeDone();
  }
  if (st.ok() && tls_ && !wants_disconnect_) ProcessPlaintext();
  if (!tls_ || wants_disconnect_) return;
  if (!st.ok()) return FailTransport(st.error());
  if (tls_->state() == crypto::TlsState::kClosed && has_peer()) {
    // The peer ended a secure session cleanly; PEER_LEFT will follow. (A close before the
    // session was up is no goodbye: PEER_LEFT then reads as a lost connection.)
    if (channel_ == Channel::kQuarantined) DropHeld("the other side left before you decided");
    channel_ = Channel::kClosing;  // the listener still shows the session until PEER_LEFT
    closing_at_ms_ = config_.now_ms();
  }
}

// The handshake is complete. With a code, the code check comes first (the TLS client sends its
// share now); then the SAS exchange, where the client commits to its nonce and the server waits
// for that commitment before it chooses its own.
void Session::OnHandshakeDone() {
  Result<crypto::Fingerprint> fp = tls_->peer_fingerprint();
  if (!fp) return FailTransport(fp.error());
  if (config_.require_post_quantum && !tls_->post_quantum()) {
    // Both sides offer the hybrid group when they have it and TLS 1.3 binds the offer to the
    // handshake, so X25519 here means the other side cannot do better: trying again cannot help.
    // Nothing of ours went out; the other side hears why.
    const std::string group = tls_->group();
    SendBye(kByePostQuantumRequired);
    return Fatal(Error{
        "PQ_REQUIRED",
        "The other side's key agreement is " + group +
            " without the post-quantum part: its Duet or its OpenSSL is too old (OpenSSL 3.5, as "
            "on Debian 13, offers X25519MLKEM768). You asked for post-quantum sessions only "
            "(--require-pq), so nothing was sent; update Duet on the other machine, or start "
            "without --require-pq."});
  }
  if (config_.expected_peer && *fp != *config_.expected_peer) {
    // A contact's room, or a code already used: only that key may be here. Nothing of ours (not
    // even our name) goes to any other.
    const std::string who = config_.expected_name.empty()
                                ? std::string("the person you exchanged the code with")
                                : SanitizeLine(config_.expected_name);
    return FailTransport(
        Error{"UNEXPECTED_KEY",
              "Someone with another key than " + who + "'s is in your " +
                  (code_room_ ? "room" : "contact room") +
                  ": the relay or someone on the network put them there. "
                  "Nothing was sent to them, not even your name; Duet will try again."});
  }
  const bool client = tls_->role() == crypto::TlsRole::kClient;
  code_checked_ = false;
  if (config_.code.empty() || config_.expected_peer) return StartSasExchange();

  std::array<uint8_t, 32> channel{};
  std::array<uint8_t, 16> sid{};
  Status st = tls_->Export(kCodeChannelLabel, config_.room, channel);
  if (st) st = tls_->Export(kCodeSidLabel, config_.room, sid);
  if (!st) return FailTransport(st.error());
  Result<std::unique_ptr<CodeCheck>> check =
      CodeCheck::Start(client, config_.code, channel, sid, config_.identity->fingerprint(), *fp);
  if (!check) return FailTransport(check.error());
  code_ = std::move(*check);
  channel_ = Channel::kCodeCheck;
  if (client) SendApp(code_->FirstShare());
}

void Session::StartSasExchange() {
  Result<crypto::SasBytes> secret = tls_->SasSecret(config_.room);
  if (!secret) return FailTransport(secret.error());
  const bool client = tls_->role() == crypto::TlsRole::kClient;
  sas_ = std::make_unique<SasExchange>(client, *secret);
  OPENSSL_cleanse(secret->data(), secret->size());
  channel_ = Channel::kCommitting;
  if (client) SendApp(sas_->Commit());
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
    if (type == static_cast<uint8_t>(app::Type::kFileChunk) && channel_ == Channel::kSecure) {
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

void Session::SendBye(uint8_t reason) {
  SendApp(app::Bye{reason});
  if (!tls_) return;  // sending failed and ended the session
  tls_->Close();
  FlushCiphertext();
}

void Session::SendPlain(const wire::Bytes& frames) {
  if (frames.empty() || !tls_) return;
  Status st = tls_->Write(frames);
  if (!st.ok()) return FailTransport(st.error());
  FlushCiphertext();
}

void Session::SendHello() {
  app::Hello hello;
  hello.version = app::kProtocolVersion;
  hello.name = config_.name;
  hello.room = config_.room;
  hello.client_version = config_.client_version;
  hello.capabilities = app::kCapReceipts | app::kCapFiles | app::kCapFolders;
  SendApp(hello);
}

// --- dispatch by the channel's state -------------------------------------------------------------

void Session::HandleAppMessage(const app::AppMessage& msg) {
  if (const auto* pong = std::get_if<app::Pong>(&msg); pong && pong->nonce == ping_nonce_) {
    ping_outstanding_ = false;
  }
  if (const auto* bye = std::get_if<app::Bye>(&msg); bye && bye->reason == kByePostQuantumRequired) {
    // The other side refused this session's key agreement right after the handshake (in any
    // state: it does not wait for the code check or the SAS exchange). It will refuse every
    // session this machine can make.
    const std::string group = tls_ ? tls_->group() : std::string("X25519");
    return Fatal(Error{
        "PQ_REQUIRED_BY_PEER",
        "The other side accepts post-quantum sessions only, and this one used " + group +
            ": your Duet or its OpenSSL is too old for X25519MLKEM768 (OpenSSL 3.5, as on Debian "
            "13, has it). Nothing was sent. Update Duet on this machine, or ask them to start "
            "without --require-pq."});
  }
  switch (channel_) {
    case Channel::kCodeCheck: return HandleCodeFrame(msg);
    case Channel::kCommitting: return HandleSasFrame(msg);
    case Channel::kHello:
      if (const auto* hello = std::get_if<app::Hello>(&msg)) return HandleHello(*hello);
      return FailTransport(PeerProtocolError("a message before HELLO"));
    case Channel::kSecure:
    case Channel::kQuarantined: return HandleSecureMessage(msg);
    case Channel::kNone:
    case Channel::kHandshaking:
    case Channel::kClosing: return;  // nothing can be decrypted then, or nothing matters now
  }
}

// The code check: only its frames, each in its turn. Once our share went out, any failure uses
// the code up (the run ends): whoever answered has had its one guess.
void Session::HandleCodeFrame(const app::AppMessage& msg) {
  auto fail = [&](const Error& error) {
    const bool used = code_->share_sent() || error.code == "CODE_MISMATCH";
    code_.reset();
    if (!used) return FailTransport(error);
    if (error.code == "CODE_MISMATCH") {
      // Tell the other side, so that both say the same sentence (the relay may drop it: the
      // other side then ends with CODE_INTERRUPTED).
      SendBye(kByeCodeMismatch);
      return Fatal(error);
    }
    // Broken off some other way after our share went out: said, and the code is used up.
    listener_.OnError(error, false);
    return Fatal(CodeInterrupted());
  };
  if (const auto* share = std::get_if<app::CodeShare>(&msg)) {
    Result<std::vector<app::AppMessage>> replies = code_->OnShare(*share);
    if (!replies) return fail(replies.error());
    for (const app::AppMessage& r : *replies) {
      SendApp(r);
      if (!tls_) return;
    }
    return;
  }
  if (const auto* confirm = std::get_if<app::CodeConfirm>(&msg)) {
    Result<std::optional<app::CodeConfirm>> reply = code_->OnConfirm(*confirm);
    if (!reply) return fail(reply.error());
    if (*reply) SendApp(**reply);
    if (!tls_) return;
    // Checked: the key of this session is the one of the person who holds the code. The code is
    // used up; from now on this run accepts that key only.
    Result<crypto::Fingerprint> fp = tls_->peer_fingerprint();
    if (!fp) return FailTransport(fp.error());
    code_.reset();
    code_checked_ = true;
    config_.expected_peer = *fp;
    OPENSSL_cleanse(config_.code.data(), config_.code.size());  // used up: not needed again
    config_.code.clear();
    return StartSasExchange();
  }
  if (const auto* bye = std::get_if<app::Bye>(&msg); bye && bye->reason == kByeCodeMismatch) {
    return fail(CodeMismatch());
  }
  if (!code_->share_sent() &&
      (std::holds_alternative<app::SasCommit>(msg) || std::holds_alternative<app::Hello>(msg))) {
    return fail(Error{"CODE_MISSING",
                      "Someone joined the code's room without the code's words (or with an older "
                      "Duet). Nothing was sent to them; Duet waits for the person with the code."});
  }
  return fail(PeerProtocolError("a message before the code check finished"));
}

// The SAS exchange: only its three frames, each in its turn.
void Session::HandleSasFrame(const app::AppMessage& msg) {
  if (const auto* c = std::get_if<app::SasCommit>(&msg)) {
    Result<app::SasNonce> nonce = sas_->OnCommit(*c);
    if (!nonce) return FailTransport(nonce.error());
    return SendApp(*nonce);
  }
  if (const auto* n = std::get_if<app::SasNonce>(&msg)) {
    Result<app::SasReveal> reveal = sas_->OnNonce(*n);
    if (!reveal) return FailTransport(reveal.error());
    SendApp(*reveal);
    if (!tls_) return;
    channel_ = Channel::kHello;
    return SendHello();
  }
  if (const auto* r = std::get_if<app::SasReveal>(&msg)) {
    Status st = sas_->OnReveal(*r);
    if (!st) return FailTransport(st.error());
    channel_ = Channel::kHello;
    return SendHello();
  }
  if (std::holds_alternative<app::Hello>(msg)) {
    // A version 1 peer says HELLO at once: it has no code exchange.
    return Fatal(Error{"BAD_VERSION",
                       "The other side runs an older Duet (protocol version 1) without the "
                       "security code exchange. Update Duet on both machines to the same "
                       "release."});
  }
  if (std::holds_alternative<app::CodeShare>(msg)) {
    // The other side holds a code for this room and we joined without it: trying again as we
    // are cannot help.
    return Fatal(Error{"CODE_REQUIRED",
                       "The other side checks a code in this room: join with the whole code it "
                       "read out (the number and the words, as in 7301-acorn-gravy-petal)."});
  }
  return FailTransport(PeerProtocolError("a message before the security code exchange finished"));
}

// After HELLO: the conversation, or (kQuarantined) what a changed key sends, held unread.
// `was_held`: the frame was held in quarantine and is replayed now that its key is accepted.
void Session::HandleSecureMessage(const app::AppMessage& msg, bool was_held) {
  const bool quarantined = channel_ == Channel::kQuarantined;
  std::visit(
      [&](const auto& m) {
        using T = std::decay_t<decltype(m)>;
        if constexpr (std::is_same_v<T, app::Hello> || std::is_same_v<T, app::SasCommit> ||
                      std::is_same_v<T, app::SasNonce> || std::is_same_v<T, app::SasReveal> ||
                      std::is_same_v<T, app::CodeShare> || std::is_same_v<T, app::CodeConfirm>) {
          FailTransport(
              PeerProtocolError(std::string("a second ") +
                                (std::is_same_v<T, app::Hello> ? "HELLO" : "code exchange")));
        } else if constexpr (std::is_same_v<T, app::ChatMessage>) {
          if (quarantined) return Hold(m, m.text.size());
          ShowMessage(m, was_held);
        } else if constexpr (std::is_same_v<T, app::Receipt>) {
          auto it = std::find_if(outbox_.begin(), outbox_.end(),
                                 [&](const Outgoing& o) { return o.id == m.id; });
          if (it == outbox_.end() || !it->sent) return;  // a duplicate, or not ours to receipt
          outbox_.erase(it);
          listener_.OnDelivered(HexId(m.id));
        } else if constexpr (std::is_same_v<T, app::Ping>) {
          SendApp(app::Pong{m.nonce});
        } else if constexpr (std::is_same_v<T, app::Pong>) {
          // Liveness only (HandleAppMessage noted it).
        } else if constexpr (std::is_same_v<T, app::Bye>) {
          if (m.reason == kByeVerificationFailed || m.reason == kByeKeyRejected) {
            listener_.OnError(
                Error{"PEER_REJECTED_VERIFICATION",
                      peer_.name + " said the security codes did not match and ended the "
                                   "session. Compare them again in person or by phone."},
                false);
          }
        } else {
          // The file protocol. A changed key's offers are held; the rest of what it sends is
          // ignored: it was never offered anything and never had an offer accepted.
          if (quarantined) {
            if constexpr (std::is_same_v<T, app::FileOffer>) Hold(m, m.name.size() + 64);
            if constexpr (std::is_same_v<T, app::FolderOffer>) Hold(m, m.name.size() + 64);
            if constexpr (std::is_same_v<T, app::FolderFile>) Hold(m, m.path.size() + 64);
            return;
          }
          wire::Bytes replies;
          Status st = transfers_.Handle(m, true, replies);
          if (!st) return FailTransport(PeerProtocolError(st.error().message));
          SendPlain(replies);
        }
      },
      msg);
}

// Acknowledge every copy; show only the first (a resend after a reconnect, or a replay,
// carries an id we have seen).
void Session::ShowMessage(const app::ChatMessage& m, bool held) {
  if (seen_ids_.insert(m.id).second) {
    seen_order_.push_back(m.id);
    if (seen_order_.size() > kMaxSeenIds) {
      seen_ids_.erase(seen_order_.front());
      seen_order_.pop_front();
    }
    ReceivedMessage r;
    r.id = HexId(m.id);
    r.from = peer_.name;
    r.text = SanitizeText(m.text);
    r.timestamp_ms = static_cast<int64_t>(m.timestamp_ms);
    r.trust = held ? TrustLevel::kChanged : peer_.trust;
    r.held = held;
    listener_.OnMessage(r);
  }
  SendApp(app::Receipt{m.id});
}

void Session::FlushOutbox() {
  if (!can_send()) return;
  for (Outgoing& o : outbox_) {
    if (o.sent) continue;
    o.sent = true;
    StartWaiting(config_.now_ms());
    SendApp(app::ChatMessage{o.id, static_cast<uint64_t>(o.timestamp_ms), o.text});
    if (!tls_) return;
  }
  wire::Bytes offers;
  transfers_.OnSecure(peer_.fingerprint, peer_takes_folders_, offers);
  SendPlain(offers);
}

}  // namespace duet::peer
