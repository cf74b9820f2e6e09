#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "crypto/identity.h"
#include "crypto/secure_file.h"
#include "tests/crypto/tls_test_util.h"
#include "tests/support/process.h"

namespace duet::crypto {
namespace {

namespace fs = std::filesystem;
using testing::TestIdentity;

mode_t ModeOf(const fs::path& p) {
  struct stat st {};
  stat(p.c_str(), &st);
  return st.st_mode & 0777;
}

std::string Slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

void Spit(const fs::path& p, const std::string& s) {
  std::ofstream(p, std::ios::binary | std::ios::trunc) << s;
}

class IdentityStoreTest : public ::testing::Test {
 protected:
  duet::testing::TempDir tmp_;
  fs::path dir() const { return tmp_.path() + "/home"; }
  fs::path key() const { return dir() / "identity.key"; }
};

TEST_F(IdentityStoreTest, RoundTripsWithoutPassphraseAndWritesMode0600) {
  ASSERT_TRUE(TestIdentity(0).Save(dir(), "").ok());
  EXPECT_EQ(ModeOf(key()), 0600u);
  EXPECT_EQ(ModeOf(dir()), 0700u);
  EXPECT_NE(Slurp(key()).find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
  Result<Identity> back = Identity::Load(dir(), "");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->fingerprint(), TestIdentity(0).fingerprint());
}

TEST_F(IdentityStoreTest, RoundTripsWithPassphraseEncryptedWithScrypt) {
  ASSERT_TRUE(TestIdentity(0).Save(dir(), "correct horse").ok());
  const std::string pem = Slurp(key());
  EXPECT_NE(pem.find("-----BEGIN ENCRYPTED PRIVATE KEY-----"), std::string::npos);
  // The PBES2 parameters name scrypt.
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  std::unique_ptr<X509_SIG, OsslDeleter<X509_SIG_free>> sig(
      PEM_read_bio_PKCS8(bio.get(), nullptr, nullptr, nullptr));
  ASSERT_TRUE(sig);
  const X509_ALGOR* alg = nullptr;
  X509_SIG_get0(sig.get(), &alg, nullptr);
  EXPECT_EQ(OBJ_obj2nid(alg->algorithm), NID_pbes2);
  const ASN1_STRING* params = alg->parameter->value.sequence;
  std::string der(reinterpret_cast<const char*>(ASN1_STRING_get0_data(params)),
                  static_cast<size_t>(ASN1_STRING_length(params)));
  const unsigned char scrypt_oid[] = {0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x04, 0x0b};
  EXPECT_NE(der.find(std::string(reinterpret_cast<const char*>(scrypt_oid), sizeof(scrypt_oid))),
            std::string::npos);

  Result<Identity> back = Identity::Load(dir(), "correct horse");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->fingerprint(), TestIdentity(0).fingerprint());
}

TEST_F(IdentityStoreTest, WrongPassphraseIsReported) {
  ASSERT_TRUE(TestIdentity(0).Save(dir(), "right").ok());
  Result<Identity> r = Identity::Load(dir(), "wrong");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "KEY_WRONG_PASSPHRASE");
  EXPECT_EQ(r.error().message, "The passphrase does not unlock the identity key. Try again.");
}

TEST_F(IdentityStoreTest, EncryptedKeyWithoutPassphraseAsksForOne) {
  ASSERT_TRUE(TestIdentity(0).Save(dir(), "secret").ok());
  EXPECT_EQ(Identity::Load(dir(), "").error().code, "KEY_PASSPHRASE_NEEDED");
}

TEST_F(IdentityStoreTest, RefusesKeyReadableByOthers) {
  ASSERT_TRUE(TestIdentity(0).Save(dir(), "").ok());
  for (mode_t mode : {0640, 0604, 0644}) {
    chmod(key().c_str(), mode);
    Result<Identity> r = Identity::Load(dir(), "");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "KEY_PERMISSIONS");
    EXPECT_EQ(r.error().message, "The identity key " + key().string() +
                                     " can be read by other users of this machine. Run `chmod "
                                     "600 " +
                                     key().string() + "` and start Duet again.");
  }
}

