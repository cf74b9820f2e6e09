#include "crypto/sas.h"

#include <openssl/crypto.h>

#include <cstdio>

#include "crypto/ossl.h"
#include "crypto/random.h"
#include "crypto/sha256.h"

namespace duet::crypto {
namespace {

wire::ByteView View(std::string_view s) {
  return wire::ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace

SasBytes NewSasNonce() {
  SasBytes n{};
  RandomBytes(n);
  return n;
}

SasBytes SasCommitment(const SasBytes& client_nonce) {
  Sha256 h;
  h.Update(View(kSasCommitLabel));
  h.Update(client_nonce);
  return h.Finish();
}

bool SasCommitmentOpens(const SasBytes& commitment, const SasBytes& client_nonce) {
  SasBytes expected = SasCommitment(client_nonce);
  return CRYPTO_memcmp(expected.data(), commitment.data(), expected.size()) == 0;
}

Result<SasBytes> ExportSasSecret(SSL* ssl, std::string_view room_code) {
  SasBytes out{};
  if (SSL_export_keying_material(ssl, out.data(), out.size(), kSasLabel.data(), kSasLabel.size(),
                                 reinterpret_cast<const unsigned char*>(room_code.data()),
                                 room_code.size(), 1) != 1) {
    return Error{"CRYPTO_ERROR", OpensslError("Could not derive the short authentication string")};
  }
  return out;
}

std::string DeriveSas(const SasBytes& secret, const SasBytes& client_nonce,
                      const SasBytes& server_nonce) {
  Sha256 h;
  h.Update(View(kSasHashLabel));
  h.Update(secret);
  h.Update(client_nonce);
  h.Update(server_nonce);
  Digest256 d = h.Finish();
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = v << 8 | d[i];
  OPENSSL_cleanse(d.data(), d.size());
  return RenderSas(static_cast<uint32_t>(v % 1000000));
}

std::string RenderSas(uint32_t value) {
  value %= 1000000;
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%03u %03u", value / 1000, value % 1000);
  return buf;
}

}  // namespace duet::crypto
