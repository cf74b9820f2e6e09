// Project Wycheproof vectors against the one primitive Duet calls directly rather than through
// TLS: RSA-PSS with SHA-256, MGF1-SHA-256 and a 32-byte salt, with which Duet signs its
// self-signed certificate (crypto/identity.cc) and checks the peer's (X509_verify in
// crypto/tls_endpoint.cc). The fingerprint and the safety number are plain SHA-256 / SHA-512
// (Wycheproof has no vectors for bare hashes); HKDF, AES-GCM, ChaCha20 and X25519 run inside
// TLS only; the key file's PBES2/scrypt/AES-CBC has no vectors in the shared set.
//
// The vectors are read where they are shared (../shared/wycheproof beside the worktree, or
// $DUET_WYCHEPROOF_DIR), never copied into the project; the test is skipped when they are absent.
#include <gtest/gtest.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "crypto/identity.h"
#include "crypto/ossl.h"
#include "wire/codec.h"

namespace duet::crypto {
namespace {

using nlohmann::json;

std::filesystem::path VectorDir() {
  if (const char* env = std::getenv("DUET_WYCHEPROOF_DIR"); env != nullptr && *env != '\0') {
    return env;
  }
  return std::filesystem::path(DUET_SOURCE_DIR) / ".." / "shared" / "wycheproof" / "testvectors_v1";
}

wire::Bytes Unhex(const std::string& hex) {
  wire::Bytes out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<uint8_t>(std::stoi(hex.substr(i, 2), nullptr, 16)));
  }
  return out;
}

// Exactly Duet's call sequence (crypto/identity.cc), on the verifying side: SHA-256, PSS padding,
// salt as long as the digest (32 bytes), MGF1 with the signature's digest.
bool VerifyPss(EVP_PKEY* key, const wire::Bytes& msg, const wire::Bytes& sig) {
  MdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by md
  if (!md || EVP_DigestVerifyInit(md.get(), &pctx, EVP_sha256(), nullptr, key) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING) != 1 ||
      EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1) {
    return false;
  }
  const int r = EVP_DigestVerify(md.get(), sig.data(), sig.size(), msg.data(), msg.size());
  ERR_clear_error();
  return r == 1;
}

class WycheproofRsaPss : public ::testing::TestWithParam<const char*> {};

TEST_P(WycheproofRsaPss, VerifiesExactlyTheValidSignatures) {
  const std::filesystem::path file = VectorDir() / GetParam();
  if (!std::filesystem::exists(file)) {
    GTEST_SKIP() << "Wycheproof vectors not found at " << file
                 << " (set DUET_WYCHEPROOF_DIR to the testvectors_v1 folder)";
  }
  std::ifstream in(file);
  const json doc = json::parse(in);
  size_t checked = 0;
  for (const json& group : doc.at("testGroups")) {
    ASSERT_EQ(group.at("sha"), "SHA-256");
    ASSERT_EQ(group.at("mgfSha"), "SHA-256");
    ASSERT_EQ(group.at("sLen"), 32);
    const wire::Bytes der = Unhex(group.at("publicKeyDer"));
    const unsigned char* p = der.data();
    PkeyPtr key(d2i_PUBKEY(nullptr, &p, static_cast<long>(der.size())));
    ASSERT_TRUE(key) << "group key of " << GetParam();
    for (const json& t : group.at("tests")) {
      const std::string result = t.at("result");
      const bool ok = VerifyPss(key.get(), Unhex(t.at("msg")), Unhex(t.at("sig")));
      // "acceptable" vectors may go either way (none in these files).
      if (result != "acceptable") {
        EXPECT_EQ(ok, result == "valid") << "tcId " << t.at("tcId") << ": " << t.at("comment");
      }
      ++checked;
    }
  }
  EXPECT_EQ(checked, doc.at("numberOfTests").get<size_t>());
}

INSTANTIATE_TEST_SUITE_P(Sha256Salt32, WycheproofRsaPss,
                         ::testing::Values("rsa_pss_2048_sha256_mgf1_32_test.json",
                                           "rsa_pss_3072_sha256_mgf1_32_test.json",
                                           "rsa_pss_4096_sha256_mgf1_32_test.json"));

// Duet's own certificate signature uses the parameters the vectors above check: RSA-PSS,
// SHA-256, MGF1-SHA-256, salt 32. Read them back from a fresh identity's certificate.
TEST(WycheproofRsaPssParameters, DuetCertificatesUseTheCheckedParameters) {
  Result<Identity> id = Identity::Generate();
  ASSERT_TRUE(id.ok());
  const X509_ALGOR* alg = nullptr;
  X509_get0_signature(nullptr, &alg, id->certificate());
  ASSERT_NE(alg, nullptr);
  EXPECT_EQ(OBJ_obj2nid(alg->algorithm), NID_rsassaPss);
  // The verifier Duet runs on a peer's certificate accepts it.
  EXPECT_EQ(X509_verify(id->certificate(), id->key()), 1);
  // And a signature made with Duet's sequence verifies with the vector-checked verifier.
  const wire::Bytes msg = {'d', 'u', 'e', 't'};
  MdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;
  ASSERT_EQ(EVP_DigestSignInit(md.get(), &pctx, EVP_sha256(), nullptr, id->key()), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PSS_PADDING), 1);
  ASSERT_EQ(EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST), 1);
  size_t len = 0;
  ASSERT_EQ(EVP_DigestSign(md.get(), nullptr, &len, msg.data(), msg.size()), 1);
  wire::Bytes sig(len);
  ASSERT_EQ(EVP_DigestSign(md.get(), sig.data(), &len, msg.data(), msg.size()), 1);
  sig.resize(len);
  EXPECT_TRUE(VerifyPss(id->key(), msg, sig));
  sig[sig.size() / 2] ^= 1;
  EXPECT_FALSE(VerifyPss(id->key(), msg, sig));
}

}  // namespace
}  // namespace duet::crypto
