// Identity::Save and Identity::Load: the identity key and certificate on disk.
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509.h>

#include <cstring>

#include "crypto/identity.h"
#include "crypto/key_at_rest.h"
#include "crypto/secure_file.h"

namespace duet::crypto {
namespace {

constexpr char kKeyFile[] = "identity.key";
constexpr char kCertFile[] = "identity.crt";
constexpr size_t kMaxPemBytes = 64 * 1024;

Error CryptoError(std::string_view what) { return Error{"CRYPTO_ERROR", OpensslError(what)}; }

Result<std::string> BioContents(BIO* bio) {
  char* data = nullptr;
  long len = BIO_get_mem_data(bio, &data);
  if (len <= 0) return CryptoError("Could not encode the identity");
  return std::string(data, static_cast<size_t>(len));
}

Result<std::string> EncodeKey(EVP_PKEY* key, std::string_view passphrase) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio) return CryptoError("Could not allocate a buffer");
  if (PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return CryptoError("Could not encode the identity key");
  }
  Result<std::string> plain = BioContents(bio.get());
  if (!plain || passphrase.empty()) return plain;
  Result<std::string> sealed = SealKeyPem(*plain, passphrase);
  OPENSSL_cleanse(plain->data(), plain->size());
  return sealed;
}

struct Passphrase {
  std::string_view value;
};

int PassphraseCallback(char* buf, int size, int /*rwflag*/, void* u) {
  const Passphrase* p = static_cast<const Passphrase*>(u);
  if (p == nullptr || p->value.size() > static_cast<size_t>(size)) return -1;
  std::memcpy(buf, p->value.data(), p->value.size());
  return static_cast<int>(p->value.size());
}

Error KeyDamaged(const std::filesystem::path& path) {
  return Error{"KEY_DAMAGED", "The identity key file " + path.string() +
                                  " is damaged and cannot be read. Restore it from a backup, or "
                                  "move it away to create a new identity (your contacts will see "
                                  "a key change)."};
}

// The file's errors in the identity key's words.
Error KeyFileError(const std::filesystem::path& path, const Error& e) {
  if (e.code == "FILE_NOT_FOUND") {
    return Error{"KEY_NOT_FOUND", "There is no identity key at " + path.string() + "."};
  }
  if (e.code == "FILE_PERMISSIONS")
    return Error{"KEY_PERMISSIONS", "The identity key " + e.message};
  if (e.code == "FILE_UNSAFE") return Error{"KEY_UNSAFE_FILE", "The identity key " + e.message};
  if (e.code == "FILE_TOO_LARGE") return KeyDamaged(path);
  return e;
}

// PKCS#8 PEM, plain or encrypted with PKCS#8's own PBES2 (keys of earlier versions).
Result<PkeyPtr> ParsePkcs8(std::string& pem, std::string_view passphrase,
                           const std::filesystem::path& path) {
  const bool encrypted = pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string::npos;
  ClearOpensslErrors();
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Passphrase pass{passphrase};
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, PassphraseCallback, &pass));
  if (!key && encrypted) {
    // Tell a wrong passphrase from a damaged file: if the encrypted structure itself parses,
    // the decryption (so the passphrase) is what failed.
    BioPtr again(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    std::unique_ptr<X509_SIG, OsslDeleter<X509_SIG_free>> sig(
        PEM_read_bio_PKCS8(again.get(), nullptr, nullptr, nullptr));
    ClearOpensslErrors();
    if (sig) {
      return Error{"KEY_WRONG_PASSPHRASE",
                   "The passphrase does not unlock the identity key. Try again."};
    }
    return KeyDamaged(path);
  }
  ClearOpensslErrors();
  if (!key) return KeyDamaged(path);
  return key;
}