TEST_F(IdentityStoreTest, MissingKeyIsKeyNotFound) {
  EXPECT_EQ(Identity::Load(dir(), "").error().code, "KEY_NOT_FOUND");
}

TEST_F(IdentityStoreTest, DamagedKeysAreKeyDamaged) {
  ASSERT_TRUE(TestIdentity(0).Save(dir(), "").ok());
  const std::string good = Slurp(key());
  const std::vector<std::string> damaged = {"garbage",
                                            good.substr(0, good.size() / 2),  // truncated
                                            good.substr(0, 40) + (good[40] == 'A' ? "B" : "A") +
                                                good.substr(41),  // a flipped base64 char
                                            ""};
  for (const std::string& text : damaged) {
    Spit(key(), text);
    chmod(key().c_str(), 0600);
    Result<Identity> r = Identity::Load(dir(), "");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error().code, "KEY_DAMAGED") << text.size();
  }
  // An encrypted key damaged in its structure is damaged, not a wrong passphrase.
  ASSERT_TRUE(TestIdentity(0).Save(dir(), "pw").ok());
  Spit(key(), "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n");
  chmod(key().c_str(), 0600);
  EXPECT_EQ(Identity::Load(dir(), "pw").error().code, "KEY_DAMAGED");
}

TEST_F(IdentityStoreTest, RefusesKeysOfTheWrongTypeOrSize) {
  fs::create_directories(dir());
  auto write_key = [&](EVP_PKEY* k) {
    BioPtr bio(BIO_new(BIO_s_mem()));
    PEM_write_bio_PrivateKey(bio.get(), k, nullptr, nullptr, 0, nullptr, nullptr);
    char* data = nullptr;
    long len = BIO_get_mem_data(bio.get(), &data);
    ASSERT_TRUE(WriteFileAtomically(key(), std::string(data, static_cast<size_t>(len))).ok());
  };
  PkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  write_key(ec.get());
  EXPECT_EQ(Identity::Load(dir(), "").error().code, "KEY_WRONG_TYPE");
  PkeyPtr small(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
  write_key(small.get());
  EXPECT_EQ(Identity::Load(dir(), "").error().code, "KEY_WRONG_SIZE");
}

TEST_F(IdentityStoreTest, MissingOrForeignCertificateIsMadeAgainFromTheKey) {
  ASSERT_TRUE(TestIdentity(0).Save(dir(), "").ok());
  fs::remove(dir() / "identity.crt");
  Result<Identity> r = Identity::Load(dir(), "");
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->fingerprint(), TestIdentity(0).fingerprint());
  EXPECT_TRUE(fs::exists(dir() / "identity.crt"));
  // Someone else's certificate beside our key: replaced, the identity is the key.
  ASSERT_TRUE(TestIdentity(1).Save(tmp_.path() + "/other", "").ok());
  fs::copy_file(tmp_.path() + "/other/identity.crt", dir() / "identity.crt",
                fs::copy_options::overwrite_existing);
  r = Identity::Load(dir(), "");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->fingerprint(), TestIdentity(0).fingerprint());
  EXPECT_EQ(X509_check_private_key(r->certificate(), r->key()), 1);
}

TEST_F(IdentityStoreTest, LoadOrCreateCreatesOnceThenLoads) {
  bool created = false;
  Result<Identity> first = LoadOrCreateIdentity(dir(), "", &created);
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(created);
  Result<Identity> second = LoadOrCreateIdentity(dir(), "", &created);
  ASSERT_TRUE(second.ok());
  EXPECT_FALSE(created);
  EXPECT_EQ(first->fingerprint(), second->fingerprint());
  // A damaged key is never replaced by a new one.
  Spit(key(), "garbage");
  EXPECT_EQ(LoadOrCreateIdentity(dir(), "", &created).error().code, "KEY_DAMAGED");
  EXPECT_EQ(Slurp(key()), "garbage");
}

}  // namespace
}  // namespace duet::crypto
