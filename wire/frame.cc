#include "wire/frame.h"

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
  if (failed_) {
    return Error{"FRAME_TOO_LARGE", "The stream was already rejected; no more input is read."};
  }
  buf_.insert(buf_.end(), data.begin(), data.end());

  // Take every complete frame off the front of the buffer.
  while (buf_.size() - pos_ >= kFrameHeaderSize) {
    ByteView rest(buf_.data() + pos_, buf_.size() - pos_);
    FrameHeader h = ParseFrameHeader(rest);
    if (h.length > max_payload_) {
      failed_ = true;
      buf_.clear();
      buf_.shrink_to_fit();
      pos_ = 0;
      return Error{"FRAME_TOO_LARGE", "A frame declared " + std::to_string(h.length) +
                                          " bytes, more than the limit of " +
                                          std::to_string(max_payload_) + " bytes."};
    }
    if (rest.size() - kFrameHeaderSize < h.length) break;  // payload still arriving
    Frame f;
    f.type = h.type;
    f.payload.assign(rest.begin() + kFrameHeaderSize, rest.begin() + kFrameHeaderSize + h.length);
    out.push_back(std::move(f));
    pos_ += kFrameHeaderSize + h.length;
  }

  // Drop consumed bytes so the buffer holds at most one frame in progress.
  if (pos_ == buf_.size()) {
    buf_.clear();
    pos_ = 0;
  } else if (pos_ > 0) {
    buf_.erase(buf_.begin(), buf_.begin() + static_cast<std::ptrdiff_t>(pos_));
    pos_ = 0;
  }
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
