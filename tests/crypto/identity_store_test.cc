#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <sys/stat.h>
#include <unistd.h>

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

// The sealed block's bytes (base64 between the PEM lines).
std::string SealedBlob(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  char *name = nullptr, *header = nullptr;
  unsigned char* data = nullptr;
  long len = 0;
  std::string blob;
  if (PEM_read_bio(bio.get(), &name, &header, &data, &len) == 1) {
    blob.assign(reinterpret_cast<const char*>(data), static_cast<size_t>(len));
  }
  OPENSSL_free(name);
  OPENSSL_free(header);
  OPENSSL_free(data);
  return blob;
}

TEST_F(IdentityStoreTest, RoundTripsWithPassphraseSealedWithScryptTwoToTheSeventeen) {
  ASSERT_TRUE(TestIdentity(0).Save(dir(), "correct horse").ok());
  const std::string pem = Slurp(key());
  EXPECT_NE(pem.find("-----BEGIN DUET ENCRYPTED PRIVATE KEY-----"), std::string::npos);
  EXPECT_EQ(pem.find("PRIVATE KEY-----\nMII"), std::string::npos);
  const std::string blob = SealedBlob(pem);
  ASSERT_GT(blob.size(), 37u + 16u);
  EXPECT_EQ(blob.substr(0, 6), "DUETK1");
  EXPECT_EQ(blob[6], 17);  // log2 N
  EXPECT_EQ(blob[7], 8);   // r
  EXPECT_EQ(blob[8], 1);   // p

  Result<Identity> back = Identity::Load(dir(), "correct horse");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->fingerprint(), TestIdentity(0).fingerprint());
  // The parameters are bound to the ciphertext: a cheaper N written over them does not unlock.
  std::string cheaper = blob;
  cheaper[6] = 14;
  BioPtr out(BIO_new(BIO_s_mem()));
  PEM_write_bio(out.get(), "DUET ENCRYPTED PRIVATE KEY", "",
                reinterpret_cast<const unsigned char*>(cheaper.data()),
                static_cast<long>(cheaper.size()));
  char* text = nullptr;
  const long n = BIO_get_mem_data(out.get(), &text);
  Spit(key(), std::string(text, static_cast<size_t>(n)));
  EXPECT_EQ(Identity::Load(dir(), "correct horse").error().code, "KEY_WRONG_PASSPHRASE");
  // Parameters that would need gigabytes are damage, not an allocation: out of range (2^40), or
  // in range but over the memory cap (2^20 with r = 16: 2 GiB).
  for (auto [log2n, r] : {std::pair{40, 8}, std::pair{20, 16}}) {
    cheaper[6] = static_cast<char>(log2n);
    cheaper[7] = static_cast<char>(r);
    out.reset(BIO_new(BIO_s_mem()));
    PEM_write_bio(out.get(), "DUET ENCRYPTED PRIVATE KEY", "",
                  reinterpret_cast<const unsigned char*>(cheaper.data()),
                  static_cast<long>(cheaper.size()));
    const long m = BIO_get_mem_data(out.get(), &text);
    Spit(key(), std::string(text, static_cast<size_t>(m)));
    EXPECT_EQ(Identity::Load(dir(), "correct horse").error().code, "KEY_DAMAGED") << log2n;
  }
}

// What earlier versions wrote: PKCS#8 PBES2 with scrypt N = 2^14 (OpenSSL's own format).
TEST_F(IdentityStoreTest, KeysSealedByEarlierVersionsStillLoad) {
  fs::create_directories(dir());
  PkeyPtr pkey(EVP_PKEY_dup(TestIdentity(0).key()));
  std::unique_ptr<PKCS8_PRIV_KEY_INFO, OsslDeleter<PKCS8_PRIV_KEY_INFO_free>> p8(
      EVP_PKEY2PKCS8(pkey.get()));
  X509_ALGOR* pbe = PKCS5_pbe2_set_scrypt(EVP_aes_256_cbc(), nullptr, 0, nullptr, 1 << 14, 8, 1);
  ASSERT_TRUE(p8 && pbe);
  std::unique_ptr<X509_SIG, OsslDeleter<X509_SIG_free>> sig(
      PKCS8_set0_pbe_ex("old pass", 8, p8.get(), pbe, nullptr, nullptr));
  ASSERT_TRUE(sig);
  BioPtr bio(BIO_new(BIO_s_mem()));
  ASSERT_EQ(PEM_write_bio_PKCS8(bio.get(), sig.get()), 1);
  char* text = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &text);
  Spit(key(), std::string(text, static_cast<size_t>(n)));
  chmod(key().c_str(), 0600);
  Result<Identity> back = Identity::Load(dir(), "old pass");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->fingerprint(), TestIdentity(0).fingerprint());
  EXPECT_EQ(Identity::Load(dir(), "wrong").error().code, "KEY_WRONG_PASSPHRASE");
}

// A key file swapped for a link (to a key the attacker controls, or to make Duet read another
// file) or for something that is not a file is refused on the open descriptor.
TEST_F(IdentityStoreTest, RefusesAKeyFileThatIsALinkOrNotAFile) {
  ASSERT_TRUE(TestIdentity(0).Save(dir(), "").ok());
  const fs::path real = fs::path(tmp_.path()) / "elsewhere.key";
  fs::rename(key(), real);
  fs::create_symlink(real, key());
  Result<Identity> r = Identity::Load(dir(), "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "KEY_UNSAFE_FILE");
  EXPECT_NE(r.error().message.find("symbolic link"), std::string::npos) << r.error().message;
  fs::remove(key());
  ASSERT_EQ(mkfifo(key().c_str(), 0600), 0);
  r = Identity::Load(dir(), "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "KEY_UNSAFE_FILE");
  EXPECT_NE(r.error().message.find("not a regular file"), std::string::npos) << r.error().message;
  // LoadOrCreate never replaces what it refused.
  EXPECT_EQ(LoadOrCreateIdentity(dir(), "", nullptr).error().code, "KEY_UNSAFE_FILE");
  EXPECT_TRUE(fs::is_fifo(key()));
}

TEST_F(IdentityStoreTest, RefusesAKeyFileOwnedByAnotherUser) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to give the file to another user";
  ASSERT_TRUE(TestIdentity(0).Save(dir(), "").ok());
  ASSERT_EQ(chown(key().c_str(), 65534, 65534), 0);  // nobody
  Result<Identity> r = Identity::Load(dir(), "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "KEY_UNSAFE_FILE");
  EXPECT_NE(r.error().message.find("belongs to another user"), std::string::npos);
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
                                     " can be read or changed by other users of this machine. "
                                     "Run `chmod 600 " +
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
