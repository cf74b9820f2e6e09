#include "crypto/identity.h"

#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509v3.h>

namespace duet::crypto {
namespace {

constexpr long kCertValiditySeconds = 20L * 365 * 24 * 3600;

Error CryptoError(std::string_view what) { return Error{"CRYPTO_ERROR", OpensslError(what)}; }

Result<PkeyPtr> GenerateRsaKey(int bits) {
  PkeyCtxPtr ctx(EVP_PKEY_CTX_new_from_name(nullptr, "RSA", nullptr));
  if (!ctx || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_keygen_bits(ctx.get(), bits) != 1) {
    return CryptoError("Could not set up RSA key generation");
  }
  EVP_PKEY* raw = nullptr;
  if (EVP_PKEY_generate(ctx.get(), &raw) != 1) return CryptoError("Could not generate an RSA key");
  return PkeyPtr(raw);
}

}  // namespace

// The subject carries no personal data: the display name travels in HELLO, and the
// certificate identifies a key, not a person.
Result<X509Ptr> MakeSelfSignedCertificate(EVP_PKEY* key) {
  X509Ptr cert(X509_new());
  if (!cert) return CryptoError("Could not allocate a certificate");

  // A random 128-bit serial (positive: top bit cleared).
  unsigned char serial_bytes[16];
  if (RAND_bytes(serial_bytes, sizeof(serial_bytes)) != 1) {
    return CryptoError("Could not draw random bytes");
  }
  serial_bytes[0] &= 0x7f;
  BnPtr serial(BN_bin2bn(serial_bytes, sizeof(serial_bytes), nullptr));
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (!serial || X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get())) == nullptr ||
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), kCertValiditySeconds) == nullptr ||
      X509_set_pubkey(cert.get(), key) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("duet peer"), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1) {
    return CryptoError("Could not fill in the certificate");
  }

  // Sign with RSA-PSS (SHA-256, salt as long as the digest): Duet uses no PKCS#1 v1.5.
  MdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by md
  if (!md || EVP_DigestSignInit(md.get(), &pctx, EVP_sha256(), nullptr, key) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
      X509_sign_ctx(cert.get(), md.get()) <= 0) {
    return CryptoError("Could not sign the certificate");
  }
  return cert;
}

Result<Identity> Identity::Generate() {
  Result<PkeyPtr> key = GenerateRsaKey(kIdentityKeyBits);
  if (!key) return key.error();
  Result<X509Ptr> cert = MakeSelfSignedCertificate(key->get());
  if (!cert) return cert.error();
  return FromParts(std::move(*key), std::move(*cert));
}

Result<Identity> Identity::FromParts(PkeyPtr key, X509Ptr cert) {
  if (!key || EVP_PKEY_get_base_id(key.get()) != EVP_PKEY_RSA) {
    return Error{"KEY_WRONG_TYPE",
                 "The identity key is not an RSA key. Move the key file away and start Duet again "
                 "to create a new identity."};
  }
  int bits = EVP_PKEY_get_bits(key.get());
  if (bits < kMinIdentityKeyBits || bits > kMaxIdentityKeyBits) {
    return Error{"KEY_WRONG_SIZE", "The identity key has " + std::to_string(bits) +
                                       " bits; Duet needs an RSA key of 3072 to 8192 bits. Move "
                                       "the key file away and start Duet again to create a new "
                                       "identity."};
  }
  if (!cert || X509_check_private_key(cert.get(), key.get()) != 1) {
    ClearOpensslErrors();
    return Error{"CERT_MISMATCH",
                 "The identity certificate does not belong to the identity key. Delete "
                 "identity.crt; Duet will make a new one from the key."};
  }
  Result<Fingerprint> fp = FingerprintOfKey(key.get());
  if (!fp) return fp.error();
  return Identity(std::move(key), std::move(cert), *fp);
}

}  // namespace duet::crypto
