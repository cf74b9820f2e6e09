// libFuzzer target: the relay protocol payload decoders (JOIN, PAIRED, ERROR).
//
// A JOIN that decodes must name a valid room and re-encode to exactly the bytes it came from
// (the format has one encoding per value), except that an empty room decodes as "default".
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "wire/frame.h"
#include "wire/relay_protocol.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  namespace relay = duet::wire::relay;
  duet::wire::ByteView input(data, size);

  duet::Result<relay::Join> join = relay::DecodeJoin(input);
  if (join.ok()) {
    if (!relay::IsValidRoomCode(join->room) || join->room.empty()) abort();
    const duet::wire::Bytes again = relay::EncodeJoin(join->room, join->version);
    const duet::wire::ByteView payload =
        duet::wire::ByteView(again).subspan(duet::wire::kFrameHeaderSize);
    const bool empty_room = size == 7;  // magic, version, zero-length room
    if (!empty_room && !std::equal(payload.begin(), payload.end(), input.begin(), input.end())) {
      abort();
    }
  }

  (void)relay::DecodePaired(input);
  duet::Result<relay::ErrorFrame> error = relay::DecodeError(input);
  if (error.ok() && (error->code.size() > relay::kMaxErrorCodeLength ||
                     error->message.size() > relay::kMaxErrorMessageLength)) {
    abort();
  }
  return 0;
}
