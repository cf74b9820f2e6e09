#include "peer/core/sas_exchange.h"

#include <openssl/crypto.h>

#include "peer/core/session_internal.h"

namespace duet::peer {

SasExchange::SasExchange(bool is_client, const crypto::SasBytes& secret)
    : step_(is_client ? Step::kClientAwaitsNonce : Step::kServerAwaitsCommit), secret_(secret) {
  if (is_client) {
    client_nonce_ = crypto::NewSasNonce();
    commitment_ = crypto::SasCommitment(client_nonce_);
  }
}

SasExchange::~SasExchange() {
  OPENSSL_cleanse(secret_.data(), secret_.size());
  OPENSSL_cleanse(client_nonce_.data(), client_nonce_.size());
  OPENSSL_cleanse(server_nonce_.data(), server_nonce_.size());
}

wire::app::SasCommit SasExchange::Commit() const { return wire::app::SasCommit{commitment_}; }

Result<wire::app::SasNonce> SasExchange::OnCommit(const wire::app::SasCommit& commit) {
  if (step_ != Step::kServerAwaitsCommit) return OutOfOrder("SAS_COMMIT");
  commitment_ = commit.commitment;
  // Chosen only now, after the client's input is fixed.
  server_nonce_ = crypto::NewSasNonce();
  step_ = Step::kServerAwaitsReveal;
  return wire::app::SasNonce{server_nonce_};
}

Result<wire::app::SasReveal> SasExchange::OnNonce(const wire::app::SasNonce& nonce) {
  if (step_ != Step::kClientAwaitsNonce) return OutOfOrder("SAS_NONCE");
  server_nonce_ = nonce.nonce;
  Finish();
  return wire::app::SasReveal{client_nonce_};
}

Status SasExchange::OnReveal(const wire::app::SasReveal& reveal) {
  if (step_ != Step::kServerAwaitsReveal) return OutOfOrder("SAS_REVEAL");
  if (!crypto::SasCommitmentOpens(commitment_, reveal.nonce)) {
    return Error{"SAS_COMMIT_MISMATCH",
                 "The other side's security code did not match what it had committed to: "
                 "someone tampered with the code exchange. The session was ended; Duet will "
                 "reconnect. If this happens again, the relay is attacking you."};
  }
  client_nonce_ = reveal.nonce;
  Finish();
  return Status();
}

void SasExchange::Finish() {
  sas_ = crypto::DeriveSas(secret_, client_nonce_, server_nonce_);
  step_ = Step::kDone;
}

Error SasExchange::OutOfOrder(const char* frame) const {
  return PeerProtocolError(std::string(frame) + " out of order in the code exchange");
}

}  // namespace duet::peer
