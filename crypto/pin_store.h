// The pin store's file: trust on first use. It remembers, per key (fingerprint), the name the
// key was first seen under, when, and whether the user verified it (compared the SAS or safety
// number). Keys, not names, are the contacts: peer/core/contacts.h decides trust.
//
// The file is plain text a person can read (one peer per line, see ParsePins), written
// atomically with mode 0600. A damaged file is an error (PINS_DAMAGED, with the line number),
// never silently emptied: losing pins would turn a key change into a "new" peer.
//
// Not thread-safe: one thread (the session's) uses a PinStore.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/fingerprint.h"
#include "wire/result.h"

namespace duet::crypto {

struct Pin {
  std::string name;  // the display name the key was pinned with (the peer's first HELLO)
  Fingerprint fingerprint;
  int64_t first_seen_s = 0;  // Unix time, seconds
  bool verified = false;
};

// The file's lines: "<64 hex> <verified|unverified> <YYYY-MM-DDTHH:MM:SSZ> <name>", where bytes
// of the name below 0x20, 0x7f and '%' are written as %XX. Lines starting with '#' and blank
// lines are ignored. One line per fingerprint. Pure, so it can be fuzzed. PINS_DAMAGED names the
// first bad line.
Result<std::vector<Pin>> ParsePins(std::string_view text);
std::string FormatPins(const std::vector<Pin>& pins);

class PinStore {
 public:
  // A missing file is an empty store.
  static Result<PinStore> Open(std::filesystem::path path);

  const std::vector<crypto::Pin>& pins() const { return pins_; }
  // Replaces the pins and writes the file (atomically, 0600).
  Status Store(std::vector<crypto::Pin> pins);

 private:
  explicit PinStore(std::filesystem::path path) : path_(std::move(path)) {}

  std::filesystem::path path_;
  std::vector<crypto::Pin> pins_;
};

}  // namespace duet::crypto
