// The SAS commitment exchange (wire/PROTOCOL.md 3.1), one per TLS session, between the
// handshake and HELLO:
//
//     client                                server
//     SAS_COMMIT(SHA-256(label || n_c))  →
//                                        ←  SAS_NONCE(n_s)
//     SAS_REVEAL(n_c)                    →  (checks the commitment)
//
// Both then derive the six digits from the TLS exporter secret, n_c and n_s (crypto/sas.h).
// Pure: frames in, frames out, no I/O. Each step checks that it is the step expected; anything
// out of order is PEER_PROTOCOL_ERROR, a reveal that does not open the commitment
// SAS_COMMIT_MISMATCH. Nonces and the secret are wiped on destruction.
#pragma once

#include <string>

#include "crypto/sas.h"
#include "wire/app_protocol.h"
#include "wire/result.h"

namespace duet::peer {

class SasExchange {
 public:
  enum class Step { kClientAwaitsNonce, kServerAwaitsCommit, kServerAwaitsReveal, kDone };

  // `secret` is TlsEndpoint::SasSecret(room) of this TLS session.
  SasExchange(bool is_client, const crypto::SasBytes& secret);
  ~SasExchange();
  SasExchange(const SasExchange&) = delete;
  SasExchange& operator=(const SasExchange&) = delete;

  // Client: the first frame it sends after the handshake.
  wire::app::SasCommit Commit() const;
  // Server: the client's commitment; answers with our nonce.
  Result<wire::app::SasNonce> OnCommit(const wire::app::SasCommit& commit);
  // Client: the server's nonce; answers with the reveal. The code is final after this.
  Result<wire::app::SasReveal> OnNonce(const wire::app::SasNonce& nonce);
  // Server: the client's nonce; checks it opens the commitment. The code is final after this.
  Status OnReveal(const wire::app::SasReveal& reveal);

  Step step() const { return step_; }
  bool done() const { return step_ == Step::kDone; }
  // "482 913" once done(); empty before.
  const std::string& sas() const { return sas_; }

 private:
  Error OutOfOrder(const char* frame) const;
  void Finish();

  Step step_;
  crypto::SasBytes secret_{};
  crypto::SasBytes client_nonce_{};
  crypto::SasBytes server_nonce_{};
  crypto::SasBytes commitment_{};
  std::string sas_;
};

}  // namespace duet::peer