Result<PkeyPtr> LoadKey(const std::filesystem::path& path, std::string_view passphrase) {
  Result<std::string> pem = ReadOwnFile(path, kMaxPemBytes, /*private_mode=*/true);
  if (!pem) return KeyFileError(path, pem.error());
  const bool sealed =
      pem->find("-----BEGIN " + std::string(kSealedKeyPemName) + "-----") != std::string::npos;
  const bool encrypted =
      sealed || pem->find("-----BEGIN ENCRYPTED PRIVATE KEY-----") != std::string::npos;
  if (encrypted && passphrase.empty()) {
    OPENSSL_cleanse(pem->data(), pem->size());
    return Error{"KEY_PASSPHRASE_NEEDED",
                 "The identity key is protected by a passphrase. Give it with --passphrase-file "
                 "(or in the app's prompt)."};
  }
  if (sealed) {
    Result<std::string> opened = OpenSealedKeyPem(*pem, passphrase);
    OPENSSL_cleanse(pem->data(), pem->size());
    if (!opened) return opened.error().code == "KEY_DAMAGED" ? KeyDamaged(path) : opened.error();
    pem = std::move(opened);
  }
  Result<PkeyPtr> key = ParsePkcs8(*pem, passphrase, path);
  OPENSSL_cleanse(pem->data(), pem->size());
  return key;
}

Result<X509Ptr> LoadCertificate(const std::filesystem::path& path) {
  Result<std::string> pem = ReadSmallFile(path, kMaxPemBytes);
  if (!pem) return pem.error();
  BioPtr bio(BIO_new_mem_buf(pem->data(), static_cast<int>(pem->size())));
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  ClearOpensslErrors();
  if (!cert) return Error{"CERT_DAMAGED", "The identity certificate is damaged."};
  return cert;
}

}  // namespace

Status Identity::Save(const std::filesystem::path& dir, std::string_view passphrase) const {
  Result<std::string> key_pem = EncodeKey(key_.get(), passphrase);
  if (!key_pem) return key_pem.error();
  Status st = WriteFileAtomically(dir / kKeyFile, *key_pem);
  OPENSSL_cleanse(key_pem->data(), key_pem->size());
  if (!st) return st;
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert_.get()) != 1) {
    return CryptoError("Could not encode the certificate");
  }
  Result<std::string> cert_pem = BioContents(bio.get());
  if (!cert_pem) return cert_pem.error();
  return WriteFileAtomically(dir / kCertFile, *cert_pem);
}

Result<Identity> Identity::Load(const std::filesystem::path& dir, std::string_view passphrase) {
  Result<PkeyPtr> key = LoadKey(dir / kKeyFile, passphrase);
  if (!key) return key.error();
  // The certificate is derived data: when it is missing, damaged or over another key, make it
  // again from the key (the key is the identity).
  Result<X509Ptr> cert = LoadCertificate(dir / kCertFile);
  if (cert && X509_check_private_key(cert->get(), key->get()) == 1) {
    return FromParts(std::move(*key), std::move(*cert));
  }
  ClearOpensslErrors();
  Result<Identity> id = [&]() -> Result<Identity> {
    if (EVP_PKEY_get_base_id(key->get()) != EVP_PKEY_RSA) {
      return FromParts(std::move(*key), nullptr);  // reports KEY_WRONG_TYPE
    }
    Result<X509Ptr> fresh = MakeSelfSignedCertificate(key->get());
    if (!fresh) return fresh.error();
    return FromParts(std::move(*key), std::move(*fresh));
  }();
  if (!id) return id;
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (bio && PEM_write_bio_X509(bio.get(), id->certificate()) == 1) {
    if (Result<std::string> pem = BioContents(bio.get())) {
      (void)WriteFileAtomically(dir / kCertFile, *pem);  // best effort: it is derived data
    }
  }
  return id;
}

Result<Identity> LoadOrCreateIdentity(const std::filesystem::path& dir, std::string_view passphrase,
                                      bool* created) {
  if (created != nullptr) *created = false;
  Result<Identity> id = Identity::Load(dir, passphrase);
  if (id || id.error().code != "KEY_NOT_FOUND") return id;
  Result<Identity> fresh = Identity::Generate();
  if (!fresh) return fresh;
  Status saved = fresh->Save(dir, passphrase);
  if (!saved) return saved.error();
  if (created != nullptr) *created = true;
  return fresh;
}

}  // namespace duet::crypto
