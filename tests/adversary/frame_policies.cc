#include "tests/adversary/frame_policies.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <variant>

#include "crypto/random.h"
#include "crypto/sas.h"
#include "wire/app_protocol.h"

namespace duet::adversary {

namespace app = wire::app;

namespace {

template <size_t N>
std::array<uint8_t, N> RandomBytes() {
  std::array<uint8_t, N> out{};
  crypto::RandomBytes(out);
  return out;
}

class RenamePolicy : public FramePolicy {
 public:
  explicit RenamePolicy(std::string name) : name_(std::move(name)) {}
  bool OnFrame(int from, const wire::Frame& f, wire::Bytes out[2]) override {
    if (from != 1 || f.type != static_cast<uint8_t>(app::Type::kHello)) {
      return FramePolicy::OnFrame(from, f, out);
    }
    Result<app::AppMessage> msg = app::DecodeAppMessage(f);
    if (!msg || !std::holds_alternative<app::Hello>(*msg))
      return FramePolicy::OnFrame(from, f, out);
    app::Hello hello = std::get<app::Hello>(*msg);
    hello.name =
        name_;  // 1..64 bytes (main checks), whatever characters: refusing is the peer's job
    app::AppendAppMessage(out[0], hello);
    return true;
  }

 private:
  std::string name_;
};

class ForgePolicy : public FramePolicy {
 public:
  bool OnFrame(int from, const wire::Frame& f, wire::Bytes out[2]) override {
    FramePolicy::OnFrame(from, f, out);
    if (f.type != static_cast<uint8_t>(app::Type::kHello)) return false;
    if (++hellos_ != 2) return false;
    app::ChatMessage m;
    m.id = RandomBytes<16>();
    m.timestamp_ms = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::system_clock::now().time_since_epoch())
                                               .count());
    m.text = kForgedText;
    app::AppendAppMessage(out[0], m);
    app::FileOffer offer;
    offer.transfer_id = RandomBytes<16>();
    offer.size = 19;
    offer.name = "forged.txt";
    app::AppendAppMessage(out[0], offer);
    return true;
  }

 private:
  int hellos_ = 0;
};

// Frames for side i wait until side i is through its commitment (SAS_REVEAL seen), so that it
// gets SAS_NONCE before anything else; a peer that opens with HELLO (protocol version 1, no
// commitment) gets them at once.
class SasAnswerPolicy : public FramePolicy {
 public:
  bool OnFrame(int from, const wire::Frame& f, wire::Bytes out[2]) override {
    const int to = 1 - from;
    if (f.type == kSasCommit) {
      const crypto::SasBytes nonce = crypto::NewSasNonce();
      wire::AppendFrame(out[from], kSasNonce, nonce);
      return false;
    }
    if (!through_[from]) {
      through_[from] = true;  // SAS_REVEAL, or a HELLO without a commitment before it
      out[from].insert(out[from].end(), held_[from].begin(), held_[from].end());
      held_[from].clear();
    }
    if (f.type == kSasReveal) return false;  // nobody to check it against
    wire::AppendFrame(through_[to] ? out[to] : held_[to], f.type, f.payload);
    return false;
  }

 private:
  bool through_[2] = {false, false};
  wire::Bytes held_[2];  // frames for side i while it is still in its commitment
};

// Pipes everything but bends one bit of the SAS_REVEAL that goes to side a (the peers' TLS
// server, which checks it against the commitment it was sent first).
class BadRevealPolicy : public FramePolicy {
 public:
  bool OnFrame(int from, const wire::Frame& f, wire::Bytes out[2]) override {
    if (from != 1 || f.type != kSasReveal || f.payload.empty()) {
      return FramePolicy::OnFrame(from, f, out);
    }
    wire::Bytes bent = f.payload;
    bent[0] ^= 0x01;
    wire::AppendFrame(out[0], f.type, bent);
    return true;
  }
};

class CodeRekeyPolicy : public FramePolicy {
 public:
  explicit CodeRekeyPolicy(const std::array<uint8_t, 32> toward[2])
      : toward_{toward[0], toward[1]} {}
  bool OnFrame(int from, const wire::Frame& f, wire::Bytes out[2]) override {
    // CODE_SHARE: share 32, then the sender's key 32.
    if (f.type != kCodeShare || f.payload.size() != 64) return FramePolicy::OnFrame(from, f, out);
    const int to = 1 - from;
    wire::Bytes rekeyed = f.payload;
    std::copy(toward_[to].begin(), toward_[to].end(), rekeyed.begin() + 32);
    wire::AppendFrame(out[to], f.type, rekeyed);
    return true;
  }

 private:
  std::array<uint8_t, 32> toward_[2];
};

}  // namespace

std::unique_ptr<FramePolicy> MakeCodeRekeyPolicy(const std::array<uint8_t, 32> toward[2]) {
  return std::make_unique<CodeRekeyPolicy>(toward);
}
std::unique_ptr<FramePolicy> MakeBadRevealPolicy() { return std::make_unique<BadRevealPolicy>(); }
std::unique_ptr<FramePolicy> MakeRenamePolicy(std::string name) {
  return std::make_unique<RenamePolicy>(std::move(name));
}
std::unique_ptr<FramePolicy> MakeForgePolicy() { return std::make_unique<ForgePolicy>(); }
std::unique_ptr<FramePolicy> MakeSasAnswerPolicy() { return std::make_unique<SasAnswerPolicy>(); }

}  // namespace duet::adversary
