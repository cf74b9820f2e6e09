#include "tests/adversary/grind.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <mutex>
#include <thread>
#include <unordered_map>

#include "crypto/ossl.h"
#include "crypto/tls_endpoint.h"

namespace duet::adversary {

namespace {

using Clock = std::chrono::steady_clock;

// The SAS of protocol version 1 (crypto/sas.cc before issue 13): exporter alone.
constexpr char kOldSasLabel[] = "EXPORTER-duet-sas-v1";

wire::Bytes Drain(BIO* b) {
  wire::Bytes out(BIO_ctrl_pending(b));
  if (!out.empty()) {
    const int n = BIO_read(b, out.data(), static_cast<int>(out.size()));
    out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  }
  return out;
}

// A raw OpenSSL server session over memory BIOs, handed to the Mitm once chosen.
class SslLeg : public Leg {
 public:
  SslLeg(crypto::SslPtr ssl, BIO* in, BIO* out) : ssl_(std::move(ssl)), in_(in), out_(out) {}

  bool Feed(wire::ByteView data) override {
    if (failed_) return false;
    if (!data.empty() && BIO_write(in_, data.data(), static_cast<int>(data.size())) !=
                             static_cast<int>(data.size())) {
      return Failed();
    }
    ERR_clear_error();
    if (!secure_) {
      const int r = SSL_do_handshake(ssl_.get());
      if (r != 1) return Wants(r);
      secure_ = true;
    }
    for (;;) {
      uint8_t buf[16384];
      size_t n = 0;
      const int r = SSL_read_ex(ssl_.get(), buf, sizeof(buf), &n);
      if (r == 1) {
        plain_.insert(plain_.end(), buf, buf + n);
        continue;
      }
      if (SSL_get_error(ssl_.get(), r) == SSL_ERROR_ZERO_RETURN) return true;
      return Wants(r);
    }
  }
  bool secure() const override { return secure_ && !failed_; }
  bool Write(wire::ByteView plaintext) override {
    size_t written = 0;
    ERR_clear_error();
    return plaintext.empty() ||
           SSL_write_ex(ssl_.get(), plaintext.data(), plaintext.size(), &written) == 1 || Failed();
  }
  wire::Bytes TakeCiphertext() override { return Drain(out_); }
  wire::Bytes TakePlaintext() override { return std::exchange(plain_, {}); }

  // The six-digit value the old SAS would show for this session (after the server Finished).
  std::optional<uint32_t> OldSas(const std::string& room) const {
    uint8_t out[8];
    if (SSL_export_keying_material(
            ssl_.get(), out, sizeof(out), kOldSasLabel, sizeof(kOldSasLabel) - 1,
            reinterpret_cast<const uint8_t*>(room.data()), room.size(), 1) != 1) {
      ERR_clear_error();
      return std::nullopt;
    }
    const uint32_t v =
        (uint32_t{out[0]} << 24) | (uint32_t{out[1]} << 16) | (uint32_t{out[2]} << 8) | out[3];
    return v % 1000000;
  }

 private:
  bool Wants(int r) {
    const int err = SSL_get_error(ssl_.get(), r);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE) return true;
    return Failed();
  }
  bool Failed() {
    ERR_clear_error();
    failed_ = true;
    return false;
  }

  crypto::SslPtr ssl_;
  BIO* in_;   // owned by ssl_
  BIO* out_;  // owned by ssl_
  bool secure_ = false;
  bool failed_ = false;
  wire::Bytes plain_;
};

struct Try {
  std::unique_ptr<SslLeg> leg;
  wire::Bytes flight;
};

// One server flight for `client_hello`: a fresh SSL (fresh key share, one RSA signature).
std::optional<Try> MakeTry(SSL_CTX* ctx, const wire::Bytes& client_hello) {
  crypto::SslPtr ssl(SSL_new(ctx));
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  if (!ssl || in == nullptr || out == nullptr) {
    BIO_free(in);
    BIO_free(out);
    return std::nullopt;
  }
  BIO_set_mem_eof_return(in, -1);
  SSL_set_bio(ssl.get(), in, out);
  SSL_set_block_padding(ssl.get(), 256);
  SSL_set_accept_state(ssl.get());
  Try t{std::make_unique<SslLeg>(std::move(ssl), in, out), {}};
  if (!t.leg->Feed(client_hello)) return std::nullopt;
  t.flight = t.leg->TakeCiphertext();
  if (t.flight.empty()) return std::nullopt;
  return t;
}

std::string Render(uint32_t v) {
  char buf[16];
  std::snprintf(buf, sizeof(buf), "%03u %03u", v / 1000, v % 1000);
  return buf;
}

// A whole TLS record at the start of `b` (the ClientHello is one record).
bool WholeRecord(const wire::Bytes& b) {
  return b.size() >= 5 && b.size() >= 5 + ((size_t{b[3]} << 8) | b[4]);
}

}  // namespace

Grinder::Grinder(const crypto::Identity& toward_a, const crypto::Identity& toward_b,
                 std::string room, int max_tries, std::chrono::milliseconds budget)
    : ids_{&toward_a, &toward_b}, room_(std::move(room)), max_tries_(max_tries), budget_(budget) {}

bool Grinder::AddClientBytes(int side, wire::ByteView data) {
  hello_[side].insert(hello_[side].end(), data.begin(), data.end());
  return WholeRecord(hello_[0]) && WholeRecord(hello_[1]);
}

std::optional<GrindResult> Grinder::Grind() {
  const Clock::time_point start = Clock::now();
  // The peers' own TLS settings (crypto/tls_endpoint.h), one context per side.
  Result<crypto::SslCtxPtr> made[2] = {crypto::MakeTlsContext(*ids_[0]),
                                       crypto::MakeTlsContext(*ids_[1])};
  if (!made[0] || !made[1]) return std::nullopt;
  crypto::SslCtxPtr ctx[2] = {std::move(*made[0]), std::move(*made[1])};
  // One thread per side (each with its own context and sessions); the tables are shared.
  std::mutex mu;
  std::unordered_map<uint32_t, Try> seen[2];  // guarded by mu
  int tries[2] = {0, 0};                      // guarded by mu
  std::optional<uint32_t> hit;                // guarded by mu
  std::atomic<bool> stop = false;
  auto grind_side = [&](int side) {
    while (!stop && Clock::now() - start < budget_) {
      std::optional<Try> t = MakeTry(ctx[side].get(), hello_[side]);
      const std::optional<uint32_t> sas = t ? t->leg->OldSas(room_) : std::nullopt;
      if (!sas) return;
      std::lock_guard<std::mutex> lock(mu);
      if (stop) return;
      seen[side].try_emplace(*sas, std::move(*t));
      if (seen[1 - side].count(*sas)) {
        hit = *sas;
        stop = true;
      }
      if (++tries[side] >= max_tries_) return;
    }
  };
  std::thread other(grind_side, 1);
  grind_side(0);
  other.join();

  if (seen[0].empty() || seen[1].empty()) return std::nullopt;
  GrindResult r;
  r.tries = std::max(tries[0], tries[1]);
  r.collision = hit.has_value();
  for (int side = 0; side < 2; ++side) {
    auto it = hit ? seen[side].find(*hit) : seen[side].begin();
    r.sas[side] = Render(it->first);
    r.flight[side] = std::move(it->second.flight);
    r.leg[side] = std::move(it->second.leg);
  }
  r.took = std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start);
  return r;
}

}  // namespace duet::adversary
