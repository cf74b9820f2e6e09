#include "crypto/sas.h"

#include <openssl/crypto.h>

#include <cstdio>

#include "crypto/ossl.h"

namespace duet::crypto {

std::string RenderSas(const std::array<uint8_t, 8>& exported) {
  uint32_t v = (uint32_t{exported[0]} << 24) | (uint32_t{exported[1]} << 16) |
               (uint32_t{exported[2]} << 8) | exported[3];
  v %= 1000000;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%03u %03u", v / 1000, v % 1000);
  return buf;
}

Result<std::string> ComputeSas(SSL* ssl, std::string_view room_code) {
  std::array<uint8_t, 8> out{};
  if (SSL_export_keying_material(ssl, out.data(), out.size(), kSasLabel.data(), kSasLabel.size(),
                                 reinterpret_cast<const unsigned char*>(room_code.data()),
                                 room_code.size(), 1) != 1) {
    return Error{"CRYPTO_ERROR", OpensslError("Could not derive the short authentication string")};
  }
  std::string sas = RenderSas(out);
  OPENSSL_cleanse(out.data(), out.size());
  return sas;
}

}  // namespace duet::crypto
