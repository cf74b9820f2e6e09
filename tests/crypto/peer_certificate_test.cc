#include "crypto/peer_certificate.h"

#include <gtest/gtest.h>

#include "tests/crypto/test_certificates.h"
#include "tests/crypto/tls_test_util.h"

namespace duet::crypto {
namespace {

using testing::CertSpec;
using testing::MakeCertificate;
using testing::TestIdentity;

std::string RefusalOf(const CertSpec& spec, int chain_length = 1) {
  X509Ptr cert = MakeCertificate(spec);
  EXPECT_TRUE(cert);
  return PeerCertificateRefusal(cert.get(), chain_length).value_or("accepted");
}

TEST(PeerCertificate, AcceptsTheCertificateDuetMakes) {
  EXPECT_EQ(PeerCertificateRefusal(TestIdentity(0).certificate(), 1), std::nullopt);
  EVP_PKEY* key = TestIdentity(0).key();
  EXPECT_EQ(RefusalOf({key, key}), "accepted");
}

TEST(PeerCertificate, RefusesPkcs1Signature) {
  EVP_PKEY* key = TestIdentity(0).key();
  EXPECT_EQ(RefusalOf({key, key, RSA_PKCS1_PADDING}),
            "it is signed with sha256WithRSAEncryption, not RSA-PSS");
}

TEST(PeerCertificate, RefusesPssWithAnotherMgf1Hash) {
  EVP_PKEY* key = TestIdentity(0).key();
  EXPECT_EQ(RefusalOf({key, key, RSA_PKCS1_PSS_PADDING, EVP_sha1()}),
            "its RSA-PSS parameters are not SHA-256, SHA-384 or SHA-512 with MGF1 of the same "
            "hash and a salt as long as the hash");
}

TEST(PeerCertificate, RefusesACertificateSignedByAnotherKey) {
  EXPECT_EQ(RefusalOf({TestIdentity(0).key(), TestIdentity(1).key()}),
            "its signature does not verify with its own key (it is not self-signed)");
}

TEST(PeerCertificate, RefusesAChain) {
  EVP_PKEY* key = TestIdentity(0).key();
  EXPECT_EQ(RefusalOf({key, key}, 2),
            "it came with a chain of 2 certificates, not alone and self-signed");
}

TEST(PeerCertificate, RefusesKeysTooSmallOrNotRsa) {
  PkeyPtr small(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
  ASSERT_TRUE(small);
  EXPECT_EQ(RefusalOf({small.get(), small.get()}),
            "its key has 2048 bits, too small (at least 3072)");
  PkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_TRUE(ec);
  EXPECT_EQ(RefusalOf({ec.get(), ec.get()}), "its key is not an RSA key");
}

}  // namespace
}  // namespace duet::crypto
