// libFuzzer target: the send-queue file parser (peer/core/send_queue.h, ParseSendQueue), which
// reads a file from the peer's home on every start.
//
// Whatever parses must survive a round trip: FormatSendQueue then ParseSendQueue gives the same
// files.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "peer/core/send_queue.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace peer = duet::peer;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  duet::Result<std::vector<peer::QueuedFile>> files = peer::ParseSendQueue(text);
  if (!files.ok()) return 0;
  duet::Result<std::vector<peer::QueuedFile>> again =
      peer::ParseSendQueue(peer::FormatSendQueue(*files));
  if (!again.ok() || again->size() != files->size()) abort();
  for (size_t i = 0; i < files->size(); ++i) {
    const peer::QueuedFile& a = (*files)[i];
    const peer::QueuedFile& b = (*again)[i];
    if (a.id != b.id || a.name != b.name || a.size != b.size ||
        a.origin.path != b.origin.path || a.origin.mtime_ns != b.origin.mtime_ns ||
        a.peer != b.peer) {
      abort();
    }
  }
  return 0;
}
