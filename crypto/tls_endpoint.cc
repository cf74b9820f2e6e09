#include "crypto/tls_endpoint.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <vector>

#include "crypto/peer_certificate.h"
#include "crypto/sas.h"

namespace duet::crypto {
namespace {

constexpr char kCipherSuites[] = "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
// Key agreement: the hybrid X25519MLKEM768 (X25519 and ML-KEM-768 together: the session keys
// stay secret while either holds) first, X25519 second, with a key share for each in the
// ClientHello so that an older peer picks X25519 without a HelloRetryRequest. An OpenSSL without
// ML-KEM (3.0 on Debian 12) refuses the first list; X25519 alone is then all we offer. Which one
// applies is decided at run time, from what the linked library accepts.
constexpr char kGroupsHybrid[] = "*X25519MLKEM768:*X25519";
constexpr char kGroupsClassic[] = "X25519";
// Exactly what is accepted: RSA-PSS with an rsaEncryption key (every Duet key), for handshake
// signatures and, as OpenSSL sends no signature_algorithms_cert, for certificates too (RFC 8446
// 4.2.3). The rsa_pss_pss_* schemes need RSASSA-PSS keys, whose certificates are refused.
constexpr char kSigAlgs[] = "rsa_pss_rsae_sha256:rsa_pss_rsae_sha384:rsa_pss_rsae_sha512";

Error ConfigError(std::string_view what) { return Error{"CRYPTO_ERROR", OpensslError(what)}; }

// Where VerifyPeer leaves the reason it refused a certificate: ex_data of the SSL pointing at
// the endpoint's std::string (no slot, as in the adversarial grinder: the reason is dropped).
int RefusalIndex() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

void NoteRefusal(X509_STORE_CTX* store, const std::string& reason) {
  SSL* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(store, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* slot =
      ssl != nullptr ? static_cast<std::string*>(SSL_get_ex_data(ssl, RefusalIndex())) : nullptr;
  if (slot != nullptr && slot->empty()) *slot = reason;
}

// Accepts the peer's certificate when crypto/peer_certificate.h does: alone, self-signed, an
// RSA key of an accepted size, signed with RSA-PSS. OpenSSL's own verdict (preverify_ok) is set
// aside: a self-signed certificate is never "trusted", and validity dates are ignored on purpose
// (keys are pinned). Who the key belongs to is the pin store's business, after the handshake.
int VerifyPeer(int /*preverify_ok*/, X509_STORE_CTX* store) {
  const STACK_OF(X509)* sent = X509_STORE_CTX_get0_untrusted(store);  // as the peer sent it
  std::optional<std::string> refusal = PeerCertificateRefusal(
      X509_STORE_CTX_get0_cert(store), sent != nullptr ? sk_X509_num(sent) : 0);
  if (!refusal && X509_STORE_CTX_get_error_depth(store) != 0) {
    refusal = "it came with a chain, not alone and self-signed";
  }
  if (refusal) {
    NoteRefusal(store, *refusal);
    return 0;
  }
  X509_STORE_CTX_set_error(store, X509_V_OK);
  return 1;
}

}  // namespace

bool HybridGroupAvailable() {
  static const bool available = [] {
    SslCtxPtr ctx(SSL_CTX_new_ex(nullptr, nullptr, TLS_method()));
    const bool ok = ctx && SSL_CTX_set1_groups_list(ctx.get(), kGroupsHybrid) == 1;
    ClearOpensslErrors();
    return ok;
  }();
  return available;
}

Status CheckPostQuantumAvailable() {
  if (HybridGroupAvailable()) return Ok();
  return Error{"PQ_UNAVAILABLE",
               std::string("This machine's OpenSSL (") + OpenSSL_version(OPENSSL_VERSION_STRING) +
                   ") has no ML-KEM, so Duet cannot make post-quantum sessions here and "
                   "--require-pq would refuse every one. Run Duet where OpenSSL is 3.5 or later "
                   "(Debian 13), or start without --require-pq."};
}

Result<SslCtxPtr> MakeTlsContext(const Identity& identity, bool offer_post_quantum) {
  SslCtxPtr ctx(SSL_CTX_new_ex(nullptr, nullptr, TLS_method()));
  if (!ctx) return ConfigError("Could not create a TLS context");
  SSL_CTX* c = ctx.get();
  if (SSL_CTX_set_min_proto_version(c, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_max_proto_version(c, TLS1_3_VERSION) != 1 ||
      SSL_CTX_set_ciphersuites(c, kCipherSuites) != 1 ||
      SSL_CTX_set1_groups_list(
          c, offer_post_quantum && HybridGroupAvailable() ? kGroupsHybrid : kGroupsClassic) != 1 ||
      SSL_CTX_set1_sigalgs_list(c, kSigAlgs) != 1 ||
      SSL_CTX_set1_client_sigalgs_list(c, kSigAlgs) != 1 || SSL_CTX_set_num_tickets(c, 0) != 1 ||
      SSL_CTX_set_max_early_data(c, 0) != 1 ||
      SSL_CTX_use_certificate(c, identity.certificate()) != 1 ||
      SSL_CTX_use_PrivateKey(c, identity.key()) != 1 || SSL_CTX_check_private_key(c) != 1) {
    return ConfigError("Could not configure TLS");
  }
  SSL_CTX_set_options(c, SSL_OP_NO_TICKET | SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
  SSL_CTX_set_session_cache_mode(c, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, VerifyPeer);
  return ctx;
}

Result<std::unique_ptr<TlsEndpoint>> TlsEndpoint::Create(TlsRole role, const Identity& identity,
                                                         TlsOptions options) {
  ClearOpensslErrors();
  Result<SslCtxPtr> ctx = MakeTlsContext(identity, options.offer_post_quantum);
  if (!ctx) return ctx.error();
  SslPtr ssl(SSL_new(ctx->get()));
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  if (!ssl || in == nullptr || out == nullptr) {
    BIO_free(in);
    BIO_free(out);
    return ConfigError("Could not create a TLS session");
  }
  BIO_set_mem_eof_return(in, -1);   // an empty input BIO means "wait", not end of stream
  SSL_set_bio(ssl.get(), in, out);  // ssl owns both BIOs now
  if (options.record_padding_block > 1 &&
      SSL_set_block_padding(ssl.get(), options.record_padding_block) != 1) {
    return ConfigError("Could not set record padding");
  }
  if (role == TlsRole::kServer) {
    SSL_set_accept_state(ssl.get());
  } else {
    SSL_set_connect_state(ssl.get());
  }
  std::unique_ptr<TlsEndpoint> endpoint(
      new TlsEndpoint(std::move(*ctx), std::move(ssl), in, out, options));
  if (SSL_set_ex_data(endpoint->ssl_.get(), RefusalIndex(), &endpoint->cert_refusal_) != 1) {
    return ConfigError("Could not set up the certificate check");
  }
  return endpoint;
}

TlsEndpoint::~TlsEndpoint() { OPENSSL_cleanse(plaintext_.data(), plaintext_.size()); }

Status TlsEndpoint::Start() { return Pump(); }

Status TlsEndpoint::FeedCiphertext(wire::ByteView in) {
  if (state_ == TlsState::kFailed) {
    return Error{"TLS_PROTOCOL_ERROR", "The secure session already ended after an error."};
  }
  if (state_ == TlsState::kClosed || in.empty()) return Ok();
  if (BIO_write(in_, in.data(), static_cast<int>(in.size())) != static_cast<int>(in.size())) {
    return Fail(ConfigError("Could not buffer data from the peer"));
  }
  return Pump();
}

Status TlsEndpoint::Pump() {
  ClearOpensslErrors();
  if (state_ == TlsState::kHandshaking) {
    int r = SSL_do_handshake(ssl_.get());
    if (r != 1) {
      int err = SSL_get_error(ssl_.get(), r);
      if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return Ok();
      return Fail(ClassifyError(err));
    }
    if (SSL_get0_peer_certificate(ssl_.get()) == nullptr) {
      return Fail(Error{"PEER_CERT_MISSING",
                        "The peer did not present a certificate, so it cannot be identified. The "
                        "session was ended."});
    }
    state_ = TlsState::kSecure;
  }
  // Read every complete record, straight into plaintext_ (a record holds at most 16 KiB).
  constexpr size_t kRecord = 16384;
  plaintext_.reserve(plaintext_.size() + BIO_ctrl_pending(in_) + kRecord);  // no regrowth
  while (state_ == TlsState::kSecure) {
    const size_t at = plaintext_.size();
    plaintext_.resize(at + kRecord);
    size_t n = 0;
    int r = SSL_read_ex(ssl_.get(), plaintext_.data() + at, kRecord, &n);
    if (r != 1) OPENSSL_cleanse(plaintext_.data() + at, kRecord);  // nothing of a failed read
    plaintext_.resize(at + (r == 1 ? n : 0));
    if (r == 1) continue;
    int err = SSL_get_error(ssl_.get(), r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) break;
    if (err == SSL_ERROR_ZERO_RETURN) {
      state_ = TlsState::kClosed;  // close_notify
      break;
    }
    return Fail(ClassifyError(err));  // wipes plaintext_
  }
  return Ok();
}

Error TlsEndpoint::ClassifyError(int ssl_error) {
  // Every entry of the queue, not the last one only: OpenSSL 3.5 queues "record layer failure"
  // after the "bad record mac" that says what happened.
  const std::vector<unsigned long> errors = TakeOpensslErrors();
  const auto queued = [&errors](int reason) {
    return std::any_of(errors.begin(), errors.end(), [reason](unsigned long e) {
      return ERR_GET_LIB(e) == ERR_LIB_SSL && ERR_GET_REASON(e) == reason;
    });
  };
  const bool handshaking = state_ == TlsState::kHandshaking;
  if (ssl_error == SSL_ERROR_SSL && !handshaking &&
      (queued(SSL_R_DECRYPTION_FAILED_OR_BAD_RECORD_MAC) ||
       queued(SSL_R_SSLV3_ALERT_BAD_RECORD_MAC))) {
    return Error{"TLS_TAMPERED",
                 "Data from the peer failed its integrity check: someone between you changed, "
                 "replayed or reordered it. The session was ended."};
  }
  if (handshaking) {
    if (queued(SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE)) {
      return Error{"PEER_CERT_MISSING",
                   "The peer did not present a certificate, so it cannot be identified. The "
                   "session was ended."};
    }
    if (!cert_refusal_.empty()) {
      // Our own verdict says more than OpenSSL's "certificate verify failed".
      ClearOpensslErrors();
      return Error{"TLS_HANDSHAKE_FAILED",
                   "The secure handshake with the peer failed: the peer's certificate was "
                   "refused, " +
                       cert_refusal_ +
                       ". Someone may be interfering, or the peer runs an incompatible Duet."};
    }
    return Error{"TLS_HANDSHAKE_FAILED",
                 DescribeOpensslErrors("The secure handshake with the peer failed", errors) +
                     ". Someone may be interfering, or the peer runs an incompatible Duet."};
  }
  return Error{"TLS_PROTOCOL_ERROR",
               DescribeOpensslErrors("The secure session broke: data from the peer was altered or "
                                     "is not valid TLS",
                                     errors) +
                   ". The session was ended."};
}

Status TlsEndpoint::Fail(Error e) {
  state_ = TlsState::kFailed;
  OPENSSL_cleanse(plaintext_.data(), plaintext_.size());
  plaintext_.clear();
  return e;
}

Status TlsEndpoint::Write(wire::ByteView plaintext) {
  if (state_ != TlsState::kSecure) {
    return Error{"NOT_SECURE", "The secure session is not established; nothing was sent."};
  }
  ClearOpensslErrors();
  size_t written = 0;
  if (!plaintext.empty() &&
      SSL_write_ex(ssl_.get(), plaintext.data(), plaintext.size(), &written) != 1) {
    return Fail(ClassifyError(SSL_get_error(ssl_.get(), 0)));
  }
  written_since_update_ += written;
  if (written_since_update_ >= options_.key_update_after_bytes) {
    // New traffic keys both ways; the KeyUpdate message goes out with the next flush.
    if (SSL_key_update(ssl_.get(), SSL_KEY_UPDATE_REQUESTED) != 1 ||
        SSL_do_handshake(ssl_.get()) != 1) {
      return Fail(ConfigError("Could not update the session keys"));
    }
    written_since_update_ = 0;
    ++key_updates_;
  }
  return Ok();
}

wire::Bytes TlsEndpoint::TakeCiphertext() {
  wire::Bytes out(BIO_ctrl_pending(out_));
  if (!out.empty()) {
    int n = BIO_read(out_, out.data(), static_cast<int>(out.size()));
    out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  }
  return out;
}

size_t TlsEndpoint::ciphertext_pending() const { return BIO_ctrl_pending(out_); }

size_t TlsEndpoint::ReadCiphertext(std::span<uint8_t> out) {
  if (out.empty()) return 0;
  int n = BIO_read(out_, out.data(), static_cast<int>(out.size()));
  return n > 0 ? static_cast<size_t>(n) : 0;
}

wire::Bytes TlsEndpoint::TakePlaintext() { return std::exchange(plaintext_, {}); }

void TlsEndpoint::Close() {
  if (state_ == TlsState::kSecure || state_ == TlsState::kClosed) {
    ClearOpensslErrors();
    SSL_shutdown(ssl_.get());  // queues close_notify in the output BIO
    ClearOpensslErrors();
    state_ = TlsState::kClosed;
  }
}

Status TlsEndpoint::TransportClosed() {
  if ((SSL_get_shutdown(ssl_.get()) & SSL_RECEIVED_SHUTDOWN) != 0) return Ok();
  state_ = TlsState::kFailed;
  return Error{"CONNECTION_LOST",
               "The connection was lost before the peer closed the session (it was cut or "
               "truncated). Duet will reconnect."};
}

X509* TlsEndpoint::peer_certificate() const { return SSL_get0_peer_certificate(ssl_.get()); }

Result<Fingerprint> TlsEndpoint::peer_fingerprint() const {
  X509* cert = peer_certificate();
  if (cert == nullptr) {
    return Error{"PEER_CERT_MISSING", "The peer did not present a certificate."};
  }
  return FingerprintOfCertificate(cert);
}

Result<SasBytes> TlsEndpoint::SasSecret(std::string_view room_code) const {
  if (state_ != TlsState::kSecure && state_ != TlsState::kClosed) {
    return Error{"NOT_SECURE", "There is no secure session to derive a short code from."};
  }
  return ExportSasSecret(ssl_.get(), room_code);
}

Status TlsEndpoint::Export(std::string_view label, std::string_view context,
                           std::span<uint8_t> out) const {
  if (state_ != TlsState::kSecure) {
    return Error{"NOT_SECURE", "There is no secure session to bind the code to."};
  }
  if (SSL_export_keying_material(ssl_.get(), out.data(), out.size(), label.data(), label.size(),
                                 reinterpret_cast<const unsigned char*>(context.data()),
                                 context.size(), 1) != 1) {
    return Error{"CRYPTO_ERROR", OpensslError("Could not bind the code to the secure session")};
  }
  return Status();
}

TlsRole TlsEndpoint::role() const {
  return SSL_is_server(ssl_.get()) == 1 ? TlsRole::kServer : TlsRole::kClient;
}

std::string TlsEndpoint::protocol_version() const { return SSL_get_version(ssl_.get()); }

std::string TlsEndpoint::cipher() const {
  const SSL_CIPHER* c = SSL_get_current_cipher(ssl_.get());
  return c != nullptr ? SSL_CIPHER_standard_name(c) : "";
}

std::string TlsEndpoint::group() const {
  const int nid = SSL_get_negotiated_group(ssl_.get());
  if (nid == NID_X25519) return "X25519";  // OpenSSL 3.0 names it "x25519"; IANA "X25519"
  const char* name = SSL_group_to_name(ssl_.get(), nid);
  return name != nullptr ? name : "";
}

bool TlsEndpoint::post_quantum() const {
  return state_ != TlsState::kHandshaking && group() == kHybridGroupName;
}

}  // namespace duet::crypto
