// make bench, handshake row: the peers' TLS 1.3 handshake (crypto/tls_endpoint.h) with the hybrid
// post-quantum group X25519MLKEM768 and with X25519 alone, side by side in one run: two endpoints
// in this process, RSA-3072 identities, ciphertext handed across in memory (no relay, no
// sockets), so the rows differ only by the key agreement. Prints the median and range of the
// wall time per handshake, the CPU time per handshake, and the bytes each side sent. It never
// passes or fails on time.
//
//   handshake_bench [--rounds N]   (default 200 handshakes per row)
#include <openssl/crypto.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "crypto/identity.h"
#include "crypto/tls_endpoint.h"

namespace {

using duet::crypto::Identity;
using duet::crypto::TlsEndpoint;
using duet::crypto::TlsOptions;
using duet::crypto::TlsRole;
using duet::crypto::TlsState;

struct Run {
  double ms = 0;
  size_t client_bytes = 0, server_bytes = 0;
  std::string group;
};

double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) / 1e9;
}

// One whole handshake, both endpoints created inside the timed part (as a peer does per pairing).
bool Handshake(const Identity& server_id, const Identity& client_id, bool hybrid, Run& run) {
  TlsOptions options;
  options.offer_post_quantum = hybrid;
  const auto start = std::chrono::steady_clock::now();
  auto server = TlsEndpoint::Create(TlsRole::kServer, server_id, options);
  auto client = TlsEndpoint::Create(TlsRole::kClient, client_id, options);
  if (!server || !client || !(*client)->Start().ok()) return false;
  for (int i = 0; i < 16; ++i) {
    duet::wire::Bytes c2s = (*client)->TakeCiphertext();
    duet::wire::Bytes s2c = (*server)->TakeCiphertext();
    if (c2s.empty() && s2c.empty()) break;
    run.client_bytes += c2s.size();
    run.server_bytes += s2c.size();
    if (!(*server)->FeedCiphertext(c2s).ok() || !(*client)->FeedCiphertext(s2c).ok()) return false;
  }
  run.ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
               .count();
  run.group = (*client)->group();
  return (*client)->state() == TlsState::kSecure && (*server)->state() == TlsState::kSecure;
}

void Row(const char* label, const Identity& a, const Identity& b, bool hybrid, int rounds) {
  std::vector<double> ms;
  Run last;
  const double cpu0 = CpuSeconds();
  for (int i = 0; i < rounds; ++i) {
    Run r;
    if (!Handshake(a, b, hybrid, r)) {
      std::printf("  %-28s handshake failed\n", label);
      return;
    }
    ms.push_back(r.ms);
    last = r;
  }
  const double cpu_ms = (CpuSeconds() - cpu0) * 1000 / rounds;
  std::sort(ms.begin(), ms.end());
  std::printf("  %-28s %-15s %6.2f ms median (%.2f-%.2f)  %6.2f ms CPU  client %5zu B  "
              "server %5zu B\n",
              label, last.group.c_str(), ms[ms.size() / 2], ms.front(), ms.back(), cpu_ms,
              last.client_bytes, last.server_bytes);
}

}  // namespace

int main(int argc, char** argv) {
  int rounds = 200;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--rounds") rounds = std::max(1, std::atoi(argv[i + 1]));
  }
  auto a = Identity::Generate();
  auto b = Identity::Generate();
  if (!a || !b) {
    std::fprintf(stderr, "handshake_bench: could not make identities\n");
    return 1;
  }
  std::printf("TLS 1.3 handshake between two peers in memory (RSA-3072 identities, %d rounds per "
              "row, %s)\n",
              rounds, OpenSSL_version(OPENSSL_VERSION));
  Row("X25519 alone", *a, *b, false, rounds);
  if (duet::crypto::HybridGroupAvailable()) {
    Row("hybrid (post-quantum)", *a, *b, true, rounds);
  } else {
    std::printf("  %-28s not offered: this OpenSSL has no ML-KEM (Debian 13's 3.5 has it)\n",
                "hybrid (post-quantum)");
  }
  return 0;
}
