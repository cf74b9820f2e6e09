#include "tests/adversary/mitm.h"

#include "tests/adversary/frame_policies.h"
#include "wire/app_protocol.h"

namespace duet::adversary {

namespace {

// A leg over the peers' own TLS endpoint (the same settings the peers use).
class EndpointLeg : public Leg {
 public:
  explicit EndpointLeg(std::unique_ptr<crypto::TlsEndpoint> tls) : tls_(std::move(tls)) {}
  bool Feed(wire::ByteView ciphertext) override { return tls_->FeedCiphertext(ciphertext).ok(); }
  bool secure() const override { return tls_->state() == crypto::TlsState::kSecure; }
  bool Write(wire::ByteView plaintext) override { return tls_->Write(plaintext).ok(); }
  wire::Bytes TakeCiphertext() override { return tls_->TakeCiphertext(); }
  wire::Bytes TakePlaintext() override { return tls_->TakePlaintext(); }
  crypto::TlsEndpoint& tls() { return *tls_; }

 private:
  std::unique_ptr<crypto::TlsEndpoint> tls_;
};

}  // namespace

bool FramePolicy::OnFrame(int from, const wire::Frame& frame, wire::Bytes out[2]) {
  wire::AppendFrame(out[1 - from], frame.type, frame.payload);
  return false;
}

std::string AppFrameName(uint8_t type) {
  const std::string_view name = wire::app::AppTypeName(type);
  return name.empty() ? "UNKNOWN" : std::string(name);
}

Mitm::Mitm(std::unique_ptr<Leg> a, std::unique_ptr<Leg> b, std::unique_ptr<FramePolicy> policy)
    : legs_{std::move(a), std::move(b)},
      policy_(policy ? std::move(policy) : std::make_unique<FramePolicy>()),
      decoder_{wire::FrameDecoder(wire::app::kMaxAppPayload),
               wire::FrameDecoder(wire::app::kMaxAppPayload)} {}

std::unique_ptr<Mitm> Mitm::Create(const crypto::Identity& toward_a,
                                   const crypto::Identity& toward_b,
                                   std::unique_ptr<FramePolicy> policy) {
  auto a = crypto::TlsEndpoint::Create(crypto::TlsRole::kClient, toward_a);
  auto b = crypto::TlsEndpoint::Create(crypto::TlsRole::kServer, toward_b);
  if (!a || !b) return nullptr;
  if (!(*a)->Start().ok()) return nullptr;
  auto m = std::make_unique<Mitm>(std::make_unique<EndpointLeg>(std::move(*a)),
                                  std::make_unique<EndpointLeg>(std::move(*b)), std::move(policy));
  m->start_ = m->legs_[0]->TakeCiphertext();
  return m;
}

wire::Bytes Mitm::Start() { return std::exchange(start_, {}); }

bool Mitm::Pipe(int to) {
  if (pending_[to].empty() || !legs_[to]->secure()) return true;
  const bool ok = legs_[to]->Write(pending_[to]);
  pending_[to].clear();
  return ok;
}

bool Mitm::Feed(Dir from, wire::ByteView data, wire::Bytes& to_a, wire::Bytes& to_b,
                std::vector<std::string>& seen, bool& fired) {
  const int i = from == Dir::kA2B ? 0 : 1;
  bool ok = legs_[i]->Feed(data);
  const wire::Bytes plain = legs_[i]->TakePlaintext();
  std::vector<wire::Frame> frames;
  if (!decoder_[i].Feed(plain, frames).ok()) ok = false;
  for (const wire::Frame& f : frames) {
    seen.push_back(AppFrameName(f.type));
    if (policy_->OnFrame(i, f, pending_)) fired = true;
  }
  ok = Pipe(0) && Pipe(1) && ok;
  wire::Bytes a = legs_[0]->TakeCiphertext();
  wire::Bytes b = legs_[1]->TakeCiphertext();
  to_a.insert(to_a.end(), a.begin(), a.end());
  to_b.insert(to_b.end(), b.begin(), b.end());
  return ok;
}

}  // namespace duet::adversary
