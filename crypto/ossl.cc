#include "crypto/ossl.h"

#include <openssl/err.h>

namespace duet::crypto {

std::string OpensslError(std::string_view what) {
  return DescribeOpensslErrors(what, TakeOpensslErrors());
}

std::vector<unsigned long> TakeOpensslErrors() {
  std::vector<unsigned long> errors;
  while (unsigned long e = ERR_get_error()) errors.push_back(e);
  return errors;
}

std::string DescribeOpensslErrors(std::string_view what, const std::vector<unsigned long>& errors) {
  std::string out(what);
  bool first = true;
  for (unsigned long e : errors) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    out += first ? ": " : "; ";
    out += buf;
    first = false;
  }
  return out;
}

void ClearOpensslErrors() { ERR_clear_error(); }

}  // namespace duet::crypto
