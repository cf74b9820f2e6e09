// libFuzzer target: the application protocol decoder (wire/app_protocol.h).
//
// The first byte is the frame type, the rest the payload. A message that decodes must
// re-encode to the same frame: the decoder is strict, so every accepted layout is canonical.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "wire/app_protocol.h"
#include "wire/frame.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace app = duet::wire::app;
  if (size == 0 || size - 1 > app::kMaxAppPayload) return 0;
  duet::wire::Frame frame;
  frame.type = data[0];
  frame.payload.assign(data + 1, data + size);

  duet::Result<app::AppMessage> msg = app::DecodeAppMessage(frame);
  (void)app::AppTypeName(frame.type);
  if (!msg.ok()) return 0;
  const duet::wire::Bytes again = app::EncodeAppMessage(*msg);
  if (again.size() < duet::wire::kFrameHeaderSize || again[0] != frame.type) abort();
  if (!std::equal(again.begin() + duet::wire::kFrameHeaderSize, again.end(), frame.payload.begin(),
                  frame.payload.end())) {
    abort();
  }
  return 0;
}
