// Certificates Duet must refuse, made the way another program could make them: over a given key,
// signed by a given key, with PKCS#1 v1.5 or RSA-PSS (and a chosen MGF1 hash).
#pragma once

#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "crypto/ossl.h"

namespace duet::crypto::testing {

struct CertSpec {
  EVP_PKEY* subject = nullptr;          // the key the certificate is over
  EVP_PKEY* signer = nullptr;           // the key that signs it (== subject: self-signed)
  int padding = RSA_PKCS1_PSS_PADDING;  // or RSA_PKCS1_PADDING; ignored for a non-RSA signer
  const EVP_MD* mgf1 = nullptr;         // PSS only: nullptr = the signature's hash (SHA-256)
};

inline X509Ptr MakeCertificate(const CertSpec& spec) {
  X509Ptr cert(X509_new());
  X509_NAME* name = X509_get_subject_name(cert.get());
  if (X509_set_version(cert.get(), X509_VERSION_3) != 1 ||
      ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) != 1 ||
      X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0) == nullptr ||
      X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600) == nullptr ||
      X509_set_pubkey(cert.get(), spec.subject) != 1 ||
      X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                 reinterpret_cast<const unsigned char*>("duet peer"), -1, -1,
                                 0) != 1 ||
      X509_set_issuer_name(cert.get(), name) != 1) {
    return nullptr;
  }
  MdCtxPtr md(EVP_MD_CTX_new());
  EVP_PKEY_CTX* pctx = nullptr;  // owned by md
  if (!md || EVP_DigestSignInit(md.get(), &pctx, EVP_sha256(), nullptr, spec.signer) != 1) {
    return nullptr;
  }
  if (EVP_PKEY_get_base_id(spec.signer) == EVP_PKEY_RSA) {
    if (EVP_PKEY_CTX_set_rsa_padding(pctx, spec.padding) != 1) return nullptr;
    if (spec.padding == RSA_PKCS1_PSS_PADDING &&
        (EVP_PKEY_CTX_set_rsa_pss_saltlen(pctx, RSA_PSS_SALTLEN_DIGEST) != 1 ||
         (spec.mgf1 != nullptr && EVP_PKEY_CTX_set_rsa_mgf1_md(pctx, spec.mgf1) != 1))) {
      return nullptr;
    }
  }
  if (X509_sign_ctx(cert.get(), md.get()) <= 0) return nullptr;
  return cert;
}

}  // namespace duet::crypto::testing
