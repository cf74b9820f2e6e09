#include "tests/adversary/modes.h"

#include <random>
#include <utility>

#include "tests/adversary/tls_hello.h"
#include "wire/frame.h"
#include "wire/relay_protocol.h"

namespace duet::adversary {

namespace {

Step ToPartner(wire::Bytes payload) { return {Step::To::kPartner, std::move(payload), false}; }

}  // namespace

std::vector<wire::Bytes> ModeState::TakeStalled() { return std::exchange(stalled_, {}); }

Verdict ModeState::OnFrame(int n, const wire::Bytes& frame, const wire::Bytes* captured) {
  const std::string& m = mode_.name;
  Verdict v;
  auto pass = [&] {
    v.steps.push_back(ToPartner(frame));
    return v;
  };
  if (m == "reflect-all") {
    v.fired = n == 1;
    v.steps.push_back({Step::To::kSender, frame, false});
    return v;
  }
  if (m == "stall" && (n == mode_.n || (n > mode_.n && !stalled_.empty()))) {
    v.fired = n == mode_.n;
    v.hold = true;
    stalled_.push_back(frame);
    return v;
  }
  if (m == "swap" && n == mode_.n + 1 && held_) {
    v.steps = {ToPartner(frame), ToPartner(*held_)};
    held_.reset();
    return v;
  }
  if (m == "replay" && n == mode_.m && replay_) {
    v.fired = true;
    v.steps = {ToPartner(frame), ToPartner(*replay_)};
    return v;
  }
  if (n != mode_.n) return pass();

  // Frame N.
  v.fired = true;
  if (m == "drop") return v;
  if (m == "blackhole" || m == "blackhole-alive") {
    swallowing_ = true;
    return v;
  }
  if (m == "dup") {
    v.steps = {ToPartner(frame), ToPartner(frame)};
  } else if (m == "swap") {
    held_ = frame;
  } else if (m == "replay") {
    v.fired = false;  // fires when the copy goes out, after frame M
    replay_ = frame;
    return pass();
  } else if (m == "reflect") {
    v.steps.push_back({Step::To::kSender, frame, false});
  } else if (m == "flip") {
    wire::Bytes bent = frame;
    const long at =
        mode_.offset >= 0 ? mode_.offset : static_cast<long>(bent.size()) + mode_.offset;
    if (at >= 0 && at < static_cast<long>(bent.size())) bent[static_cast<size_t>(at)] ^= 0x01;
    v.steps.push_back(ToPartner(std::move(bent)));
  } else if (m == "truncate" || m == "reset") {
    v.steps.push_back(ToPartner(frame));
    v.end = m == "reset" ? Verdict::End::kReset : Verdict::End::kClose;
  } else if (m == "cut") {
    wire::Bytes whole;
    wire::relay::AppendData(whole, frame);
    whole.resize(wire::kFrameHeaderSize + frame.size() / 2);
    v.steps.push_back({Step::To::kPartner, std::move(whole), true});
    v.end = Verdict::End::kClose;
  } else if (m == "leave-mid" || m == "leave") {
    // A torn record (or none of it), then the relay says the sender left: a peer that ends its
    // session without close_notify.
    if (m == "leave-mid" && frame.size() >= 2) {
      v.steps.push_back(ToPartner(wire::Bytes(frame.begin(), frame.begin() + frame.size() / 2)));
    }
    v.end = Verdict::End::kLeave;
  } else if (m == "inject") {
    std::random_device rd;
    wire::Bytes junk(64 + rd() % 256);
    for (uint8_t& b : junk) b = static_cast<uint8_t>(rd());
    v.steps = {ToPartner(std::move(junk)), ToPartner(frame)};
  } else if (m == "strip-pq") {
    // The ClientHello without the hybrid group: a downgrade to X25519 (TLS 1.3 binds the hello
    // to the handshake, so the peers must notice).
    std::optional<wire::Bytes> stripped = StripGroup(frame, kGroupX25519MlKem768);
    if (!stripped) {
      v.fired = false;  // nothing to strip (an OpenSSL without ML-KEM offers X25519 alone)
      return pass();
    }
    v.steps.push_back(ToPartner(std::move(*stripped)));
  } else if (m == "hrr-x25519") {
    // Answers the ClientHello itself, as the server would that wants X25519 only; the server
    // never sees that hello.
    std::optional<wire::Bytes> hrr = ForgeHelloRetryRequest(frame, kGroupX25519);
    if (!hrr) {
      v.fired = false;
      return pass();
    }
    v.steps.push_back({Step::To::kSender, std::move(*hrr), false});
  } else if (m == "inject-captured" && captured != nullptr) {
    v.steps = {ToPartner(*captured), ToPartner(frame)};
  } else {
    v.fired = false;
    return pass();
  }
  return v;
}

}  // namespace duet::adversary
