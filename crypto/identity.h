// A peer's long-term identity: an RSA-3072 key and a self-signed X.509 certificate over it.
//
// Valid by construction: an Identity that exists holds an RSA key of an accepted size (3072 to
// 8192 bits) and a certificate whose public key is that key. Identities are move-only.
// Generate() is slow (RSA key generation, up to about a second) and thread-safe: call it off the
// UI thread. An Identity may be used from one thread at a time.
#pragma once

#include <filesystem>
#include <string_view>

#include "crypto/fingerprint.h"
#include "crypto/ossl.h"
#include "wire/result.h"

namespace duet::crypto {

inline constexpr int kIdentityKeyBits = 3072;
inline constexpr int kMinIdentityKeyBits = 3072;
inline constexpr int kMaxIdentityKeyBits = 8192;

class Identity {
 public:
  // A fresh RSA-3072 key and a self-signed certificate (RSA-PSS/SHA-256 signature).
  static Result<Identity> Generate();

  // Checks that `key` is an RSA key of an accepted size and that `cert` is over it.
  // Error codes: KEY_WRONG_TYPE, KEY_WRONG_SIZE, CERT_MISMATCH.
  static Result<Identity> FromParts(PkeyPtr key, X509Ptr cert);

  // Files in `dir`: identity.key (PKCS#8 PEM, sealed with scrypt + AES-256-GCM when
  // `passphrase` is not empty, see key_at_rest.h; mode 0600) and identity.crt (PEM). Load reads
  // the key only as a regular file this user owns, not through a symbolic link, and refuses it
  // when group or others can read it; keys sealed by earlier versions (PKCS#8 PBES2 with scrypt)
  // still load. A missing or unusable certificate is made again from the key.
  // Errors: KEY_NOT_FOUND, KEY_UNSAFE_FILE, KEY_PERMISSIONS, KEY_PASSPHRASE_NEEDED,
  // KEY_WRONG_PASSPHRASE, KEY_DAMAGED, KEY_WRONG_TYPE, KEY_WRONG_SIZE, FILE_WRITE_FAILED.
  static Result<Identity> Load(const std::filesystem::path& dir, std::string_view passphrase);
  Status Save(const std::filesystem::path& dir, std::string_view passphrase) const;

  EVP_PKEY* key() const { return key_.get(); }
  X509* certificate() const { return cert_.get(); }
  const Fingerprint& fingerprint() const { return fingerprint_; }

 private:
  Identity(PkeyPtr key, X509Ptr cert, Fingerprint fp)
      : key_(std::move(key)), cert_(std::move(cert)), fingerprint_(fp) {}

  PkeyPtr key_;
  X509Ptr cert_;
  Fingerprint fingerprint_;
};

// A self-signed X.509 certificate over `key`, signed with RSA-PSS/SHA-256, valid for 20 years.
Result<X509Ptr> MakeSelfSignedCertificate(EVP_PKEY* key);

// For the front ends: loads the identity in `dir`, or, when there is no key file at all,
// generates one and saves it (`*created` says which). Never overwrites a damaged key.
Result<Identity> LoadOrCreateIdentity(const std::filesystem::path& dir, std::string_view passphrase,
                                      bool* created);

}  // namespace duet::crypto
