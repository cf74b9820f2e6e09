// One side of the peers' TLS 1.3 session, over memory BIOs: ciphertext in, plaintext out, and
// the reverse. It never touches a socket; peer/core moves its bytes inside relay DATA frames.
//
// Configured as DESIGN.md section 2 says: TLS 1.3 only; TLS_AES_256_GCM_SHA384 and
// TLS_CHACHA20_POLY1305_SHA256; groups X25519MLKEM768 then X25519 (X25519 alone where the
// linked OpenSSL has no ML-KEM); RSA-PSS signatures only; both sides present and
// require a certificate (self-signed; trust is decided afterwards by the pin store, by
// fingerprint); no tickets, resumption, 0-RTT, SNI, compression or renegotiation; records padded
// to 256-byte blocks; a key update after a volume of data.
//
// The peer's certificate must pass crypto/peer_certificate.h (alone, self-signed, RSA 3072 to
// 8192 bits, signed with RSA-PSS); the schemes offered are exactly rsa_pss_rsae_sha256/384/512.
//
// Failures are values with distinct codes: TLS_HANDSHAKE_FAILED (a refused certificate's reason
// is in its message), PEER_CERT_MISSING,
// TLS_TAMPERED (a record failed authentication), TLS_PROTOCOL_ERROR (any other fatal error
// after the handshake), CONNECTION_LOST (the transport ended without close_notify), NOT_SECURE.
// After a failure the endpoint is kFailed and yields no more plaintext; plaintext from a record
// that failed authentication is never returned.
//
// Not thread-safe; one thread drives an endpoint. The Identity must outlive Create() only.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "crypto/fingerprint.h"
#include "crypto/identity.h"
#include "crypto/ossl.h"
#include "crypto/sas.h"
#include "wire/codec.h"
#include "wire/result.h"

namespace duet::crypto {

enum class TlsRole { kServer, kClient };

// The hybrid post-quantum group, as OpenSSL and IANA name it (TLS group 0x11EC).
inline constexpr char kHybridGroupName[] = "X25519MLKEM768";
// Whether the linked OpenSSL offers kHybridGroupName (3.5 and later do; 3.0 does not). Asked of
// the library once, at run time.
bool HybridGroupAvailable();
// PQ_UNAVAILABLE (with the library's version) where HybridGroupAvailable() is false: what
// --require-pq says on such a machine.
Status CheckPostQuantumAvailable();

// A context with the settings above and `identity` as our certificate and key, for either role.
// TlsEndpoint uses it; so does the adversarial suite's grinder, which must speak exactly as the
// peers do. Without `offer_post_quantum`, X25519 alone (as an older Duet, for tests and the
// benchmark). The Identity must outlive the call only.
Result<SslCtxPtr> MakeTlsContext(const Identity& identity, bool offer_post_quantum = true);

enum class TlsState {
  kHandshaking,
  kSecure,
  kClosed,  // close_notify received from the peer, or Close() called
  kFailed,
};

struct TlsOptions {
  uint64_t key_update_after_bytes = 1ull << 30;  // plaintext written between key updates
  size_t record_padding_block = 256;
  // Offer the hybrid group when the library has it (false: X25519 only, as an older peer).
  bool offer_post_quantum = true;
};

class TlsEndpoint {
 public:
  static Result<std::unique_ptr<TlsEndpoint>> Create(TlsRole role, const Identity& identity,
                                                     TlsOptions options = {});
  ~TlsEndpoint();
  TlsEndpoint(const TlsEndpoint&) = delete;
  TlsEndpoint& operator=(const TlsEndpoint&) = delete;

  // Client only: produces the ClientHello (take it with TakeCiphertext).
  Status Start();
  // Bytes from the peer: drives the handshake and decrypts records.
  Status FeedCiphertext(wire::ByteView in);
  // Encrypts `plaintext` (only in kSecure).
  Status Write(wire::ByteView plaintext);
  // Everything to send to the peer now (drains).
  wire::Bytes TakeCiphertext();
  // The bulk path: how much ciphertext waits, and reading it into the caller's buffer (no
  // intermediate copy). Returns the bytes read.
  size_t ciphertext_pending() const;
  size_t ReadCiphertext(std::span<uint8_t> out);
  // Everything decrypted so far (drains).
  wire::Bytes TakePlaintext();
  size_t plaintext_pending() const { return plaintext_.size(); }
  // Sends close_notify.
  void Close();
  // The transport ended: OK after the peer's close_notify, else CONNECTION_LOST.
  Status TransportClosed();

  TlsState state() const { return state_; }
  TlsRole role() const;
  // After the handshake; owned by the endpoint.
  X509* peer_certificate() const;
  Result<Fingerprint> peer_fingerprint() const;
  // The exporter secret the short authentication string is derived from, bound to this session
  // and `room_code` (crypto/sas.h; the nonces of the commitment exchange complete it).
  Result<SasBytes> SasSecret(std::string_view room_code) const;
  // `out.size()` bytes of SSL_export_keying_material(label, context) of this session (the code
  // check's channel binding, peer/core/code_check.h). NOT_SECURE before the handshake.
  Status Export(std::string_view label, std::string_view context, std::span<uint8_t> out) const;

  std::string protocol_version() const;
  std::string cipher() const;
  std::string group() const;  // the key agreement's group, e.g. "X25519MLKEM768"
  // The session's keys came from the hybrid post-quantum group (after the handshake).
  bool post_quantum() const;
  uint64_t key_updates() const { return key_updates_; }

 private:
  TlsEndpoint(SslCtxPtr ctx, SslPtr ssl, BIO* in, BIO* out, TlsOptions options)
      : ctx_(std::move(ctx)), ssl_(std::move(ssl)), in_(in), out_(out), options_(options) {}

  Status Pump();
  Status Fail(Error e);
  Error ClassifyError(int ssl_error);

  SslCtxPtr ctx_;
  SslPtr ssl_;
  BIO* in_;   // owned by ssl_: ciphertext from the peer
  BIO* out_;  // owned by ssl_: ciphertext to the peer
  TlsOptions options_;
  TlsState state_ = TlsState::kHandshaking;
  wire::Bytes plaintext_;
  uint64_t written_since_update_ = 0;
  uint64_t key_updates_ = 0;
  // Why the peer's certificate was refused (set by the verify callback through SSL ex_data);
  // empty while none was. Sizes and algorithm names only.
  std::string cert_refusal_;
};

}  // namespace duet::crypto
