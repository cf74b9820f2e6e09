#include "crypto/tls_endpoint.h"

#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <map>
#include <vector>

#include "crypto/pin_store.h"
#include "crypto/sas.h"
#include "tests/crypto/test_certificates.h"
#include "tests/crypto/tls_test_util.h"
#include "tests/support/process.h"
#include "wire/codec.h"
#include "wire/hex.h"

namespace duet::crypto {
namespace {

using testing::Handshaken;
using testing::MakePair;
using testing::Pump;
using testing::TestIdentity;

wire::Bytes Text(std::string_view s) { return wire::Bytes(s.begin(), s.end()); }

// One application-data record carrying `text`, from `from` (the bytes the relay would see).
wire::Bytes RecordOf(TlsEndpoint& from, std::string_view text) {
  EXPECT_TRUE(from.Write(Text(text)).ok());
  return from.TakeCiphertext();
}

TEST(TlsEndpoint, HandshakeIsTls13WithX25519AndAgreedSuite) {
  auto p = Handshaken(TestIdentity(0), TestIdentity(1));
  EXPECT_EQ(p.client->protocol_version(), "TLSv1.3");
  EXPECT_EQ(p.server->protocol_version(), "TLSv1.3");
  EXPECT_EQ(p.client->group(), "x25519");
  const std::string suite = p.client->cipher();
  EXPECT_TRUE(suite == "TLS_AES_256_GCM_SHA384" || suite == "TLS_CHACHA20_POLY1305_SHA256")
      << suite;
  EXPECT_EQ(p.server->cipher(), suite);
}

TEST(TlsEndpoint, EachSideSeesTheOthersFingerprint) {
  auto p = Handshaken(TestIdentity(0), TestIdentity(1));
  EXPECT_EQ(p.client->peer_fingerprint().value(), TestIdentity(0).fingerprint());
  EXPECT_EQ(p.server->peer_fingerprint().value(), TestIdentity(1).fingerprint());
}

TEST(TlsEndpoint, BothSidesExportTheSameSasSecretBoundToTheRoom) {
  auto p = Handshaken(TestIdentity(0), TestIdentity(1));
  SasBytes a = p.client->SasSecret("kitchen").value();
  SasBytes b = p.server->SasSecret("kitchen").value();
  EXPECT_EQ(a, b);
  EXPECT_NE(p.client->SasSecret("garden").value(), a);
  // Another session between the same two keys has another secret.
  auto q = Handshaken(TestIdentity(0), TestIdentity(1));
  EXPECT_NE(q.client->SasSecret("kitchen").value(), a);
}

TEST(Sas, RendersSixDigitsInTwoGroups) {
  EXPECT_EQ(RenderSas(0), "000 000");
  EXPECT_EQ(RenderSas(999999), "999 999");
  EXPECT_EQ(RenderSas(1000000), "000 000");  // 10^6 wraps
  EXPECT_EQ(RenderSas(123456), "123 456");
}

// The commitment is SHA-256 of the label and the nonce; the expected values were computed
// independently (Python hashlib over the same bytes), so they pin the construction.
TEST(Sas, CommitmentOpensOnlyToItsNonce) {
  SasBytes n{};
  for (size_t i = 0; i < n.size(); ++i) n[i] = static_cast<uint8_t>(i);
  SasBytes c = SasCommitment(n);
  EXPECT_EQ(duet::wire::ToHex(c),
            "0cd1a721888a60b10a93f51419f53b680912f11f12bd23d1efc8c112a295fd4d");
  EXPECT_TRUE(SasCommitmentOpens(c, n));
  for (size_t bit = 0; bit < 256; ++bit) {
    SasBytes m = n;
    m[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(SasCommitmentOpens(c, m)) << bit;
    SasBytes d = c;
    d[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    EXPECT_FALSE(SasCommitmentOpens(d, n)) << bit;
  }
}

TEST(Sas, EveryInputChangesTheCode) {
  SasBytes s{}, nc{}, ns{};
  s[0] = 1;
  nc[0] = 2;
  ns[0] = 3;
  const std::string base = DeriveSas(s, nc, ns);
  EXPECT_EQ(base, "249 916");  // computed independently (Python hashlib)
  EXPECT_EQ(base, DeriveSas(s, nc, ns));
  // A change in any input gives another code (these inputs were checked to differ).
  int same = 0;
  for (int i = 1; i < 200; ++i) {
    SasBytes x = s, y = nc, z = ns;
    x[1] = static_cast<uint8_t>(i);
    y[1] = static_cast<uint8_t>(i);
    z[1] = static_cast<uint8_t>(i);
    same += DeriveSas(x, nc, ns) == base;
    same += DeriveSas(s, y, ns) == base;
    same += DeriveSas(s, nc, z) == base;
  }
  EXPECT_EQ(same, 0);
  // Swapping the two nonces is another code: the roles are bound.
  EXPECT_NE(DeriveSas(s, ns, nc), base);
}

TEST(TlsEndpoint, DataFlowsBothWaysIncludingAMegabyteInPieces) {
  auto p = Handshaken(TestIdentity(0), TestIdentity(1));
  ASSERT_TRUE(p.client->Write(Text("hello server")).ok());
  ASSERT_TRUE(Pump(*p.client, *p.server).ok());
  EXPECT_EQ(p.server->TakePlaintext(), Text("hello server"));

  wire::Bytes big(1 << 20);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 31 + 7);
  for (size_t pos = 0; pos < big.size(); pos += 50000) {
    size_t n = std::min<size_t>(50000, big.size() - pos);
    ASSERT_TRUE(p.server->Write(wire::ByteView(big).subspan(pos, n)).ok());
  }
  ASSERT_TRUE(Pump(*p.client, *p.server).ok());
  EXPECT_EQ(p.client->TakePlaintext(), big);
}

TEST(TlsEndpoint, RecordsArePaddedSoLengthsLeakLittle) {
  auto p = Handshaken(TestIdentity(0), TestIdentity(1));
  size_t one = RecordOf(*p.client, "a").size();
  size_t many = RecordOf(*p.client, std::string(200, 'b')).size();
  EXPECT_EQ(one, many);
}

// Tink-style: flip each bit of a sample of positions across a record; every flip is refused
// and no plaintext comes out.
TEST(TlsEndpoint, EveryFlippedBitIsRejectedWithoutPlaintext) {
  std::vector<size_t> positions;
  for (size_t i = 0; i < 64; ++i) positions.push_back(i / 8);  // header and first body bytes
  auto probe = Handshaken(TestIdentity(0), TestIdentity(1));
  const size_t len = RecordOf(*probe.client, "attack at dawn").size();
  for (size_t pos = 5; pos < len; pos += 7) positions.push_back(pos);  // body and tag
  positions.push_back(len - 1);                                        // the tag's last byte

  int flips = 0;
  for (size_t i = 0; i < positions.size(); ++i) {
    const size_t pos = positions[i];
    const int bit = static_cast<int>(i % 8);
    auto p = Handshaken(TestIdentity(0), TestIdentity(1));
    wire::Bytes rec = RecordOf(*p.client, "attack at dawn");
    ASSERT_EQ(rec.size(), len);
    rec[pos] ^= static_cast<uint8_t>(1 << bit);
    Status st = p.server->FeedCiphertext(rec);
    if (st.ok()) {
      // A flip in the length field can leave the record incomplete; the stream then ends.
      EXPECT_EQ(p.server->TransportClosed().error().code, "CONNECTION_LOST");
    } else {
      EXPECT_TRUE(st.error().code == "TLS_TAMPERED" || st.error().code == "TLS_PROTOCOL_ERROR")
          << pos << ":" << bit << " " << st.error().code;
      EXPECT_EQ(p.server->state(), TlsState::kFailed);
    }
    EXPECT_TRUE(p.server->TakePlaintext().empty()) << "plaintext from a tampered record";
    ++flips;
  }
  EXPECT_GT(flips, 100);
}

TEST(TlsEndpoint, FlippedBodyBitIsReportedAsTampering) {
  auto p = Handshaken(TestIdentity(0), TestIdentity(1));
  wire::Bytes rec = RecordOf(*p.client, "pay bob 10");
  rec[10] ^= 0x40;
  Status st = p.server->FeedCiphertext(rec);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "TLS_TAMPERED");
  EXPECT_EQ(st.error().message,
            "Data from the peer failed its integrity check: someone between you changed, "
            "replayed or reordered it. The session was ended.");
  // And the endpoint stays failed: a genuine record afterwards yields nothing.
  EXPECT_FALSE(p.server->FeedCiphertext(RecordOf(*p.client, "more")).ok());
  EXPECT_TRUE(p.server->TakePlaintext().empty());
}

TEST(TlsEndpoint, ReplayedRecordIsRejected) {
  auto p = Handshaken(TestIdentity(0), TestIdentity(1));
  wire::Bytes rec = RecordOf(*p.client, "transfer 100");
  ASSERT_TRUE(p.server->FeedCiphertext(rec).ok());
  EXPECT_EQ(p.server->TakePlaintext(), Text("transfer 100"));
  Status st = p.server->FeedCiphertext(rec);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "TLS_TAMPERED");
  EXPECT_TRUE(p.server->TakePlaintext().empty());
}

TEST(TlsEndpoint, ReflectedRecordIsRejected) {
  auto p = Handshaken(TestIdentity(0), TestIdentity(1));
  wire::Bytes rec = RecordOf(*p.client, "to the server");
  Status st = p.client->FeedCiphertext(rec);  // back to its own sender
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "TLS_TAMPERED");
  EXPECT_TRUE(p.client->TakePlaintext().empty());
}

