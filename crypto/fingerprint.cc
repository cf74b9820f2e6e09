#include "crypto/fingerprint.h"

#include <openssl/x509.h>

#include "crypto/ossl.h"
#include "wire/hex.h"

namespace duet::crypto {
namespace {}  // namespace

std::string Fingerprint::Hex() const { return wire::ToHex(bytes); }

std::string Fingerprint::Grouped() const {
  std::string hex = Hex();
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 4) {
    if (i > 0) out += ' ';
    out += hex.substr(i, 4);
  }
  return out;
}

Result<Fingerprint> Fingerprint::FromHex(std::string_view hex) {
  Fingerprint f;
  if (hex.size() != 64) {
    return Error{"BAD_FINGERPRINT", "A fingerprint must be 64 hex digits."};
  }
  if (!wire::FromHex(hex, f.bytes)) {
    return Error{"BAD_FINGERPRINT", "A fingerprint may only contain hex digits."};
  }
  return f;
}

Result<Fingerprint> FingerprintOfKey(const EVP_PKEY* key) {
  unsigned char* der = nullptr;
  int len = i2d_PUBKEY(key, &der);
  if (len <= 0) return Error{"CRYPTO_ERROR", OpensslError("Could not encode a public key")};
  Fingerprint f;
  unsigned int out_len = 0;
  int ok =
      EVP_Digest(der, static_cast<size_t>(len), f.bytes.data(), &out_len, EVP_sha256(), nullptr);
  OPENSSL_free(der);
  if (ok != 1 || out_len != f.bytes.size()) {
    return Error{"CRYPTO_ERROR", OpensslError("Could not hash a public key")};
  }
  return f;
}

Result<Fingerprint> FingerprintOfCertificate(X509* cert) {
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr) {
    return Error{"CRYPTO_ERROR", OpensslError("A certificate carries no usable public key")};
  }
  return FingerprintOfKey(key);
}

}  // namespace duet::crypto
