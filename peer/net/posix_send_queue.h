// The send queue (peer/core/send_queue.h) kept in a file in the peer's home, beside the pins:
// plain text, written atomically with mode 0600 (crypto/secure_file.h).
//
// Not thread-safe; used by the thread that drives the Session.
#pragma once

#include <filesystem>
#include <memory>

#include "peer/core/send_queue.h"

namespace duet::peer {

// The store in `path` (typically HOME/send-queue). Nothing is read or written until used.
std::unique_ptr<SendQueueStore> OpenSendQueue(std::filesystem::path path);

}  // namespace duet::peer
