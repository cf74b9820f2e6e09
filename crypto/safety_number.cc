#include "crypto/safety_number.h"

#include <openssl/evp.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <vector>

#include "wire/hex.h"

namespace duet::crypto {
namespace {

// label || lower || higher over the two raw fingerprints (ordered bytewise): the same input on
// both sides, whoever computes it.
std::vector<uint8_t> OrderedPair(std::string_view label, const Fingerprint& a,
                                 const Fingerprint& b) {
  const Fingerprint& lo = a.bytes <= b.bytes ? a : b;
  const Fingerprint& hi = a.bytes <= b.bytes ? b : a;
  std::vector<uint8_t> input(label.begin(), label.end());
  input.insert(input.end(), lo.bytes.begin(), lo.bytes.end());
  input.insert(input.end(), hi.bytes.begin(), hi.bytes.end());
  return input;
}

template <size_t N>
std::array<uint8_t, N> Digest(const std::vector<uint8_t>& input, const EVP_MD* md) {
  std::array<uint8_t, N> h{};
  unsigned int len = 0;
  if (EVP_Digest(input.data(), input.size(), h.data(), &len, md, nullptr) != 1 || len != N) {
    std::abort();  // a fixed hash over a small buffer cannot fail unless OpenSSL is broken
  }
  return h;
}

}  // namespace

std::string SafetyNumber(const Fingerprint& a, const Fingerprint& b) {
  const auto h = Digest<64>(OrderedPair("duet-safety-v1", a, b), EVP_sha512());
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
  const auto h = Digest<32>(OrderedPair("duet-contact-room-v1", a, b), EVP_sha256());
  return "c-" + wire::ToHex(wire::ByteView(h.data(), 20));
}

}  // namespace duet::crypto
