#include "peer/gui/chat_model.h"

namespace duet::peer::gui {

void ChatModel::Add(TranscriptLine line) {
  transcript_.push_back(std::move(line));
  Changed();
}

void ChatModel::AddSystem(const std::string& text) {
  Add(TranscriptLine{TranscriptLine::Kind::kSystem, text, now_ms_(), {}, false, false});
}

void ChatModel::BeginSession(const std::string& room) {
  state_ = SessionState::kConnecting;
  has_peer_ = false;
  peer_ = PeerInfo{};
  end_reason_.clear();
  end_code_.clear();
  AddSystem("Joining room " + room + "…");
}

void ChatModel::OnStateChanged(SessionState state) {
  if (state == state_) return;
  state_ = state;
  // The peer of a past TLS session stays in the header while it is away (so the person sees
  // who left) and when the session ends; a new connection or handshake forgets it.
  if (state != SessionState::kSecure && state != SessionState::kPeerLeft &&
      state != SessionState::kClosed) {
    has_peer_ = false;
  }
  if (state != SessionState::kSecure) stalled_ = false;
  held_ = 0;
  if (state == SessionState::kWaitingForPeer) {
    AddSystem("Waiting for the other person to join this room.");
  }
  if (state == SessionState::kClosed) FailUnfinishedFiles();
  Changed();
}

void ChatModel::OnSecure(const PeerInfo& peer) {
  const bool again =
      has_peer_ && peer.fingerprint == peer_.fingerprint && state_ == SessionState::kSecure;
  const TrustLevel before = peer_.trust;
  has_peer_ = true;
  peer_ = peer;
  if (peer.trust != TrustLevel::kChanged) held_ = 0;
  if (!again) {
    std::string how;
    switch (peer.trust) {
      case TrustLevel::kNew: how = "first contact: compare the codes to verify them"; break;
      case TrustLevel::kKnown: how = "the same key as last time"; break;
      case TrustLevel::kVerified:
        how = peer.code_checked ? "verified: checked by the code you exchanged" : "verified";
        break;
      case TrustLevel::kChanged: how = "their key has CHANGED"; break;
    }
    std::string also;
    if (!peer.claimed_name.empty() && peer.claimed_name != peer.name) {
      also = " It calls itself \"" + peer.claimed_name + "\" now.";
    } else if (peer.trust == TrustLevel::kChanged && !peer.contact.empty() &&
               peer.contact != peer.name) {
      also = " Its name looks like your contact " + peer.contact + "'s.";
    }
    AddSystem("Secure session with " + peer.name + " (" + how + ")." + also);
  } else if (before != TrustLevel::kVerified && peer.trust == TrustLevel::kVerified) {
    AddSystem(before == TrustLevel::kChanged ? "You accepted " + peer.name + "'s new key."
                                             : "You verified " + peer.name + ".");
  }
  Changed();
}

void ChatModel::OnMessage(const ReceivedMessage& message) {
  // Held messages come together when the key is accepted: one heading above them all.
  if (message.held && !held_heading_) AddSystem("Sent before you accepted the new key:");
  held_heading_ = message.held;
  Add(TranscriptLine{TranscriptLine::Kind::kPeer, message.text, message.timestamp_ms, message.id,
                     false, false});
}

void ChatModel::OnStalled(int64_t /*silent_ms*/) {
  stalled_ = true;
  for (FileCard& c : files_)
    if (c.state == FileState::kTransferring) c.stalled = true;
  Changed();
}

void ChatModel::OnLive() {
  stalled_ = false;
  for (FileCard& c : files_) c.stalled = false;
  Changed();
}

void ChatModel::OnQuarantined(size_t held) {
  held_ = held;
  Changed();
}

void ChatModel::OnDelivered(const std::string& id) {
  for (auto it = transcript_.rbegin(); it != transcript_.rend(); ++it) {
    if (it->kind == TranscriptLine::Kind::kOwn && it->id == id) {
      it->delivered = true;
      Changed();
      return;
    }
  }
}

void ChatModel::OnPeerLeft() {
  stalled_ = false;
  AddSystem((has_peer_ ? peer_.name : std::string("The other person")) +
            " left. Waiting for them to come back.");
}

void ChatModel::OnError(const Error& error, bool fatal) {
  if (error.code == "KEY_CHANGED") return;  // the banner says it, louder
  if (fatal) {
    end_code_ = error.code;
    end_reason_ = error.message;
  }
  Add(TranscriptLine{TranscriptLine::Kind::kWarning, error.message, now_ms_(), {}, false, false});
}

size_t ChatModel::AddOwn(const std::string& text) {
  Add(TranscriptLine{TranscriptLine::Kind::kOwn, text, now_ms_(), {}, false, false});
  return transcript_.size() - 1;
}

void ChatModel::AttachId(size_t index, const std::string& id) {
  if (index >= transcript_.size()) return;
  transcript_[index].id = id;
  Changed();
}

void ChatModel::MarkFailed(size_t index, const Error& error) {
  if (index >= transcript_.size()) return;
  transcript_[index].failed = true;
  Add(TranscriptLine{
      TranscriptLine::Kind::kWarning, "Not sent: " + error.message, now_ms_(), {}, false, false});
}

std::string ChatModel::StateLabel() const {
  switch (state_) {
    case SessionState::kConnecting: return "connecting";
    case SessionState::kWaitingForPeer: return "waiting for peer";
    case SessionState::kHandshaking: return "securing";
    case SessionState::kSecure: return stalled_ ? "no answer from the other side" : "secure";
    case SessionState::kPeerLeft: return "peer left";
    case SessionState::kReconnecting: return "reconnecting";
    case SessionState::kClosed: return "ended";
  }
  return "";
}

std::string ChatModel::TrustLabel() const {
  if (!has_peer_) return "";
  switch (peer_.trust) {
    case TrustLevel::kNew: return "new";
    case TrustLevel::kKnown: return "known";
    case TrustLevel::kVerified: return "verified";
    case TrustLevel::kChanged: return "KEY CHANGED";
  }
  return "";
}

std::string ChatModel::BadgeLabel() const {
  return checked_by_code() ? "verified by code" : TrustLabel();
}

std::string ChatModel::TrustDetail() const {
  if (!has_peer_) return "";
  if (checked_by_code()) return "Verified — checked by the code you exchanged";
  switch (peer_.trust) {
    case TrustLevel::kNew: return "New — compare the codes to verify this key";
    case TrustLevel::kKnown: return "Known — the same key as last time, not verified";
    case TrustLevel::kVerified: return "Verified — you compared the codes";
    case TrustLevel::kChanged: return "Their key has CHANGED";
  }
  return "";
}

std::string ChatModel::Title() const {
  std::string title = "Duet";
  if (has_peer_) title += " — " + peer_.name;
  return title + " · " + StateLabel();
}

}  // namespace duet::peer::gui
