// Helpers for TLS tests: identities made once per process, and a pump between two endpoints.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <vector>

#include "crypto/identity.h"
#include "crypto/tls_endpoint.h"

namespace duet::crypto::testing {

// RSA-3072 generation is slow: each named identity is made once per test process.
inline const Identity& TestIdentity(int n) {
  static std::vector<std::unique_ptr<Identity>> ids;
  while (static_cast<int>(ids.size()) <= n) {
    ids.push_back(std::make_unique<Identity>(Identity::Generate().value()));
  }
  return *ids[n];
}

struct Pair {
  std::unique_ptr<TlsEndpoint> server;
  std::unique_ptr<TlsEndpoint> client;
};

inline Pair MakePair(const Identity& server_id, const Identity& client_id, TlsOptions opts = {}) {
  Pair p;
  p.server = TlsEndpoint::Create(TlsRole::kServer, server_id, opts).value();
  p.client = TlsEndpoint::Create(TlsRole::kClient, client_id, opts).value();
  return p;
}

// Moves ciphertext both ways until nothing moves. Returns the first failure, if any.
inline Status Pump(TlsEndpoint& a, TlsEndpoint& b) {
  for (int i = 0; i < 1000; ++i) {
    wire::Bytes ab = a.TakeCiphertext();
    wire::Bytes ba = b.TakeCiphertext();
    if (ab.empty() && ba.empty()) return Ok();
    if (!ab.empty()) {
      Status st = b.FeedCiphertext(ab);
      if (!st) return st;
    }
    if (!ba.empty()) {
      Status st = a.FeedCiphertext(ba);
      if (!st) return st;
    }
  }
  return Error{"TEST", "the endpoints never went quiet"};
}

inline Pair Handshaken(const Identity& server_id, const Identity& client_id, TlsOptions opts = {}) {
  Pair p = MakePair(server_id, client_id, opts);
  EXPECT_TRUE(p.client->Start().ok());
  Status st = Pump(*p.client, *p.server);
  EXPECT_TRUE(st.ok()) << st.error().message;
  EXPECT_EQ(p.client->state(), TlsState::kSecure);
  EXPECT_EQ(p.server->state(), TlsState::kSecure);
  return p;
}

}  // namespace duet::crypto::testing
