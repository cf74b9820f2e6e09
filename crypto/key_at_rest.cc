#include "crypto/key_at_rest.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#include <openssl/params.h>
#include <openssl/pem.h>

#include <array>
#include <cstring>
#include <memory>

#include "crypto/ossl.h"
#include "crypto/random.h"

namespace duet::crypto {
namespace {

constexpr std::string_view kMagic = "DUETK1";
constexpr uint8_t kLog2N = 17, kR = 8, kP = 1;
constexpr size_t kSaltBytes = 16, kNonceBytes = 12, kTagBytes = 16;
constexpr size_t kHeaderBytes = 6 + 3 + kSaltBytes + kNonceBytes;  // the associated data
constexpr uint64_t kMaxScryptMemory = 512ull << 20;

using KdfPtr = std::unique_ptr<EVP_KDF, OsslDeleter<EVP_KDF_free>>;
using KdfCtxPtr = std::unique_ptr<EVP_KDF_CTX, OsslDeleter<EVP_KDF_CTX_free>>;
using CipherCtxPtr = std::unique_ptr<EVP_CIPHER_CTX, OsslDeleter<EVP_CIPHER_CTX_free>>;

// Wipes the 32-byte key when it goes out of scope.
struct AeadKey {
  std::array<uint8_t, 32> bytes{};
  ~AeadKey() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

Error CryptoError(std::string_view what) { return Error{"CRYPTO_ERROR", OpensslError(what)}; }

Error Damaged() {
  return Error{"KEY_DAMAGED",
               "The identity key file is damaged and cannot be read. Restore it from a backup, "
               "or move it away to create a new identity (your contacts will see a key change)."};
}

bool DeriveKey(std::string_view passphrase, const uint8_t* salt, uint8_t log2n, uint8_t r,
               uint8_t p, AeadKey& key) {
  KdfPtr kdf(EVP_KDF_fetch(nullptr, "SCRYPT", nullptr));
  KdfCtxPtr ctx(kdf ? EVP_KDF_CTX_new(kdf.get()) : nullptr);
  if (!ctx) return false;
  uint64_t n = uint64_t{1} << log2n, maxmem = kMaxScryptMemory;
  uint32_t r32 = r, p32 = p;
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_PASSWORD,
                                        const_cast<char*>(passphrase.data()), passphrase.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<uint8_t*>(salt),
                                        kSaltBytes),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_N, &n),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_R, &r32),
      OSSL_PARAM_construct_uint32(OSSL_KDF_PARAM_SCRYPT_P, &p32),
      OSSL_PARAM_construct_uint64(OSSL_KDF_PARAM_SCRYPT_MAXMEM, &maxmem),
      OSSL_PARAM_construct_end()};
  return EVP_KDF_derive(ctx.get(), key.bytes.data(), key.bytes.size(), params) == 1;
}

// AES-256-GCM over `in` with `aad`; `tag` is written (seal) or checked (open).
bool Gcm(bool seal, const AeadKey& key, const uint8_t* nonce, std::string_view aad,
         std::string_view in, std::string& out, uint8_t* tag) {
  CipherCtxPtr ctx(EVP_CIPHER_CTX_new());
  int len = 0;
  out.assign(in.size(), '\0');
  if (!ctx ||
      EVP_CipherInit_ex2(ctx.get(), EVP_aes_256_gcm(), key.bytes.data(), nonce, seal ? 1 : 0,
                         nullptr) != 1 ||
      EVP_CipherUpdate(ctx.get(), nullptr, &len, reinterpret_cast<const uint8_t*>(aad.data()),
                       static_cast<int>(aad.size())) != 1 ||
      EVP_CipherUpdate(ctx.get(), reinterpret_cast<uint8_t*>(out.data()), &len,
                       reinterpret_cast<const uint8_t*>(in.data()),
                       static_cast<int>(in.size())) != 1) {
    return false;
  }
  if (!seal && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_SET_TAG, kTagBytes, tag) != 1) {
    return false;
  }
  int fin = 0;
  if (EVP_CipherFinal_ex(ctx.get(), reinterpret_cast<uint8_t*>(out.data()) + len, &fin) != 1) {
    return false;
  }
  return !seal || EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_AEAD_GET_TAG, kTagBytes, tag) == 1;
}

}  // namespace

Result<std::string> SealKeyPem(std::string_view plain_pem, std::string_view passphrase) {
  std::string blob(kMagic);
  blob += static_cast<char>(kLog2N);
  blob += static_cast<char>(kR);
  blob += static_cast<char>(kP);
  uint8_t random[kSaltBytes + kNonceBytes];
  RandomBytes(random);
  blob.append(reinterpret_cast<const char*>(random), sizeof random);
  const uint8_t* salt = random;
  const uint8_t* nonce = random + kSaltBytes;

  AeadKey key;
  if (!DeriveKey(passphrase, salt, kLog2N, kR, kP, key)) {
    return CryptoError("Could not derive the key's encryption key (scrypt)");
  }
  std::string sealed;
  uint8_t tag[kTagBytes];
  if (!Gcm(true, key, nonce, blob, plain_pem, sealed, tag)) {
    return CryptoError("Could not encrypt the identity key");
  }
  blob += sealed;
  blob.append(reinterpret_cast<const char*>(tag), sizeof tag);

  BioPtr bio(BIO_new(BIO_s_mem()));
  const std::string name(kSealedKeyPemName);
  if (!bio || PEM_write_bio(bio.get(), name.c_str(), "",
                            reinterpret_cast<const unsigned char*>(blob.data()),
                            static_cast<long>(blob.size())) <= 0) {
    return CryptoError("Could not encode the identity key");
  }
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

Result<std::string> OpenSealedKeyPem(std::string_view sealed_pem, std::string_view passphrase) {
  BioPtr bio(BIO_new_mem_buf(sealed_pem.data(), static_cast<int>(sealed_pem.size())));
  char* name = nullptr;
  char* header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  const bool read = bio && PEM_read_bio(bio.get(), &name, &header, &data, &len) == 1;
  ClearOpensslErrors();
  const std::string blob(read ? reinterpret_cast<const char*>(data) : "",
                         read ? static_cast<size_t>(len) : 0);
  const bool ours = read && kSealedKeyPemName == name;
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  if (!ours || blob.size() < kHeaderBytes + kTagBytes || blob.compare(0, 6, kMagic) != 0) {
    return Damaged();
  }
  const auto* bytes = reinterpret_cast<const uint8_t*>(blob.data());
  const uint8_t log2n = bytes[6], r = bytes[7], p = bytes[8];
  if (log2n < 14 || log2n > 20 || r < 1 || r > 16 || p < 1 || p > 4) return Damaged();
  AeadKey key;
  if (!DeriveKey(passphrase, bytes + 9, log2n, r, p, key)) {
    ClearOpensslErrors();
    return Damaged();  // parameters that need more memory than any Duet key
  }
  uint8_t tag[kTagBytes];
  std::memcpy(tag, bytes + blob.size() - kTagBytes, kTagBytes);
  const std::string_view aad(blob.data(), kHeaderBytes);
  const std::string_view sealed(blob.data() + kHeaderBytes, blob.size() - kHeaderBytes - kTagBytes);
  std::string plain;
  if (!Gcm(false, key, bytes + 9 + kSaltBytes, aad, sealed, plain, tag)) {
    OPENSSL_cleanse(plain.data(), plain.size());
    ClearOpensslErrors();
    return Error{"KEY_WRONG_PASSPHRASE",
                 "The passphrase does not unlock the identity key. Try again."};
  }
  return plain;
}

}  // namespace duet::crypto
