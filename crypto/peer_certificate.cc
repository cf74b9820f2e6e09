#include "crypto/peer_certificate.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>

#include "crypto/identity.h"

namespace duet::crypto {

std::optional<std::string> PeerCertificateRefusal(X509* cert, int chain_length) {
  if (cert == nullptr) return "there is none";
  if (chain_length != 1) {
    return "it came with a chain of " + std::to_string(chain_length) +
           " certificates, not alone and self-signed";
  }
  // The key: RSA (not RSASSA-PSS-only keys, which TLS 1.3's rsa_pss_pss_* schemes would need
  // and Duet never makes), of an accepted size.
  EVP_PKEY* key = X509_get0_pubkey(cert);
  if (key == nullptr || EVP_PKEY_get_base_id(key) != EVP_PKEY_RSA) {
    ERR_clear_error();
    return "its key is not an RSA key";
  }
  const int bits = EVP_PKEY_get_bits(key);
  if (bits < kMinIdentityKeyBits) {
    return "its key has " + std::to_string(bits) + " bits, too small (at least " +
           std::to_string(kMinIdentityKeyBits) + ")";
  }
  if (bits > kMaxIdentityKeyBits) {
    return "its key has " + std::to_string(bits) + " bits, too big (at most " +
           std::to_string(kMaxIdentityKeyBits) + ")";
  }
  // The signature algorithm: RSASSA-PSS with the parameters TLS 1.3 allows (OpenSSL sets
  // X509_SIG_INFO_TLS for PSS when the hash is SHA-256/384/512, MGF1 uses the same hash and the
  // salt is as long as the hash).
  const int sig_nid = X509_get_signature_nid(cert);
  if (sig_nid != NID_rsassaPss) {
    const char* name = sig_nid != NID_undef ? OBJ_nid2ln(sig_nid) : nullptr;
    return std::string("it is signed with ") + (name != nullptr ? name : "an unknown algorithm") +
           ", not RSA-PSS";
  }
  int md_nid = NID_undef, pkey_nid = NID_undef, security_bits = 0;
  uint32_t flags = 0;
  if (X509_get_signature_info(cert, &md_nid, &pkey_nid, &security_bits, &flags) != 1 ||
      (flags & X509_SIG_INFO_TLS) == 0) {
    ERR_clear_error();
    return "its RSA-PSS parameters are not SHA-256, SHA-384 or SHA-512 with MGF1 of the same "
           "hash and a salt as long as the hash";
  }
  // Self-signed: its own key verifies its signature.
  if (X509_verify(cert, key) != 1) {
    ERR_clear_error();
    return "its signature does not verify with its own key (it is not self-signed)";
  }
  return std::nullopt;
}

}  // namespace duet::crypto
