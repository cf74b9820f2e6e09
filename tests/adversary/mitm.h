// The man in the middle for HostileRelay's mitm, rename, forge and grind modes: two TLS 1.3
// sessions ("legs"), one with each peer, under the adversary's own identities, and the
// application frames piped between them through a FramePolicy that may rewrite, answer, drop or
// add frames. The peers see the adversary's certificates; only the SAS, the safety number and
// the pin store can tell.
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

// One TLS session of the adversary with one peer: ciphertext in and out, plaintext in and out.
class Leg {
 public:
  virtual ~Leg() = default;
  // Ciphertext from the peer; false once the session failed.
  virtual bool Feed(wire::ByteView ciphertext) = 0;
  virtual bool secure() const = 0;
  // Encrypts `plaintext` (only once secure); false on failure.
  virtual bool Write(wire::ByteView plaintext) = 0;
  virtual wire::Bytes TakeCiphertext() = 0;
  virtual wire::Bytes TakePlaintext() = 0;
};

// What the man in the middle does with each application frame it reads in the clear.
class FramePolicy {
 public:
  virtual ~FramePolicy() = default;
  // A whole frame from side `from` (0 a, 1 b). Appends whole frames to out[0] (to a) and out[1]
  // (to b); returns true when the policy's attack fired on this frame (logged once by the relay).
  // The default forwards the frame unchanged to the other side.
  virtual bool OnFrame(int from, const wire::Frame& frame, wire::Bytes out[2]);
};

// The name of an application frame type for the log (including the SAS commitment frames).
std::string AppFrameName(uint8_t type);

class Mitm {
 public:
  // Side a is the peers' TLS server, so toward a the adversary is a client; toward b a server.
  static std::unique_ptr<Mitm> Create(const crypto::Identity& toward_a,
                                      const crypto::Identity& toward_b,
                                      std::unique_ptr<FramePolicy> policy);
  // Two legs made elsewhere (grind: the adversary is the server toward both peers).
  Mitm(std::unique_ptr<Leg> a, std::unique_ptr<Leg> b, std::unique_ptr<FramePolicy> policy);

  // The ClientHello toward a (TLS bytes; the caller wraps them in DATA frames).
  wire::Bytes Start();
  // TLS bytes from side `from`. Appends the TLS bytes to send to each side, and the names of the
  // application frames seen in the clear (for the log). `fired` is set when the policy fired.
  // False when either session failed.
  bool Feed(Dir from, wire::ByteView data, wire::Bytes& to_a, wire::Bytes& to_b,
            std::vector<std::string>& seen, bool& fired);

 private:
  // Moves plaintext waiting for side `to` into its leg once that session is secure.
  bool Pipe(int to);

  std::unique_ptr<Leg> legs_[2];  // [0] toward a, [1] toward b
  std::unique_ptr<FramePolicy> policy_;
  wire::Bytes pending_[2];         // plaintext waiting to go to side i
  wire::FrameDecoder decoder_[2];  // application frames from side i
  wire::Bytes start_;              // Start()'s output
};

}  // namespace duet::adversary
