// The man in the middle for HostileRelay's mitm mode: two TLS 1.3 sessions, one with each peer,
// under the adversary's own identities, and the application bytes piped between them. The peers
// see the adversary's certificates; only the SAS, the safety number and the pin store can tell.
//
// Not thread-safe; the identities must outlive the Mitm.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "crypto/identity.h"
#include "crypto/tls_endpoint.h"
#include "tests/adversary/hostile_relay.h"
#include "wire/codec.h"
#include "wire/frame.h"

namespace duet::adversary {

class Mitm {
 public:
  // Side a is the peers' TLS server, so toward a the adversary is a client; toward b a server.
  static std::unique_ptr<Mitm> Create(const crypto::Identity& toward_a,
                                      const crypto::Identity& toward_b);

  // The ClientHello toward a (TLS bytes; the caller wraps them in DATA frames).
  wire::Bytes Start();
  // TLS bytes from side `from`. Appends the TLS bytes to send to each side, and the names of the
  // application frames seen in the clear (for the log). False when either session failed.
  bool Feed(Dir from, wire::ByteView data, wire::Bytes& to_a, wire::Bytes& to_b,
            std::vector<std::string>& seen);

 private:
  Mitm(std::unique_ptr<crypto::TlsEndpoint> a, std::unique_ptr<crypto::TlsEndpoint> b);
  // Moves plaintext waiting for side `to` into its endpoint once that session is secure.
  bool Pipe(int to);

  std::unique_ptr<crypto::TlsEndpoint> tls_[2];  // [0] toward a, [1] toward b
  wire::Bytes pending_[2];                       // plaintext waiting to go to side i
  wire::FrameDecoder decoder_[2];                // application frames from side i, for the log
};

}  // namespace duet::adversary
