#include "crypto/ossl.h"

#include <openssl/err.h>

namespace duet::crypto {

std::string OpensslError(std::string_view what) {
  std::string out(what);
  bool first = true;
  while (unsigned long e = ERR_get_error()) {
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
