// The code check (wire/PROTOCOL.md 3.2): CPace (crypto/cpace.h) over the code the two people
// exchanged, run inside TLS right after the handshake and before the SAS exchange, only when the
// room came from a code (NAMEPLATE-SECRET). Key confirmation goes both ways before anything else:
//
//     TLS client                               TLS server
//     CODE_SHARE(Ya, client's key)        →
//                                          ←   CODE_SHARE(Yb, server's key), CODE_CONFIRM(Tb)
//     checks Tb; CODE_CONFIRM(Ta)         →    checks Ta
//
// CPace's inputs: password = the whole code; channel identifier = "duet-code-v1" and a TLS
// exporter value (so a relay that terminates TLS with each side gets a different generator on
// each side, and forwarding the shares does not help it); sid = a second exporter value; each
// side's associated data = its own key's fingerprint, which the other side checks against the key
// the TLS session proved. One CPace run gives an active attacker one guess at the code.
//
// Pure: frames in, frames out, no I/O. Each step checks that it is the step expected. A wrong
// confirmation, a share that is not a group element, or a key that is not the TLS session's is
// CODE_MISMATCH; a frame out of order is PEER_PROTOCOL_ERROR. Secrets are wiped (crypto::Cpace).
#pragma once

#include <array>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "crypto/cpace.h"
#include "crypto/fingerprint.h"
#include "wire/app_protocol.h"
#include "wire/result.h"

namespace duet::peer {

// Exporter labels (context = the nameplate, the room the relay paired on).
inline constexpr std::string_view kCodeChannelLabel = "EXPORTER-duet-code-ci-v1";
inline constexpr std::string_view kCodeSidLabel = "EXPORTER-duet-code-sid-v1";
inline constexpr std::string_view kCodeChannelPrefix = "duet-code-v1";

class CodeCheck {
 public:
  enum class Step {
    kClientAwaitsShare,
    kClientAwaitsConfirm,
    kServerAwaitsShare,
    kServerAwaitsConfirm,
    kDone
  };

  // `channel` and `sid` are this TLS session's exporter values (kCodeChannelLabel, 32 bytes;
  // kCodeSidLabel, 16 bytes); `own` and `peer` the keys of the TLS session.
  static Result<std::unique_ptr<CodeCheck>> Start(bool is_client, std::string_view code,
                                                  wire::ByteView channel, wire::ByteView sid,
                                                  const crypto::Fingerprint& own,
                                                  const crypto::Fingerprint& peer);

  // Client: its first frame. Counts as sent from here on (share_sent()).
  wire::app::CodeShare FirstShare();
  // Client: the server's share (nothing to send; its confirmation follows). Server: the client's
  // share; answers with our share and our confirmation.
  Result<std::vector<wire::app::AppMessage>> OnShare(const wire::app::CodeShare& share);
  // Client: the server's confirmation; answers with ours. Server: the client's; nothing to send.
  // done() after either.
  Result<std::optional<wire::app::CodeConfirm>> OnConfirm(const wire::app::CodeConfirm& confirm);

  Step step() const { return step_; }
  bool done() const { return step_ == Step::kDone; }
  // Our share went out: the other side (or whoever is in between) has had its one guess, so the
  // code is used up unless this run confirms.
  bool share_sent() const { return share_sent_; }

 private:
  CodeCheck(bool is_client, std::unique_ptr<crypto::Cpace> cpace, const crypto::Fingerprint& own,
            const crypto::Fingerprint& peer)
      : step_(is_client ? Step::kClientAwaitsShare : Step::kServerAwaitsShare),
        cpace_(std::move(cpace)),
        own_(own),
        peer_(peer) {}
  Status Finish(const wire::app::CodeShare& share);
  wire::app::CodeShare OwnShare() const;
  wire::app::CodeConfirm OwnConfirm() const;
  Error OutOfOrder(const char* frame) const;

  Step step_;
  std::unique_ptr<crypto::Cpace> cpace_;
  crypto::Fingerprint own_;
  crypto::Fingerprint peer_;
  bool share_sent_ = false;
};

// The sentences of a failed check (wire/PROTOCOL.md 3.2; docs/ERRORS.md).
Error CodeMismatch();
Error CodeInterrupted();

}  // namespace duet::peer
