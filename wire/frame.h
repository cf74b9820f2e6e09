// The frame: the one unit on every Duet byte stream, both between a peer and the relay and
// inside the peers' TLS session (wire/PROTOCOL.md, section "Framing").
//
//   +--------+----------------------+------------------+
//   | type   | length (u32, BE)     | payload          |
//   | 1 byte | 4 bytes              | `length` bytes   |
//   +--------+----------------------+------------------+
//
// The decoder is incremental: it accepts bytes in any chunking, checks a declared length
// against its cap before it buffers or allocates for the payload, and fails for good on the
// first bad header. Which types are valid is the business of the protocol above it.
#pragma once

#include <cstdint>
#include <type_traits>
#include <vector>

#include "wire/codec.h"
#include "wire/result.h"

namespace duet::wire {

inline constexpr size_t kFrameHeaderSize = 5;

struct FrameHeader {
  uint8_t type = 0;
  uint32_t length = 0;
};

struct Frame {
  uint8_t type = 0;
  Bytes payload;
};

// Reads a header from the first kFrameHeaderSize bytes of `p` (the caller checks the size).
FrameHeader ParseFrameHeader(ByteView p);

// Appends one whole frame (header and payload) to `out`.
void AppendFrame(Bytes& out, uint8_t type, ByteView payload);
Bytes EncodeFrame(uint8_t type, ByteView payload);

class FrameDecoder {
 public:
  // `max_payload` is the largest payload accepted; a header declaring more is an error.
  explicit FrameDecoder(uint32_t max_payload) : max_payload_(max_payload) {}

  // Consumes `data` and appends every frame it completes to `out`, in order. On a header whose
  // length exceeds the cap it returns FRAME_TOO_LARGE and refuses all further input (the frames
  // completed before the bad header are still appended).
  Status Feed(ByteView data, std::vector<Frame>& out);

  // The same without copying: `on_frame(type, payload)` sees each completed frame in order, its
  // payload a view that is valid only during the call (into `data` when the frame lies wholly
  // in it, else into the decoder's buffer). Returning false stops: the bytes not yet looked at
  // are dropped, and the caller must not feed this decoder again. `on_frame` must not assign
  // to or destroy the decoder.
  template <typename F>
  Status FeedViews(ByteView data, F&& on_frame);

  // Call at end of stream: FRAME_TRUNCATED when a frame was begun but not finished.
  Status Finish() const;

  // Bytes held for the frame in progress.
  size_t buffered() const { return buf_.size(); }
  bool failed() const { return failed_; }
  uint32_t max_payload() const { return max_payload_; }

 private:
  // FeedViews' work, without the template: `on_frame` is called through a pointer.
  using FrameFn = bool (*)(void* ctx, uint8_t type, ByteView payload);
  Status FeedViewsImpl(ByteView data, FrameFn fn, void* ctx);
  Status TooLarge(uint32_t length);

  uint32_t max_payload_;
  Bytes buf_;  // the start of a frame that is not complete yet
  bool failed_ = false;
};

template <typename F>
Status FrameDecoder::FeedViews(ByteView data, F&& on_frame) {
  return FeedViewsImpl(
      data,
      [](void* ctx, uint8_t type, ByteView payload) -> bool {
        return (*static_cast<std::remove_reference_t<F>*>(ctx))(type, payload);
      },
      &on_frame);
}

}  // namespace duet::wire
