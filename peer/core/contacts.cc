#include "peer/core/contacts.h"

#include <algorithm>

#include "peer/core/names.h"

namespace duet::peer {

Result<crypto::Pin> FindContact(const std::vector<crypto::Pin>& pins, std::string_view name) {
  const std::string wanted = NormalizeName(name);
  const crypto::Pin* found = nullptr;
  for (const crypto::Pin& p : pins) {
    if (NormalizeName(p.name) != wanted) continue;
    if (found != nullptr) {
      return Error{"AMBIGUOUS_CONTACT", "More than one pinned contact is called \"" +
                                            std::string(name) +
                                            "\". Meet them with a room code instead (--room)."};
    }
    found = &p;
  }
  if (found == nullptr) {
    return Error{"NO_SUCH_CONTACT", "No contact called \"" + std::string(name) +
                                        "\" is pinned yet. Meet them once with a room code "
                                        "(--room); after that --to finds them."};
  }
  return *found;
}

KeyVerdict Contacts::Classify(const crypto::Fingerprint& key, std::string_view hello_name) const {
  const std::vector<crypto::Pin>& pins = storage_.pins();
  for (const crypto::Pin& p : pins) {
    if (p.fingerprint == key) {
      return KeyVerdict{p.verified ? TrustLevel::kVerified : TrustLevel::kKnown, p.name,
                        p.fingerprint};
    }
  }
  for (const crypto::Pin& p : pins) {
    if (NamesCollide(p.name, hello_name)) {
      return KeyVerdict{TrustLevel::kChanged, p.name, p.fingerprint};
    }
  }
  return KeyVerdict{};
}

namespace {

Error PinsFull() {
  return Error{"PINS_FULL", "This key was not pinned: " + std::to_string(Contacts::kMaxContacts) +
                                " contacts are pinned, as many as Duet keeps. Remove the lines of "
                                "contacts you no longer need from the file \"pins\" in your Duet "
                                "folder."};
}

}  // namespace

Status Contacts::PinNew(std::string_view name, const crypto::Fingerprint& key, int64_t now_ms) {
  std::vector<crypto::Pin> pins = storage_.pins();
  for (const crypto::Pin& p : pins) {
    if (p.fingerprint == key) return Status();
  }
  if (pins.size() >= kMaxContacts) return PinsFull();
  pins.push_back(crypto::Pin{std::string(name), key, now_ms / 1000, false});
  return storage_.Store(std::move(pins));
}

Status Contacts::MarkVerified(std::string_view name, const crypto::Fingerprint& key,
                              int64_t now_ms) {
  std::vector<crypto::Pin> pins = storage_.pins();
  auto it = std::find_if(pins.begin(), pins.end(),
                         [&](const crypto::Pin& p) { return p.fingerprint == key; });
  if (it != pins.end()) {
    if (it->verified) return Status();
    it->verified = true;
    return storage_.Store(std::move(pins));
  }
  if (pins.size() >= kMaxContacts) {
    auto oldest = pins.end();
    for (auto p = pins.begin(); p != pins.end(); ++p) {
      if (!p->verified && (oldest == pins.end() || p->first_seen_s < oldest->first_seen_s)) {
        oldest = p;
      }
    }
    if (oldest == pins.end()) return PinsFull();
    pins.erase(oldest);
  }
  pins.push_back(crypto::Pin{std::string(name), key, now_ms / 1000, true});
  return storage_.Store(std::move(pins));
}

Status Contacts::AcceptChangedKey(const crypto::Fingerprint& old_key,
                                  const crypto::Fingerprint& key, int64_t now_ms) {
  std::vector<crypto::Pin> pins = storage_.pins();
  auto old = std::find_if(pins.begin(), pins.end(),
                          [&](const crypto::Pin& p) { return p.fingerprint == old_key; });
  if (old == pins.end()) {
    return Error{"NOT_SECURE",
                 "The contact whose key changed is no longer pinned; nothing was changed."};
  }
  const std::string name = old->name;
  std::erase_if(
      pins, [&](const crypto::Pin& p) { return p.fingerprint == old_key || p.fingerprint == key; });
  pins.push_back(crypto::Pin{name, key, now_ms / 1000, true});
  return storage_.Store(std::move(pins));
}

}  // namespace duet::peer
