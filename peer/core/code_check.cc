#include "peer/core/code_check.h"

#include <algorithm>

#include "peer/core/session_internal.h"

namespace duet::peer {

namespace app = wire::app;

namespace {

wire::ByteView View(std::string_view s) {
  return wire::ByteView(reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

}  // namespace

Error CodeMismatch() {
  return Error{"CODE_MISMATCH",
               "The code did not match: a typo, or someone between you. Nothing was sent and "
               "no key was trusted. That code is used up; make a new one and read it out again."};
}

Error CodeInterrupted() {
  return Error{"CODE_INTERRUPTED",
               "The connection ended while the code was being checked. To be safe that code is "
               "used up (each try gives an eavesdropper one guess); make a new one and read it "
               "out again."};
}

Result<std::unique_ptr<CodeCheck>> CodeCheck::Start(bool is_client, std::string_view code,
                                                    wire::ByteView channel, wire::ByteView sid,
                                                    const crypto::Fingerprint& own,
                                                    const crypto::Fingerprint& peer) {
  wire::Bytes ci(kCodeChannelPrefix.begin(), kCodeChannelPrefix.end());
  ci.insert(ci.end(), channel.begin(), channel.end());
  Result<std::unique_ptr<crypto::Cpace>> cpace = crypto::Cpace::Start(
      is_client ? crypto::CpaceRole::kInitiator : crypto::CpaceRole::kResponder, View(code), ci,
      sid, own.bytes);
  if (!cpace) return cpace.error();
  return std::unique_ptr<CodeCheck>(new CodeCheck(is_client, std::move(*cpace), own, peer));
}

app::CodeShare CodeCheck::FirstShare() {
  share_sent_ = true;
  return OwnShare();
}

app::CodeShare CodeCheck::OwnShare() const { return app::CodeShare{cpace_->share(), own_.bytes}; }

app::CodeConfirm CodeCheck::OwnConfirm() const {
  app::CodeConfirm c;
  const auto tag = cpace_->confirmation();
  std::copy(tag.begin(), tag.end(), c.tag.begin());
  return c;
}

// The share must come from the key the TLS session proved: a relay that terminates TLS with each
// side and forwards the honest shares is caught here already (and by the keys in any case).
Status CodeCheck::Finish(const app::CodeShare& share) {
  if (share.fingerprint != peer_.bytes) return CodeMismatch();
  Status st = cpace_->Finish(share.share, share.fingerprint);
  if (!st) return CodeMismatch();
  return Status();
}

Result<std::vector<app::AppMessage>> CodeCheck::OnShare(const app::CodeShare& share) {
  if (step_ == Step::kClientAwaitsShare) {
    Status st = Finish(share);
    if (!st) return st.error();
    step_ = Step::kClientAwaitsConfirm;
    return std::vector<app::AppMessage>{};
  }
  if (step_ == Step::kServerAwaitsShare) {
    Status st = Finish(share);
    if (!st) return st.error();
    share_sent_ = true;
    step_ = Step::kServerAwaitsConfirm;
    return std::vector<app::AppMessage>{OwnShare(), OwnConfirm()};
  }
  return OutOfOrder("CODE_SHARE");
}

Result<std::optional<app::CodeConfirm>> CodeCheck::OnConfirm(const app::CodeConfirm& confirm) {
  if (step_ == Step::kClientAwaitsConfirm) {
    if (!cpace_->CheckPeerConfirmation(confirm.tag)) return CodeMismatch();
    step_ = Step::kDone;
    return std::optional<app::CodeConfirm>(OwnConfirm());
  }
  if (step_ == Step::kServerAwaitsConfirm) {
    if (!cpace_->CheckPeerConfirmation(confirm.tag)) return CodeMismatch();
    step_ = Step::kDone;
    return std::optional<app::CodeConfirm>();
  }
  return OutOfOrder("CODE_CONFIRM");
}

Error CodeCheck::OutOfOrder(const char* frame) const {
  return PeerProtocolError(std::string(frame) + " out of order in the code check");
}

}  // namespace duet::peer
