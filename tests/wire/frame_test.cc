#include "wire/frame.h"

#include <gtest/gtest.h>

#include <random>

namespace duet::wire {
namespace {

Bytes Stream(const std::vector<std::pair<uint8_t, std::string>>& frames) {
  Bytes out;
  for (const auto& [type, body] : frames) AppendFrame(out, type, AsBytes(body));
  return out;
}

const std::vector<std::pair<uint8_t, std::string>> kSample = {
    {1, "hello"}, {2, ""}, {5, std::string(1000, 'x')}, {7, "last"}};

void ExpectSample(const std::vector<Frame>& got) {
  ASSERT_EQ(got.size(), kSample.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(got[i].type, kSample[i].first);
    EXPECT_EQ(AsString(got[i].payload), kSample[i].second);
  }
}

TEST(FrameDecoder, DecodesWholeStream) {
  FrameDecoder d(4096);
  std::vector<Frame> got;
  ASSERT_TRUE(d.Feed(Stream(kSample), got).ok());
  ExpectSample(got);
  EXPECT_EQ(d.buffered(), 0u);
  EXPECT_TRUE(d.Finish().ok());
}

TEST(FrameDecoder, DecodesOneByteAtATime) {
  Bytes s = Stream(kSample);
  FrameDecoder d(4096);
  std::vector<Frame> got;
  for (uint8_t b : s) ASSERT_TRUE(d.Feed(ByteView(&b, 1), got).ok());
  ExpectSample(got);
  EXPECT_TRUE(d.Finish().ok());
}

TEST(FrameDecoder, ViewsPointIntoTheInputWhenAFrameLiesWhollyInIt) {
  Bytes s = Stream(kSample);
  FrameDecoder d(4096);
  std::vector<const uint8_t*> where;
  ASSERT_TRUE(d.FeedViews(ByteView(s).first(20), [&](uint8_t, ByteView p) {
                 where.push_back(p.data());
                 return true;
               }).ok());
  ASSERT_EQ(where.size(), 2u);  // "hello" and the empty frame; the third is begun
  EXPECT_EQ(where[0], s.data() + kFrameHeaderSize);
  EXPECT_EQ(d.buffered(), 20u - 10u - 5u);
  std::vector<std::string> rest;
  ASSERT_TRUE(d.FeedViews(ByteView(s).subspan(20), [&](uint8_t, ByteView p) {
                 rest.emplace_back(AsString(p));
                 return true;
               }).ok());
  EXPECT_EQ(rest, (std::vector<std::string>{std::string(1000, 'x'), "last"}));
  EXPECT_EQ(d.buffered(), 0u);
}

TEST(FrameDecoder, StopsWhenTheCallbackSaysSo) {
  FrameDecoder d(4096);
  int calls = 0;
  ASSERT_TRUE(d.FeedViews(Stream(kSample), [&](uint8_t, ByteView) { return ++calls < 2; }).ok());
  EXPECT_EQ(calls, 2);
}

TEST(FrameDecoder, DecodesRandomChunks) {
  Bytes s = Stream(kSample);
  std::mt19937 rng(42);  // test-only: reproducible chunking, not cryptography
  for (int round = 0; round < 200; ++round) {
    FrameDecoder d(4096);
    std::vector<Frame> got;
    size_t pos = 0;
    while (pos < s.size()) {
      size_t n = std::min<size_t>(s.size() - pos, 1 + rng() % 300);
      ASSERT_TRUE(d.Feed(ByteView(s).subspan(pos, n), got).ok());
      pos += n;
    }
    ExpectSample(got);
  }
}

TEST(FrameDecoder, ReportsTruncatedStream) {
  Bytes s = Stream(kSample);
  s.pop_back();
  FrameDecoder d(4096);
  std::vector<Frame> got;
  ASSERT_TRUE(d.Feed(s, got).ok());
  EXPECT_EQ(got.size(), 3u);
  Status st = d.Finish();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "FRAME_TRUNCATED");
  EXPECT_EQ(st.error().message,
            "The stream ended in the middle of a frame (8 bytes of it arrived).");
}

TEST(FrameDecoder, TruncatedHeaderIsTruncation) {
  FrameDecoder d(4096);
  std::vector<Frame> got;
  const uint8_t half[] = {5, 0, 0};
  ASSERT_TRUE(d.Feed(half, got).ok());
  EXPECT_TRUE(got.empty());
  EXPECT_EQ(d.Finish().error().code, "FRAME_TRUNCATED");
}

TEST(FrameDecoder, RejectsOversizedLengthBeforeBuffering) {
  FrameDecoder d(1024);
  std::vector<Frame> got;
  const uint8_t huge[] = {5, 0xff, 0xff, 0xff, 0xff};  // 4 GiB - 1
  Status st = d.Feed(huge, got);
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, "FRAME_TOO_LARGE");
  EXPECT_EQ(st.error().message,
            "A frame declared 4294967295 bytes, more than the limit of 1024 bytes.");
  EXPECT_EQ(d.buffered(), 0u);
  EXPECT_TRUE(d.failed());
  // Once failed, it stays failed.
  Bytes ok = EncodeFrame(1, AsBytes("x"));
  EXPECT_FALSE(d.Feed(ok, got).ok());
  EXPECT_TRUE(got.empty());
}

TEST(FrameDecoder, KeepsFramesBeforeBadHeader) {
  Bytes s = EncodeFrame(1, AsBytes("fine"));
  const uint8_t bad[] = {5, 0, 0, 8, 1};  // 2049 bytes > cap
  s.insert(s.end(), std::begin(bad), std::end(bad));
  FrameDecoder d(2048);
  std::vector<Frame> got;
  EXPECT_EQ(d.Feed(s, got).error().code, "FRAME_TOO_LARGE");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(AsString(got[0].payload), "fine");
}

TEST(FrameDecoder, AcceptsPayloadExactlyAtCap) {
  FrameDecoder d(16);
  std::vector<Frame> got;
  ASSERT_TRUE(d.Feed(EncodeFrame(3, AsBytes(std::string(16, 'a'))), got).ok());
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].payload.size(), 16u);
}

TEST(Codec, ReaderFailsOnShortInputAndStaysFailed) {
  const uint8_t three[] = {1, 2, 3};
  Reader r(three);
  uint32_t v = 0;
  EXPECT_FALSE(r.U32(v));
  uint8_t b = 0;
  EXPECT_FALSE(r.U8(b));  // failed for good, although one byte would fit
  EXPECT_TRUE(r.failed());
  EXPECT_FALSE(r.done());
}

TEST(Codec, RoundTripsBigEndianIntegers) {
  Bytes out;
  Writer w(out);
  w.U8(0xab);
  w.U16(0x1234);
  w.U32(0xdeadbeef);
  w.U64(0x0102030405060708ull);
  EXPECT_EQ(out, (Bytes{0xab, 0x12, 0x34, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4, 5, 6, 7, 8}));
  Reader r(out);
  uint8_t a;
  uint16_t b;
  uint32_t c;
  uint64_t d;
  ASSERT_TRUE(r.U8(a) && r.U16(b) && r.U32(c) && r.U64(d));
  EXPECT_TRUE(r.done());
  EXPECT_EQ(a, 0xab);
  EXPECT_EQ(b, 0x1234);
  EXPECT_EQ(c, 0xdeadbeefu);
  EXPECT_EQ(d, 0x0102030405060708ull);
}

}  // namespace
}  // namespace duet::wire