TEST(TlsEndpoint, ReorderedRecordsAreRejected) {
  auto p = Handshaken(TestIdentity(0), TestIdentity(1));
  wire::Bytes first = RecordOf(*p.client, "first");
  wire::Bytes second = RecordOf(*p.client, "second");
  Status st = p.server->FeedCiphertext(second);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "TLS_TAMPERED");
  EXPECT_TRUE(p.server->TakePlaintext().empty());
}

TEST(TlsEndpoint, DroppedRecordMakesTheNextOneFail) {
  auto p = Handshaken(TestIdentity(0), TestIdentity(1));
  (void)RecordOf(*p.client, "lost");
  Status st = p.server->FeedCiphertext(RecordOf(*p.client, "after the loss"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "TLS_TAMPERED");
}

// Mallory runs a full handshake with each side under her own identities and forwards plaintext.
TEST(TlsEndpoint, ManInTheMiddleGivesTheTwoSidesDifferentSas) {
  const Identity& alice = TestIdentity(0);
  const Identity& bob = TestIdentity(1);
  const Identity& mallory = TestIdentity(2);
  auto left = Handshaken(mallory, alice);  // alice (client) <-> mallory (server)
  auto right = Handshaken(bob, mallory);   // mallory (client) <-> bob (server)
  // Even with the same nonces on both sides, the two sessions' secrets differ.
  const SasBytes alice_secret = left.client->SasSecret("room").value();
  const SasBytes bob_secret = right.server->SasSecret("room").value();
  SasBytes nc = NewSasNonce(), ns = NewSasNonce();
  EXPECT_NE(DeriveSas(alice_secret, nc, ns), DeriveSas(bob_secret, nc, ns));
  // Each sees mallory's key, not the other's.
  EXPECT_EQ(left.client->peer_fingerprint().value(), mallory.fingerprint());
  EXPECT_EQ(right.server->peer_fingerprint().value(), mallory.fingerprint());
  EXPECT_NE(left.client->peer_fingerprint().value(), bob.fingerprint());
  // She can relay plaintext, which is why the SAS and the pin store matter.
  ASSERT_TRUE(left.client->Write(Text("hi bob")).ok());
  ASSERT_TRUE(Pump(*left.client, *left.server).ok());
  ASSERT_TRUE(right.client->Write(left.server->TakePlaintext()).ok());
  ASSERT_TRUE(Pump(*right.client, *right.server).ok());
  EXPECT_EQ(right.server->TakePlaintext(), Text("hi bob"));
}

TEST(TlsEndpoint, CleanCloseIsNotConnectionLost) {
  auto p = Handshaken(TestIdentity(0), TestIdentity(1));
  p.client->Close();
  ASSERT_TRUE(Pump(*p.client, *p.server).ok());
  EXPECT_EQ(p.server->state(), TlsState::kClosed);
  EXPECT_TRUE(p.server->TransportClosed().ok());
}

TEST(TlsEndpoint, TruncatedStreamIsConnectionLost) {
  auto p = Handshaken(TestIdentity(0), TestIdentity(1));
  wire::Bytes rec = RecordOf(*p.client, "half of this");
  rec.resize(rec.size() / 2);
  ASSERT_TRUE(p.server->FeedCiphertext(rec).ok());
  EXPECT_TRUE(p.server->TakePlaintext().empty());
  Status st = p.server->TransportClosed();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "CONNECTION_LOST");
}

