#include "tests/adversary/mitm.h"

#include "wire/app_protocol.h"

namespace duet::adversary {

Mitm::Mitm(std::unique_ptr<crypto::TlsEndpoint> a, std::unique_ptr<crypto::TlsEndpoint> b)
    : tls_{std::move(a), std::move(b)},
      decoder_{wire::FrameDecoder(wire::app::kMaxAppPayload),
               wire::FrameDecoder(wire::app::kMaxAppPayload)} {}

std::unique_ptr<Mitm> Mitm::Create(const crypto::Identity& toward_a,
                                   const crypto::Identity& toward_b) {
  auto a = crypto::TlsEndpoint::Create(crypto::TlsRole::kClient, toward_a);
  auto b = crypto::TlsEndpoint::Create(crypto::TlsRole::kServer, toward_b);
  if (!a || !b) return nullptr;
  return std::unique_ptr<Mitm>(new Mitm(std::move(*a), std::move(*b)));
}

wire::Bytes Mitm::Start() {
  if (!tls_[0]->Start().ok()) return {};
  return tls_[0]->TakeCiphertext();
}

bool Mitm::Pipe(int to) {
  if (pending_[to].empty() || tls_[to]->state() != crypto::TlsState::kSecure) return true;
  const bool ok = tls_[to]->Write(pending_[to]).ok();
  pending_[to].clear();
  return ok;
}

bool Mitm::Feed(Dir from, wire::ByteView data, wire::Bytes& to_a, wire::Bytes& to_b,
                std::vector<std::string>& seen) {
  const int i = from == Dir::kA2B ? 0 : 1;
  const int other = 1 - i;
  if (!tls_[i]->FeedCiphertext(data).ok()) return false;
  wire::Bytes plain = tls_[i]->TakePlaintext();
  std::vector<wire::Frame> frames;
  (void)decoder_[i].Feed(plain, frames);
  for (const wire::Frame& f : frames) seen.emplace_back(wire::app::AppTypeName(f.type));
  pending_[other].insert(pending_[other].end(), plain.begin(), plain.end());
  const bool ok = Pipe(0) && Pipe(1);
  wire::Bytes a = tls_[0]->TakeCiphertext();
  wire::Bytes b = tls_[1]->TakeCiphertext();
  to_a.insert(to_a.end(), a.begin(), a.end());
  to_b.insert(to_b.end(), b.begin(), b.end());
  return ok;
}

}  // namespace duet::adversary
