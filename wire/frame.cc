#include "wire/frame.h"

#include <algorithm>
#include <string>

namespace duet::wire {

FrameHeader ParseFrameHeader(ByteView p) {
  Reader r(p.first(kFrameHeaderSize));
  FrameHeader h;
  r.U8(h.type);
  r.U32(h.length);
  return h;
}

void AppendFrame(Bytes& out, uint8_t type, ByteView payload) {
  Writer w(out);
  w.U8(type);
  w.U32(static_cast<uint32_t>(payload.size()));
  w.Raw(payload);
}

Bytes EncodeFrame(uint8_t type, ByteView payload) {
  Bytes out;
  out.reserve(kFrameHeaderSize + payload.size());
  AppendFrame(out, type, payload);
  return out;
}

Status FrameDecoder::Feed(ByteView data, std::vector<Frame>& out) {
  return FeedViews(data, [&out](uint8_t type, ByteView payload) {
    out.push_back(Frame{type, Bytes(payload.begin(), payload.end())});
    return true;
  });
}

Status FrameDecoder::TooLarge(uint32_t length) {
  failed_ = true;
  buf_.clear();
  buf_.shrink_to_fit();
  return Error{"FRAME_TOO_LARGE", "A frame declared " + std::to_string(length) +
                                      " bytes, more than the limit of " +
                                      std::to_string(max_payload_) + " bytes."};
}

Status FrameDecoder::FeedViewsImpl(ByteView data, FrameFn fn, void* ctx) {
  if (failed_) {
    return Error{"FRAME_TOO_LARGE", "The stream was already rejected; no more input is read."};
  }
  // First finish the frame begun in an earlier call, buffering only the bytes it still needs.
  if (buf_.size() > 0) {
    if (buf_.size() < kFrameHeaderSize) {
      const size_t take = std::min(kFrameHeaderSize - buf_.size(), data.size());
      buf_.insert(buf_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
      data = data.subspan(take);
      if (buf_.size() < kFrameHeaderSize) return Ok();
    }
    const FrameHeader h = ParseFrameHeader(buf_);
    if (h.length > max_payload_) return TooLarge(h.length);
    const size_t want = kFrameHeaderSize + h.length - buf_.size();
    const size_t take = std::min(want, data.size());
    buf_.insert(buf_.end(), data.begin(), data.begin() + static_cast<std::ptrdiff_t>(take));
    data = data.subspan(take);
    if (take < want) return Ok();  // payload still arriving
    const bool go_on = fn(ctx, h.type, ByteView(buf_).subspan(kFrameHeaderSize));
    buf_.clear();
    if (!go_on) return Ok();
  }
  // Then every frame that lies wholly in the input, without copying it.
  while (data.size() >= kFrameHeaderSize) {
    const FrameHeader h = ParseFrameHeader(data);
    if (h.length > max_payload_) return TooLarge(h.length);
    if (data.size() - kFrameHeaderSize < h.length) break;
    const ByteView payload = data.subspan(kFrameHeaderSize, h.length);
    data = data.subspan(kFrameHeaderSize + h.length);
    if (!fn(ctx, h.type, payload)) return Ok();
  }
  // Keep the start of the next frame.
  buf_.assign(data.begin(), data.end());
  return Ok();
}

Status FrameDecoder::Finish() const {
  if (!failed_ && buffered() > 0) {
    return Error{"FRAME_TRUNCATED", "The stream ended in the middle of a frame (" +
                                        std::to_string(buffered()) + " bytes of it arrived)."};
  }
  return Ok();
}

}  // namespace duet::wire