TEST(TlsEndpoint, KeyUpdateAfterVolumeKeepsDataFlowing) {
  TlsOptions opts;
  opts.key_update_after_bytes = 64 * 1024;
  auto p = Handshaken(TestIdentity(0), TestIdentity(1), opts);
  wire::Bytes chunk(16 * 1024, 0x5a);
  for (int i = 0; i < 64; ++i) {
    ASSERT_TRUE(p.client->Write(chunk).ok());
    ASSERT_TRUE(Pump(*p.client, *p.server).ok());
  }
  EXPECT_GE(p.client->key_updates(), 15u);
  EXPECT_EQ(p.server->TakePlaintext().size(), 64u * chunk.size());
  ASSERT_TRUE(p.server->Write(Text("still there")).ok());
  ASSERT_TRUE(Pump(*p.client, *p.server).ok());
  EXPECT_EQ(p.client->TakePlaintext(), Text("still there"));
}

// --- a raw OpenSSL client with weaker settings against our server --------------------------

struct RawClient {
  SslCtxPtr ctx;
  SslPtr ssl;
  BIO* in = nullptr;
  BIO* out = nullptr;
};

RawClient MakeRawClient(int max_version, const char* suites, const char* sigalgs,
                        const Identity* id, X509* cert = nullptr) {
  RawClient c;
  c.ctx.reset(SSL_CTX_new(TLS_client_method()));
  SSL_CTX_set_max_proto_version(c.ctx.get(), max_version);
  if (max_version == TLS1_2_VERSION) {
    SSL_CTX_set_cipher_list(c.ctx.get(), "ECDHE-RSA-AES256-GCM-SHA384");
  } else if (suites != nullptr) {
    SSL_CTX_set_ciphersuites(c.ctx.get(), suites);
  }
  if (sigalgs != nullptr) SSL_CTX_set1_sigalgs_list(c.ctx.get(), sigalgs);
  SSL_CTX_set_verify(c.ctx.get(), SSL_VERIFY_NONE, nullptr);
  if (id != nullptr) {
    SSL_CTX_use_certificate(c.ctx.get(), cert != nullptr ? cert : id->certificate());
    SSL_CTX_use_PrivateKey(c.ctx.get(), id->key());
  }
  c.ssl.reset(SSL_new(c.ctx.get()));
  c.in = BIO_new(BIO_s_mem());
  c.out = BIO_new(BIO_s_mem());
  BIO_set_mem_eof_return(c.in, -1);
  SSL_set_bio(c.ssl.get(), c.in, c.out);
  SSL_set_connect_state(c.ssl.get());
  return c;
}

