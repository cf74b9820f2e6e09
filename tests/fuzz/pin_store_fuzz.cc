// libFuzzer target: the pin-store file parser (crypto/pin_store.h, ParsePins).
//
// Whatever parses must survive a round trip: FormatPins then ParsePins gives the same pins.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crypto/pin_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace crypto = duet::crypto;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  duet::Result<std::vector<crypto::Pin>> pins = crypto::ParsePins(text);
  if (!pins.ok()) return 0;
  duet::Result<std::vector<crypto::Pin>> again = crypto::ParsePins(crypto::FormatPins(*pins));
  if (!again.ok() || again->size() != pins->size()) abort();
  for (size_t i = 0; i < pins->size(); ++i) {
    const crypto::Pin& a = (*pins)[i];
    const crypto::Pin& b = (*again)[i];
    if (a.name != b.name || a.fingerprint != b.fingerprint || a.first_seen_s != b.first_seen_s ||
        a.verified != b.verified) {
      abort();
    }
  }
  return 0;
}
