#include "crypto/safety_number.h"

#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace duet::crypto {

std::string SafetyNumber(const Fingerprint& a, const Fingerprint& b) {
  static constexpr std::string_view kLabel = "duet-safety-v1";
  const Fingerprint& lo = a.bytes <= b.bytes ? a : b;
  const Fingerprint& hi = a.bytes <= b.bytes ? b : a;
  std::array<uint8_t, kLabel.size() + 64> input{};
  std::copy(kLabel.begin(), kLabel.end(), input.begin());
  std::copy(lo.bytes.begin(), lo.bytes.end(), input.begin() + kLabel.size());
  std::copy(hi.bytes.begin(), hi.bytes.end(), input.begin() + kLabel.size() + 32);

  std::array<uint8_t, 64> h{};
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), h.data(), &len, EVP_sha512(), nullptr) != 1) {
    std::abort();  // SHA-512 over a fixed-size buffer cannot fail unless OpenSSL is broken
  }
  std::string out;
  for (int group = 0; group < 12; ++group) {
    uint64_t v = 0;
    for (int k = 0; k < 5; ++k) v = (v << 8) | h[group * 5 + k];
    char buf[8];
    std::snprintf(buf, sizeof(buf), "%05u", static_cast<unsigned>(v % 100000));
    if (group > 0) out += ' ';
    out += buf;
  }
  return out;
}

std::string ContactRoom(const Fingerprint& a, const Fingerprint& b) {
  static constexpr std::string_view kLabel = "duet-contact-room-v1";
  const Fingerprint& lo = a.bytes <= b.bytes ? a : b;
  const Fingerprint& hi = a.bytes <= b.bytes ? b : a;
  std::array<uint8_t, kLabel.size() + 64> input{};
  std::copy(kLabel.begin(), kLabel.end(), input.begin());
  std::copy(lo.bytes.begin(), lo.bytes.end(), input.begin() + kLabel.size());
  std::copy(hi.bytes.begin(), hi.bytes.end(), input.begin() + kLabel.size() + 32);
  std::array<uint8_t, 32> h{};
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), h.data(), &len, EVP_sha256(), nullptr) != 1) {
    std::abort();  // as above
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string room = "c-";
  for (int i = 0; i < 20; ++i) {
    room += kHex[h[i] >> 4];
    room += kHex[h[i] & 15];
  }
  return room;
}

}  // namespace duet::crypto
