// Contacts are keys, not names (DESIGN.md section 2). A peer's key (fingerprint) decides who it
// is: a pinned key is shown under the name it was pinned with, whatever it calls itself now. A
// name is only a hint, and a dangerous one: a new key whose name a person could take for a
// pinned contact's (peer/core/names.h: same after normalisation, or confusable) is that
// contact's key changed, and is blocked like one.
//
// Where the pins live comes in through PinStorage (the pin file in the home folder, peer/net;
// a vector in tests), so the session's logic needs no folder. Not thread-safe: the session's
// thread uses it. The storage must outlive the Contacts.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/fingerprint.h"
#include "crypto/pin_store.h"
#include "peer/core/listener.h"
#include "wire/result.h"

namespace duet::peer {

class PinStorage {
 public:
  virtual ~PinStorage() = default;
  virtual const std::vector<crypto::Pin>& pins() const = 0;
  // Replaces every pin and makes it last (a failure leaves the old pins in force on disk; the
  // new ones stay in memory for this run).
  virtual Status Store(std::vector<crypto::Pin> pins) = 0;
};

// What a key presented under a name is to us.
struct KeyVerdict {
  TrustLevel trust = TrustLevel::kNew;
  // kKnown/kVerified: the name this key was pinned with. kChanged: the pinned contact whose
  // name the new key's name matches. kNew: empty.
  std::string contact;
  // The pinned key of `contact` (kChanged: what accepting the new key replaces).
  crypto::Fingerprint contact_key;
};

// The pinned contact called `name` (compared after NormalizeName), for `--to`: NO_SUCH_CONTACT
// when none is, AMBIGUOUS_CONTACT when several are.
Result<crypto::Pin> FindContact(const std::vector<crypto::Pin>& pins, std::string_view name);

class Contacts {
 public:
  explicit Contacts(PinStorage& storage) : storage_(storage) {}

  // The key first, then the name: a pinned key is its contact; an unpinned key whose name
  // collides with a pinned contact's is that contact's key changed; else it is new.
  KeyVerdict Classify(const crypto::Fingerprint& key, std::string_view hello_name) const;

  // First contact: pins `key` under `name`. PINS_FULL (nothing pinned, the session goes on as
  // with a new key) once kMaxContacts keys are pinned: the file never grows into one Duet cannot
  // load, however many keys a peer (or a relay) cycles through.
  static constexpr size_t kMaxContacts = 1000;
  Status PinNew(std::string_view name, const crypto::Fingerprint& key, int64_t now_ms);
  // The user compared codes: the pin of `key` is verified. A key that could not be pinned (the
  // pins were full) is pinned now under `name`, in the place of the oldest unverified pin: a
  // deliberate /trust is never lost to keys that only passed by. PINS_FULL when every pin is
  // verified.
  Status MarkVerified(std::string_view name, const crypto::Fingerprint& key, int64_t now_ms);
  // The user accepts `key` as the new key of the contact pinned with `old_key`: the old key is
  // forgotten and `key` is pinned under the contact's name, verified (the user compared codes
  // to accept it). Acts on keys only; NOT_SECURE if `old_key` is no longer pinned.
  Status AcceptChangedKey(const crypto::Fingerprint& old_key, const crypto::Fingerprint& key,
                          int64_t now_ms);

 private:
  PinStorage& storage_;
};

}  // namespace duet::peer
