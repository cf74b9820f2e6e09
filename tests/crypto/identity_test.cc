#include "crypto/identity.h"

#include <gtest/gtest.h>

namespace duet::crypto {
namespace {

TEST(Identity, GeneratesRsa3072WithMatchingSelfSignedCertificate) {
  Result<Identity> id = Identity::Generate();
  ASSERT_TRUE(id.ok()) << id.error().message;
  EXPECT_EQ(EVP_PKEY_get_base_id(id->key()), EVP_PKEY_RSA);
  EXPECT_EQ(EVP_PKEY_get_bits(id->key()), 3072);
  EXPECT_EQ(X509_check_private_key(id->certificate(), id->key()), 1);
  EXPECT_EQ(X509_verify(id->certificate(), X509_get0_pubkey(id->certificate())), 1);
  // The certificate is signed with RSA-PSS, not PKCS#1 v1.5.
  EXPECT_EQ(X509_get_signature_nid(id->certificate()), NID_rsassaPss);
  Result<Fingerprint> from_cert = FingerprintOfCertificate(id->certificate());
  ASSERT_TRUE(from_cert.ok());
  EXPECT_EQ(*from_cert, id->fingerprint());
}

TEST(Fingerprint, RoundTripsHexAndGroupsForPeople) {
  Fingerprint f;
  for (size_t i = 0; i < f.bytes.size(); ++i) f.bytes[i] = static_cast<uint8_t>(i * 7);
  EXPECT_EQ(f.Hex().size(), 64u);
  Result<Fingerprint> back = Fingerprint::FromHex(f.Hex());
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, f);
  EXPECT_EQ(f.Grouped().substr(0, 14), "0007 0e15 1c23");
  EXPECT_EQ(Fingerprint::FromHex("abc").error().code, "BAD_FINGERPRINT");
  EXPECT_EQ(Fingerprint::FromHex(std::string(64, 'g')).error().code, "BAD_FINGERPRINT");
}

TEST(Identity, RefusesKeyOfWrongTypeOrSize) {
  PkeyPtr ec(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  ASSERT_TRUE(ec);
  Result<Identity> r = Identity::FromParts(std::move(ec), X509Ptr(X509_new()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "KEY_WRONG_TYPE");

  PkeyPtr small(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", static_cast<size_t>(2048)));
  ASSERT_TRUE(small);
  r = Identity::FromParts(std::move(small), X509Ptr(X509_new()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "KEY_WRONG_SIZE");
}

TEST(Identity, RefusesCertificateOfAnotherKey) {
  Result<Identity> a = Identity::Generate();
  Result<Identity> b = Identity::Generate();
  ASSERT_TRUE(a.ok() && b.ok());
  EVP_PKEY_up_ref(a->key());
  X509_up_ref(b->certificate());
  Result<Identity> r = Identity::FromParts(PkeyPtr(a->key()), X509Ptr(b->certificate()));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "CERT_MISMATCH");
}

}  // namespace
}  // namespace duet::crypto
