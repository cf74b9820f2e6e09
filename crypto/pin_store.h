// The pin store: trust on first use. It remembers, per peer name, the fingerprint first seen
// under that name, when, and whether the user verified it (compared the SAS or safety number).
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

enum class Trust { kNew, kKnown, kVerified, kChanged };

struct Pin {
  std::string name;  // exact bytes of the display name the peer sent
  Fingerprint fingerprint;
  int64_t first_seen_s = 0;  // Unix time, seconds
  bool verified = false;
};

// The file's lines: "<64 hex> <verified|unverified> <YYYY-MM-DDTHH:MM:SSZ> <name>", where bytes
// of the name below 0x20, 0x7f and '%' are written as %XX. Lines starting with '#' and blank
// lines are ignored. Pure, so it can be fuzzed. PINS_DAMAGED names the first bad line.
Result<std::vector<Pin>> ParsePins(std::string_view text);
std::string FormatPins(const std::vector<Pin>& pins);

class PinStore {
 public:
  // A missing file is an empty store.
  static Result<PinStore> Open(std::filesystem::path path);

  Trust Lookup(std::string_view name, const Fingerprint& fp) const;
  // First contact: pins `fp` under `name` (no-op if the name is pinned already).
  void Pin(std::string_view name, const Fingerprint& fp, int64_t now_ms);
  // The user compared codes: marks the pin verified (only if it is `fp`).
  void MarkVerified(std::string_view name, const Fingerprint& fp);
  // The user accepts a changed key: replaces the pin, unverified, first seen now.
  void AcceptNewKey(std::string_view name, const Fingerprint& fp, int64_t now_ms);
  Status Save() const;

  const std::vector<crypto::Pin>& pins() const { return pins_; }

 private:
  explicit PinStore(std::filesystem::path path) : path_(std::move(path)) {}
  crypto::Pin* Find(std::string_view name);
  const crypto::Pin* Find(std::string_view name) const;

  std::filesystem::path path_;
  std::vector<crypto::Pin> pins_;
};

}  // namespace duet::crypto