// Runs the raw client against our server; returns our server's verdict.
Status Against(RawClient& c) {
  auto server = TlsEndpoint::Create(TlsRole::kServer, TestIdentity(0)).value();
  for (int i = 0; i < 20; ++i) {
    SSL_do_handshake(c.ssl.get());
    std::vector<uint8_t> buf(BIO_ctrl_pending(c.out));
    if (!buf.empty()) BIO_read(c.out, buf.data(), static_cast<int>(buf.size()));
    if (!buf.empty()) {
      Status st = server->FeedCiphertext(buf);
      if (!st) return st;
    }
    wire::Bytes back = server->TakeCiphertext();
    if (!back.empty()) BIO_write(c.in, back.data(), static_cast<int>(back.size()));
    if (buf.empty() && back.empty()) break;
  }
  if (server->state() == TlsState::kSecure) return Ok();
  return Error{"NOT_SECURE", "no handshake"};
}

TEST(TlsEndpoint, RefusesTls12) {
  RawClient c = MakeRawClient(TLS1_2_VERSION, nullptr, nullptr, &TestIdentity(1));
  Status st = Against(c);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "TLS_HANDSHAKE_FAILED");
}

TEST(TlsEndpoint, RefusesAClientWithoutACertificate) {
  RawClient c = MakeRawClient(TLS1_3_VERSION, nullptr, nullptr, nullptr);
  Status st = Against(c);
  ASSERT_FALSE(st.ok());
  EXPECT_TRUE(st.error().code == "PEER_CERT_MISSING" || st.error().code == "TLS_HANDSHAKE_FAILED")
      << st.error().code;
}

