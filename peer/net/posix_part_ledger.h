// The part ledger (peer/core/part_ledger.h) kept in a file in the peer's home, beside the pins
// and the send queue: plain text, written atomically with mode 0600 (crypto/secure_file.h).
//
// Not thread-safe; used by the thread that drives the Session.
#pragma once

#include <filesystem>
#include <memory>

#include "peer/core/part_ledger.h"

namespace duet::peer {

// The store in `path` (typically HOME/parts). Nothing is read or written until used.
std::unique_ptr<PartLedgerStore> OpenPartLedger(std::filesystem::path path);

}  // namespace duet::peer
