// The man in the middle's frame policies (tests/adversary/mitm.h): what it does with the
// application frames it reads in the clear, one class per attack.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "tests/adversary/mitm.h"
#include "wire/app_protocol.h"

namespace duet::adversary {

// The code exchange's frames (wire/PROTOCOL.md 3.1).
inline constexpr uint8_t kSasCommit = static_cast<uint8_t>(wire::app::Type::kSasCommit);
inline constexpr uint8_t kSasNonce = static_cast<uint8_t>(wire::app::Type::kSasNonce);
inline constexpr uint8_t kSasReveal = static_cast<uint8_t>(wire::app::Type::kSasReveal);

// rename: rewrites the display name in the HELLO that goes to side a (b's HELLO).
std::unique_ptr<FramePolicy> MakeRenamePolicy(std::string name);

// bad-reveal: flips a bit of the SAS_REVEAL side b sends toward side a.
std::unique_ptr<FramePolicy> MakeBadRevealPolicy();

// code-rekey: rewrites the key in each CODE_SHARE (wire/PROTOCOL.md 3.2) to the adversary's own
// key of the session it goes into (`toward[i]` for side i), so that each peer's check of the key
// passes and only the code's binding to the TLS session is left to stop it; pipes the rest.
std::unique_ptr<FramePolicy> MakeCodeRekeyPolicy(const std::array<uint8_t, 32> toward[2]);
inline constexpr uint8_t kCodeShare = static_cast<uint8_t>(wire::app::Type::kCodeShare);

// forge: once both HELLOs crossed, adds a MESSAGE ("forged by the relay", a random id) and a
// FILE_OFFER toward side a, as if bob sent them; pipes everything else.
std::unique_ptr<FramePolicy> MakeForgePolicy();
inline constexpr char kForgedText[] = "forged by the relay";

// grind: the adversary is the TLS server toward both peers, so it answers each peer's
// SAS_COMMIT itself with a SAS_NONCE of its own, swallows SAS_REVEAL, and pipes the rest.
std::unique_ptr<FramePolicy> MakeSasAnswerPolicy();

}  // namespace duet::adversary
