// Owners for OpenSSL objects and one helper that turns the OpenSSL error queue into a sentence.
//
// Every OpenSSL object Duet holds lives in one of these unique_ptrs; nothing is freed by hand.
#pragma once

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace duet::crypto {

template <auto Free>
struct OsslDeleter {
  template <typename T>
  void operator()(T* p) const {
    Free(p);
  }
};

using PkeyPtr = std::unique_ptr<EVP_PKEY, OsslDeleter<EVP_PKEY_free>>;
using PkeyCtxPtr = std::unique_ptr<EVP_PKEY_CTX, OsslDeleter<EVP_PKEY_CTX_free>>;
using MdCtxPtr = std::unique_ptr<EVP_MD_CTX, OsslDeleter<EVP_MD_CTX_free>>;
using X509Ptr = std::unique_ptr<X509, OsslDeleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, OsslDeleter<BIO_free_all>>;
using BnPtr = std::unique_ptr<BIGNUM, OsslDeleter<BN_free>>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, OsslDeleter<SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, OsslDeleter<SSL_free>>;

// "<what>: <OpenSSL's reasons>", draining (and so clearing) this thread's error queue.
// Reasons never contain key material; they are safe to show and log.
std::string OpensslError(std::string_view what);

// This thread's error queue, oldest first, taken (the queue is empty after): for a caller that
// must look at every entry, then perhaps describe them.
std::vector<unsigned long> TakeOpensslErrors();

// "<what>: <reasons of `errors`>", as OpensslError says them.
std::string DescribeOpensslErrors(std::string_view what, const std::vector<unsigned long>& errors);

// Clears this thread's error queue (before an operation whose failure we will report).
void ClearOpensslErrors();

}  // namespace duet::crypto