TEST(TlsEndpoint, RefusesPkcs1SignaturesOnly) {
  RawClient c = MakeRawClient(TLS1_3_VERSION, nullptr, "RSA+SHA256", &TestIdentity(1));
  Status st = Against(c);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "TLS_HANDSHAKE_FAILED");
}

// The certificate a client presents, signed another way than Duet's: refused, and the error
// says why while its headline stays the handshake's.
Status WithCertificate(const testing::CertSpec& spec, X509* extra = nullptr) {
  X509Ptr cert = testing::MakeCertificate(spec);
  EXPECT_TRUE(cert);
  RawClient c = MakeRawClient(TLS1_3_VERSION, nullptr, nullptr, &TestIdentity(1), cert.get());
  if (extra != nullptr) {
    EXPECT_EQ(SSL_add1_chain_cert(c.ssl.get(), extra), 1);
  }
  return Against(c);
}

std::string Refused(std::string_view why) {
  return "The secure handshake with the peer failed: the peer's certificate was refused, " +
         std::string(why) + ". Someone may be interfering, or the peer runs an incompatible Duet.";
}

TEST(TlsEndpoint, RefusesACertificateSignedWithPkcs1AndSaysWhy) {
  EVP_PKEY* key = TestIdentity(1).key();
  Status st = WithCertificate({key, key, RSA_PKCS1_PADDING});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "TLS_HANDSHAKE_FAILED");
  EXPECT_EQ(st.error().message, Refused("it is signed with sha256WithRSAEncryption, not RSA-PSS"));
}

TEST(TlsEndpoint, RefusesACertificateNotSelfSignedAndSaysWhy) {
  Status st = WithCertificate({TestIdentity(1).key(), TestIdentity(2).key()});
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "TLS_HANDSHAKE_FAILED");
  EXPECT_EQ(st.error().message,
            Refused("its signature does not verify with its own key (it is not self-signed)"));
}

TEST(TlsEndpoint, RefusesACertificateWithAChainAndSaysWhy) {
  EVP_PKEY* key = TestIdentity(1).key();
  Status st = WithCertificate({key, key}, TestIdentity(2).certificate());
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "TLS_HANDSHAKE_FAILED");
  EXPECT_EQ(st.error().message,
            Refused("it came with a chain of 2 certificates, not alone and self-signed"));
}

TEST(TlsEndpoint, AcceptsAPssSelfSignedCertificateMadeElsewhere) {
  EVP_PKEY* key = TestIdentity(1).key();
  EXPECT_TRUE(WithCertificate({key, key}).ok());
}

// The ClientHello (the client's first output, in clear): its extensions by type.
std::map<uint16_t, wire::Bytes> ClientHelloExtensions(const wire::Bytes& hello) {
  std::map<uint16_t, wire::Bytes> out;
  wire::Reader r(hello);
  uint8_t type = 0, msg = 0, n8 = 0;
  uint16_t n16 = 0;
  wire::ByteView skip;
  r.U8(type);                      // record: handshake (22)
  r.Raw(4, skip);                  // legacy version, length
  r.U8(msg);                       // handshake: client_hello (1)
  r.Raw(3 + 2 + 32, skip);         // length, legacy version, random
  r.U8(n8) && r.Raw(n8, skip);     // legacy session id
  r.U16(n16) && r.Raw(n16, skip);  // cipher suites
  r.U8(n8) && r.Raw(n8, skip);     // compression methods
  uint16_t left = 0;
  r.U16(left);
  while (!r.failed() && left >= 4) {
    uint16_t ext = 0, len = 0;
    wire::ByteView body;
    if (!r.U16(ext) || !r.U16(len) || !r.Raw(len, body)) break;
    out[ext] = wire::Bytes(body.begin(), body.end());
    left = static_cast<uint16_t>(left - 4 - len);
  }
  EXPECT_TRUE(!r.failed() && type == 22 && msg == 1) << "not a ClientHello";
  return out;
}

