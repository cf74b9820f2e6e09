// The grinding man in the middle (grind mode): an attack on a short authentication string that
// comes from the TLS exporter alone (the SAS of protocol version 1, wire/PROTOCOL.md section 3).
//
// The relay tells both peers they are the TLS client, so the adversary is the TLS server toward
// each. A TLS 1.3 server can finish its side of the handshake (up to its Finished) without the
// client, and OpenSSL lets it export keying material then. So, holding both ClientHellos, it
// makes server flights for side a and side b (one thread each), each with a fresh key share (one
// RSA signature each), computes the SAS each would give, and stops when a value on one side equals
// one on the other (a birthday collision: about 1,000 tries per side for six digits). It then
// sends each peer its chosen flight and carries on as a man in the middle whose two SAS match.
//
// Grind() runs one thread per side and joins them before it returns; otherwise not thread-safe.
// The identities must outlive the Grinder.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "crypto/identity.h"
#include "tests/adversary/mitm.h"
#include "wire/codec.h"

namespace duet::adversary {

struct GrindResult {
  int tries = 0;  // per side (the larger of the two counts)
  bool collision = false;
  std::string sas[2];     // the two chosen codes (old SAS), as the peers would show them
  wire::Bytes flight[2];  // the server flight for each side
  std::unique_ptr<Leg> leg[2];
  std::chrono::milliseconds took{0};
};

class Grinder {
 public:
  // `room` is the SAS context (the room code both peers joined).
  Grinder(const crypto::Identity& toward_a, const crypto::Identity& toward_b, std::string room,
          int max_tries = 4000, std::chrono::milliseconds budget = std::chrono::seconds(15));

  // TLS bytes from side `side` (0 a, 1 b) before the grind; true once both ClientHellos are
  // whole, i.e. Grind() may run.
  bool AddClientBytes(int side, wire::ByteView data);
  // Grinds (blocking, up to the budget). Empty when no server SSL could be made at all.
  std::optional<GrindResult> Grind();

 private:
  const crypto::Identity* ids_[2];
  std::string room_;
  int max_tries_;
  std::chrono::milliseconds budget_;
  wire::Bytes hello_[2];  // each side's bytes so far (a ClientHello record, maybe more)
};

}  // namespace duet::adversary
