// libFuzzer target: the incremental frame decoder (wire/frame.h).
//
// The first input byte picks a chunk size, so the fuzzer also explores how frames split across
// reads. Checked properties: the decoder never crashes or over-reads (ASan), never returns a
// frame over its cap, and feeding the same bytes in one piece yields the same frames.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "wire/frame.h"

namespace {

constexpr uint32_t kCap = 4096;

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t chunk = static_cast<size_t>(data[0] % 16) + 1;
  duet::wire::ByteView input(data + 1, size - 1);

  duet::wire::FrameDecoder split(kCap);
  std::vector<duet::wire::Frame> split_frames;
  bool split_ok = true;
  for (size_t pos = 0; pos < input.size() && split_ok; pos += chunk) {
    const size_t n = std::min(chunk, input.size() - pos);
    split_ok = split.Feed(input.subspan(pos, n), split_frames).ok();
  }

  duet::wire::FrameDecoder whole(kCap);
  std::vector<duet::wire::Frame> whole_frames;
  const bool whole_ok = whole.Feed(input, whole_frames).ok();

  if (split_ok != whole_ok || split_frames.size() != whole_frames.size()) abort();
  for (size_t i = 0; i < whole_frames.size(); ++i) {
    if (whole_frames[i].payload.size() > kCap) abort();
    if (whole_frames[i].type != split_frames[i].type ||
        whole_frames[i].payload != split_frames[i].payload) {
      abort();
    }
  }
  if (whole_ok) (void)whole.Finish();
  return 0;
}
