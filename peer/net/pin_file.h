// The pins (peer/core/contacts.h) kept in the pin file in the peer's home: crypto::PinStore's
// plain-text format, written atomically with mode 0600.
//
// Not thread-safe; used by the thread that drives the Session.
#pragma once

#include <filesystem>
#include <memory>

#include "peer/core/contacts.h"
#include "wire/result.h"

namespace duet::peer {

// Reads `path` (typically HOME/pins; missing = no pins). PINS_DAMAGED and the file errors of
// crypto/secure_file.h.
Result<std::unique_ptr<PinStorage>> OpenPinFile(std::filesystem::path path);

}  // namespace duet::peer
