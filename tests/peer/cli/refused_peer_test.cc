// A peer whose certificate Duet refuses, behind a real relay: the refusal says why, once, and the
// tries that follow back off (wire/PROTOCOL.md, "Reconnecting").
#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "crypto/identity.h"
#include "tests/crypto/test_certificates.h"
#include "tests/peer/cli/cli_harness.h"

namespace duet::testing {
namespace {

// A home whose identity.crt is over its key but signed with `padding` (what another program, or
// someone passing for a Duet peer, could present). Duet loads it as it is.
void PlantIdentity(const std::string& home, int padding) {
  std::filesystem::create_directories(home);
  std::filesystem::permissions(home, std::filesystem::perms::owner_all);
  Result<crypto::Identity> id = crypto::Identity::Generate();
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(id->Save(home, "").ok());
  crypto::X509Ptr cert = crypto::testing::MakeCertificate({id->key(), id->key(), padding});
  ASSERT_TRUE(cert);
  crypto::BioPtr bio(BIO_new_file((home + "/identity.crt").c_str(), "w"));
  ASSERT_TRUE(bio && PEM_write_bio_X509(bio.get(), cert.get()) == 1);
}

size_t CountLinesWith(const Process& p, const std::string& a, const std::string& b) {
  size_t n = 0;
  for (const std::string& line : p.lines()) {
    n += line.find(a) != std::string::npos && line.find(b) != std::string::npos;
  }
  return n;
}

// The window and the bound the back-off implies. Tries after failed pairings wait 1, 2, 5, 10,
// then 30 s, each within +-25%: at the shortest, 0.75, 1.5, 3.75, 7.5, 22.5 s. So the tries that
// start within 20 s of the first are the first and those after 0.75, 2.25, 6 and 13.5 s: at most
// 5 pairings in 20 s (and at most 7 in 60 s, under the 8). alice refuses the certificate
// in every pairing, so she leaves and waits after each: her "paired" events count her tries.
constexpr auto kWindow = std::chrono::seconds(20);
constexpr size_t kMaxPairingsInWindow = 5;

TEST(RefusedPeerTest, Pkcs1CertificateIsRefusedWithItsReasonOnceAndTriesBackOff) {
  TempDir tmp;
  ASSERT_NO_FATAL_FAILURE(PlantIdentity(tmp / "mallory", RSA_PKCS1_PADDING));
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp / "alice");
  ASSERT_TRUE(Event(*alice, "waiting")) << alice->Transcript();
  auto mallory = StartPeer(relay.addr, "mallory", tmp / "mallory");

  auto refused = Event(*alice, "error");
  ASSERT_TRUE(refused) << alice->Transcript() << mallory->Transcript();
  EXPECT_EQ((*refused)["code"], "TLS_HANDSHAKE_FAILED");
  EXPECT_EQ((*refused)["message"],
            "The secure handshake with the peer failed: the peer's certificate was refused, it "
            "is signed with sha256WithRSAEncryption, not RSA-PSS. Someone may be interfering, or "
            "the peer runs an incompatible Duet.");

  // The window, measured with a deadline: more pairings than the bound would end the wait early.
  const std::string paired = "\"event\":\"paired\"";
  EXPECT_FALSE(alice->WaitForCount(paired, kMaxPairingsInWindow + 1, kWindow))
      << alice->Transcript();
  const size_t pairings = alice->Count(paired);
  std::cout << "pairings in " << kWindow.count() << " s: " << pairings << "\n";
  EXPECT_LE(pairings, kMaxPairingsInWindow);
  EXPECT_GE(pairings, 2u) << "it never tried again";  // the 1 s step fits in the window
  // One entry in the transcript for the run; each later try only counted.
  EXPECT_EQ(CountLinesWith(*alice, "\"event\":\"error\"", "TLS_HANDSHAKE_FAILED"), 1u)
      << alice->Transcript();
  EXPECT_EQ(alice->Count("\"event\":\"secure\""), 0u);
  EXPECT_EQ(mallory->Count("\"event\":\"secure\""), 0u);
}

}  // namespace
}  // namespace duet::testing