std::vector<uint16_t> U16List(const wire::Bytes& body) {
  std::vector<uint16_t> out;
  for (size_t i = 2; i + 1 < body.size(); i += 2) out.push_back((body[i] << 8) | body[i + 1]);
  return out;
}

constexpr uint16_t kRsaPssRsaeSha256 = 0x0804, kRsaPssRsaeSha384 = 0x0805,
                   kRsaPssRsaeSha512 = 0x0806;

TEST(TlsEndpoint, ClientHelloOffersExactlyTheAcceptedSignatureSchemes) {
  auto client = TlsEndpoint::Create(TlsRole::kClient, TestIdentity(0)).value();
  ASSERT_TRUE(client->Start().ok());
  std::map<uint16_t, wire::Bytes> ext = ClientHelloExtensions(client->TakeCiphertext());
  ASSERT_EQ(ext.count(13), 1u);  // signature_algorithms
  EXPECT_EQ(U16List(ext[13]),
            (std::vector<uint16_t>{kRsaPssRsaeSha256, kRsaPssRsaeSha384, kRsaPssRsaeSha512}));
  // No signature_algorithms_cert: signature_algorithms then covers certificates too.
  EXPECT_EQ(ext.count(50), 0u);
}

TEST(TlsEndpoint, CertificateRequestAsksForTheSameSchemes) {
  RawClient c = MakeRawClient(TLS1_3_VERSION, nullptr, nullptr, &TestIdentity(1));
  ASSERT_TRUE(Against(c).ok());
  // What our server's CertificateRequest listed, as the client received it.
  std::vector<uint16_t> asked;
  const int n = SSL_get_sigalgs(c.ssl.get(), -1, nullptr, nullptr, nullptr, nullptr, nullptr);
  for (int i = 0; i < n; ++i) {
    unsigned char rsig = 0, rhash = 0;
    SSL_get_sigalgs(c.ssl.get(), i, nullptr, nullptr, nullptr, &rsig, &rhash);
    asked.push_back(static_cast<uint16_t>((rhash << 8) | rsig));
  }
  EXPECT_EQ(asked,
            (std::vector<uint16_t>{kRsaPssRsaeSha256, kRsaPssRsaeSha384, kRsaPssRsaeSha512}));
}

TEST(TlsEndpoint, RefusesAes128Only) {
  RawClient c = MakeRawClient(TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256", nullptr, &TestIdentity(1));
  Status st = Against(c);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "TLS_HANDSHAKE_FAILED");
}

TEST(TlsEndpoint, AcceptsAProperClientAndSendsNoSessionTicket) {
  RawClient c = MakeRawClient(TLS1_3_VERSION, nullptr, nullptr, &TestIdentity(1));
  ASSERT_TRUE(Against(c).ok());
  // Read whatever the server sent after the handshake: a NewSessionTicket would make a session
  // resumable.
  uint8_t buf[64];
  size_t n = 0;
  SSL_read_ex(c.ssl.get(), buf, sizeof(buf), &n);
  SSL_SESSION* s = SSL_get_session(c.ssl.get());
  EXPECT_TRUE(s == nullptr || SSL_SESSION_is_resumable(s) == 0);
}

TEST(TlsEndpoint, WriteBeforeHandshakeIsRefused) {
  auto p = MakePair(TestIdentity(0), TestIdentity(1));
  Status st = p.client->Write(Text("too early"));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "NOT_SECURE");
}

}  // namespace
}  // namespace duet::crypto
