// The Session's trust decisions: HELLO (who the peer says it is, checked against the key it
// proved), the contacts (peer/core/contacts.h), the quarantine of a changed key, and the user's
// /trust and "they don't match".
#include <variant>

#include "crypto/safety_number.h"
#include "peer/core/names.h"
#include "peer/core/sanitize.h"
#include "peer/core/session.h"
#include "peer/core/session_internal.h"

namespace duet::peer {

namespace app = wire::app;

void Session::HandleHello(const app::Hello& hello) {
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
  // A name that could pass for another (invisible characters, spaces at its ends) is refused
  // outright: it is never shown, pinned or compared.
  Result<std::string> name = CheckPeerName(hello.name);
  if (!name) return FailTransport(name.error());
  Result<crypto::Fingerprint> fp = tls_->peer_fingerprint();
  if (!fp) return FailTransport(fp.error());

  // The key first: a pinned key is its contact, whatever it calls itself now.
  const KeyVerdict verdict = contacts_.Classify(*fp, *name);
  peer_ = PeerInfo{};
  peer_takes_folders_ = (hello.capabilities & app::kCapFolders) != 0;
  peer_.claimed_name = SanitizeLine(*name);
  peer_.contact = SanitizeLine(verdict.contact);
  peer_.trust = verdict.trust;
  const bool pinned = verdict.trust == TrustLevel::kKnown || verdict.trust == TrustLevel::kVerified;
  peer_.name = pinned ? peer_.contact : peer_.claimed_name;
  peer_.fingerprint = fp->Hex();
  peer_.fingerprint_grouped = fp->Grouped();
  peer_.own_fingerprint_grouped = config_.identity->fingerprint().Grouped();
  peer_.sas = sas_->sas();
  peer_.safety_number = crypto::SafetyNumber(config_.identity->fingerprint(), *fp);

  peer_.code_checked = code_checked_;
  peer_.key_agreement = tls_->group();
  peer_.post_quantum = tls_->post_quantum();
  if (code_checked_ && verdict.trust != TrustLevel::kChanged) {
    // The code proved this key belongs to the person it was read out to: pinned as verified, no
    // digits to compare. (A key whose name matches another contact is still a key change: the
    // code says who holds the key, not that they are that contact.)
    Status saved = contacts_.MarkVerified(verdict.trust == TrustLevel::kNew ? *name : peer_.name,
                                          *fp, config_.now_ms());
    if (!saved) listener_.OnError(saved.error(), false);
    peer_.trust = TrustLevel::kVerified;
    if (peer_.contact.empty()) peer_.contact = peer_.name;
    if (config_.expected_name.empty()) config_.expected_name = peer_.name;
  } else if (verdict.trust == TrustLevel::kNew) {
    Status saved = contacts_.PinNew(*name, *fp, config_.now_ms());
    if (!saved) listener_.OnError(saved.error(), false);
  }
  channel_ = verdict.trust == TrustLevel::kChanged ? Channel::kQuarantined : Channel::kSecure;
  changed_contact_key_ = verdict.contact_key;
  ReportState();
  listener_.OnSecure(peer_);
  if (channel_ == Channel::kQuarantined) {
    const bool same = peer_.claimed_name == peer_.contact;
    listener_.OnError(
        Error{"KEY_CHANGED",
              (same ? peer_.contact + "'s key is not the one you saw before."
                    : "This key calls itself \"" + peer_.claimed_name +
                          "\", a name that looks like your contact \"" + peer_.contact +
                          "\", but it is not " + peer_.contact + "'s key.") +
                  " Someone may be between you, or they reinstalled Duet. Sending is blocked "
                  "and anything this key sends is held unread until you compare the safety "
                  "number with them and accept the new key (/trust) or refuse it."},
        false);
    return;
  }
  FlushOutbox();
}

// A changed key's message or offer: held in order, unread, unanswered.
// Bounded twice: by bytes (each item charged its payload and its own size) and by count. The
// listener hears of the first items and then of every power of two, not of each one.
void Session::Hold(const app::AppMessage& msg, size_t bytes) {
  bytes += sizeof(app::AppMessage);
  if (held_bytes_ + bytes > config_.max_held_bytes || held_.size() >= kMaxHeldItems) {
    ++held_dropped_;
  } else {
    held_bytes_ += bytes;
    held_.push_back(msg);
  }
  const size_t n = held_.size() + held_dropped_;
  if (n <= 16 || (n & (n - 1)) == 0) listener_.OnQuarantined(n);
}

std::pair<std::vector<app::AppMessage>, size_t> Session::TakeHeld() {
  std::pair<std::vector<app::AppMessage>, size_t> taken{std::move(held_), held_dropped_};
  held_.clear();
  held_bytes_ = held_dropped_ = 0;
  return taken;
}

// The changed key is left without being accepted (refused, or its session ended): what it sent
// is gone, and the run ends as a security failure.
void Session::DropHeld(const std::string& why) {
  left_key_unaccepted_ = true;
  const auto [held, dropped] = TakeHeld();
  const size_t n = held.size() + dropped;
  if (n == 0) return;
  listener_.OnError(
      Error{"QUARANTINE_DROPPED",
            std::to_string(n) +
                (n == 1 ? " message or file offer from the changed key was dropped unread: "
                        : " messages and file offers from the changed key were dropped unread: ") +
                why + "."},
      false);
}

Status Session::TrustPeer(std::string_view expected_fingerprint) {
  if (!has_peer()) {
    return Error{"NOT_SECURE", "There is no secure session with a peer to trust yet."};
  }
  if (!expected_fingerprint.empty() && expected_fingerprint != peer_.fingerprint) {
    return Error{"PEER_CHANGED",
                 "The other side's key changed since it was shown to you (a new session began). "
                 "Nothing was trusted: compare the new codes, then trust again."};
  }
  Result<crypto::Fingerprint> fp = crypto::Fingerprint::FromHex(peer_.fingerprint);
  if (!fp) return fp.error();
  Status saved;
  if (channel_ == Channel::kQuarantined) {
    saved = contacts_.AcceptChangedKey(changed_contact_key_, *fp, config_.now_ms());
    if (!saved) return saved;
    peer_.name = peer_.contact;
  } else {
    saved = contacts_.MarkVerified(peer_.name, *fp, config_.now_ms());
    if (peer_.contact.empty()) peer_.contact = peer_.name;
  }
  peer_.trust = TrustLevel::kVerified;
  const bool was_held = channel_ == Channel::kQuarantined;
  channel_ = Channel::kSecure;
  listener_.OnSecure(peer_);
  if (was_held) {
    // What the key sent before it was accepted: shown now, marked, and answered.
    const auto [held, dropped] = TakeHeld();
    for (const app::AppMessage& m : held) {
      if (!tls_ || wants_disconnect_) break;
      HandleSecureMessage(m, /*was_held=*/true);
    }
    if (dropped > 0) {
      listener_.OnError(
          Error{"QUARANTINE_DROPPED", std::to_string(dropped) +
                                          (dropped == 1 ? " more item from this key was"
                                                        : " more items from this key were") +
                                          " dropped unread: the quarantine holds at most " +
                                          std::to_string(config_.max_held_bytes) + " bytes."},
          false);
    }
  }
  FlushOutbox();
  return saved;
}

Status Session::RejectPeer() {
  if (!has_peer()) {
    return Error{"NOT_SECURE", "There is no secure session with a peer to refuse yet."};
  }
  const bool changed = channel_ == Channel::kQuarantined;
  if (changed) DropHeld("you refused the key");
  SendBye(changed ? kByeKeyRejected : kByeVerificationFailed);
  quitting_ = true;
  Fatal(changed ? Error{"KEY_REFUSED",
                        "You refused the changed key: nothing was sent to it and nothing it sent "
                        "was shown. The session was ended."}
                : Error{"VERIFICATION_FAILED",
                        "You said the security codes do not match: someone may be between you "
                        "and the peer. The session was ended and nothing more was sent."});
  return Status();
}

}  // namespace duet::peer
