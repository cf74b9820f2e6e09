#include "crypto/sha256.h"

#include <cstdlib>

namespace duet::crypto {

Sha256::Sha256() : ctx_(EVP_MD_CTX_new()) {
  if (!ctx_ || EVP_DigestInit_ex2(ctx_.get(), EVP_sha256(), nullptr) != 1) std::abort();
}

void Sha256::Update(wire::ByteView data) {
  if (!data.empty()) EVP_DigestUpdate(ctx_.get(), data.data(), data.size());
}

Digest256 Sha256::Finish() {
  Digest256 d{};
  unsigned int n = 0;
  EVP_DigestFinal_ex(ctx_.get(), d.data(), &n);
  EVP_DigestInit_ex2(ctx_.get(), EVP_sha256(), nullptr);
  return d;
}

}  // namespace duet::crypto
