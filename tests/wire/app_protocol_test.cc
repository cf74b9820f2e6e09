#include "wire/app_protocol.h"

#include <gtest/gtest.h>

#include "wire/utf8.h"

namespace duet::wire::app {
namespace {

Id MakeId(uint8_t seed) {
  Id id;
  for (size_t i = 0; i < id.size(); ++i) id[i] = static_cast<uint8_t>(seed + i);
  return id;
}

Frame Framed(const Bytes& encoded) {
  FrameDecoder d(kMaxAppPayload);
  std::vector<Frame> out;
  EXPECT_TRUE(d.Feed(encoded, out).ok());
  EXPECT_EQ(out.size(), 1u);
  return out.empty() ? Frame{} : out[0];
}

AppMessage RoundTrip(const AppMessage& m) {
  Result<AppMessage> back = DecodeAppMessage(Framed(EncodeAppMessage(m)));
  EXPECT_TRUE(back.ok()) << back.error().message;
  return back.ok() ? *back : AppMessage{};
}

std::vector<AppMessage> Samples() {
  FileChunk chunk{MakeId(7), 65536, Bytes(1000, 0xab)};
  Sha256 sha{};
  sha[0] = 0xde;
  sha[31] = 0xad;
  return {Hello{1, "Zoë 🌻", "kitchen-42", "duet/0.1", kCapFiles | kCapReceipts},
          ChatMessage{MakeId(1), 1700000000123ull, "hello\nworld 👋"},
          Receipt{MakeId(2)},
          FileOffer{MakeId(3), 5ull << 30, "holiday photo.jpg"},
          FileAccept{MakeId(3), 12345},
          FileDecline{MakeId(3)},
          chunk,
          FileDone{MakeId(3), sha},
          FileCancel{MakeId(3)},
          FileResult{MakeId(3), FileStatus::kIntegrityMismatch},
          FileAck{MakeId(3), 1ull << 33},
          FolderOffer{MakeId(4), 3, 1ull << 34, "Album 🌻"},
          FolderFile{MakeId(5), MakeId(4), 1000, "2024/june/beach.jpg"},
          FolderFile{MakeId(6), MakeId(4), 0, "2024/nothing yet/"},
          FolderEnd{MakeId(4), FolderStatus::kDeclined},
          Ping{42},
          Pong{42},
          Bye{1},
          SasCommit{sha},
          SasNonce{sha},
          SasReveal{sha}};
}

TEST(AppProtocol, CodeExchangeFramesAreExactly32Bytes) {
  for (uint8_t type : {0x40, 0x41, 0x42}) {
    EXPECT_TRUE(DecodeAppMessage(type, Bytes(32, 1)).ok()) << int(type);
    EXPECT_FALSE(DecodeAppMessage(type, Bytes(31, 1)).ok()) << int(type);
    EXPECT_FALSE(DecodeAppMessage(type, Bytes(33, 1)).ok()) << int(type);
  }
  EXPECT_EQ(AppTypeName(0x40), "SAS_COMMIT");
  EXPECT_EQ(AppTypeName(0x41), "SAS_NONCE");
  EXPECT_EQ(AppTypeName(0x42), "SAS_REVEAL");
}

TEST(AppProtocol, EveryTypeRoundTrips) {
  for (const AppMessage& m : Samples()) {
    AppMessage back = RoundTrip(m);
    EXPECT_EQ(back.index(), m.index());
    EXPECT_EQ(EncodeAppMessage(back), EncodeAppMessage(m)) << m.index();
  }
}

TEST(AppProtocol, HelloHasExactLayout) {
  Bytes b = EncodeAppMessage(Hello{1, "al", "r", "v1", 3});
  EXPECT_EQ(b, (Bytes{0x10, 0, 0, 0, 14, 0, 1, 2, 'a', 'l', 1, 'r', 2, 'v', '1', 0, 0, 0, 3}));
}

TEST(AppProtocol, MessageHasExactLayout) {
  Bytes b = EncodeAppMessage(ChatMessage{MakeId(0), 0x0102030405060708ull, "hi"});
  Bytes want = {0x11, 0, 0, 0, 16 + 8 + 4 + 2};
  for (int i = 0; i < 16; ++i) want.push_back(static_cast<uint8_t>(i));
  for (int i = 1; i <= 8; ++i) want.push_back(static_cast<uint8_t>(i));
  want.insert(want.end(), {0, 0, 0, 2, 'h', 'i'});
  EXPECT_EQ(b, want);
}

TEST(AppProtocol, FileChunkFromAViewMatchesTheEncoder) {
  Bytes data(300, 0x11);
  Bytes out;
  AppendFileChunk(out, MakeId(9), 77, data);
  EXPECT_EQ(out, EncodeAppMessage(FileChunk{MakeId(9), 77, data}));
}

TEST(AppProtocol, FileAckHasExactLayout) {
  Bytes b = EncodeAppMessage(FileAck{MakeId(0), 0x0102030405060708ull});
  Bytes want = {0x27, 0, 0, 0, 16 + 8};
  for (int i = 0; i < 16; ++i) want.push_back(static_cast<uint8_t>(i));
  for (int i = 1; i <= 8; ++i) want.push_back(static_cast<uint8_t>(i));
  EXPECT_EQ(b, want);
}

TEST(AppProtocol, FileChunkViewSeesTheDataInPlace) {
  Bytes frame = EncodeAppMessage(FileChunk{MakeId(4), 99, Bytes(500, 0x5a)});
  ByteView payload = ByteView(frame).subspan(kFrameHeaderSize);
  Result<FileChunkView> v = DecodeFileChunkView(payload);
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->transfer_id, MakeId(4));
  EXPECT_EQ(v->offset, 99u);
  EXPECT_EQ(v->data.data(), payload.data() + 24);  // no copy
  EXPECT_EQ(v->data.size(), 500u);
  EXPECT_EQ(DecodeFileChunkView(payload.first(24)).error().code, "BAD_MESSAGE");  // no data
}

TEST(AppProtocol, EveryTruncationIsRejected) {
  for (const AppMessage& m : Samples()) {
    Frame f = Framed(EncodeAppMessage(m));
    for (size_t n = 0; n < f.payload.size(); ++n) {
      Frame cut{f.type, Bytes(f.payload.begin(), f.payload.begin() + static_cast<long>(n))};
      Result<AppMessage> r = DecodeAppMessage(cut);
      // A FILE_CHUNK cut after its header still has data and stays valid, only shorter.
      if (f.type == static_cast<uint8_t>(Type::kFileChunk) && n > 24) continue;
      ASSERT_FALSE(r.ok()) << AppTypeName(f.type) << " at " << n;
      EXPECT_EQ(r.error().code, "BAD_MESSAGE");
    }
  }
}

TEST(AppProtocol, TrailingBytesAreRejected) {
  for (const AppMessage& m : Samples()) {
    Frame f = Framed(EncodeAppMessage(m));
    if (f.type == static_cast<uint8_t>(Type::kFileChunk)) continue;  // data runs to the end
    f.payload.push_back(0);
    EXPECT_FALSE(DecodeAppMessage(f).ok()) << AppTypeName(f.type);
  }
}

TEST(AppProtocol, LimitsAreEnforcedAtTheEdge) {
  EXPECT_TRUE(DecodeAppMessage(Framed(EncodeAppMessage(
                                   ChatMessage{MakeId(1), 0, std::string(kMaxTextBytes, 'a')})))
                  .ok());
  // One byte over: build the frame by hand (the encoder refuses to).
  Bytes payload(16 + 8, 0);
  Writer w(payload);
  w.U32(kMaxTextBytes + 1);
  w.Raw(std::string(kMaxTextBytes + 1, 'a'));
  Result<AppMessage> r = DecodeAppMessage(Frame{0x11, payload});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "A MESSAGE frame's text is empty or longer than 65536 bytes.");

  EXPECT_TRUE(
      DecodeAppMessage(Framed(EncodeAppMessage(Hello{1, std::string(64, 'n'), "", "", 0}))).ok());
  Frame long_name = Framed(EncodeAppMessage(Hello{1, std::string(64, 'n'), "", "", 0}));
  long_name.payload[2] = 65;
  long_name.payload.insert(long_name.payload.begin() + 3, 'n');
  EXPECT_FALSE(DecodeAppMessage(long_name).ok());

  Bytes chunk_payload(16 + 8 + kMaxChunkBytes + 1, 0);
  EXPECT_EQ(DecodeAppMessage(Frame{0x23, chunk_payload}).error().message,
            "A FILE_CHUNK frame carries no data or more than 65536 bytes.");
  EXPECT_FALSE(DecodeAppMessage(Frame{0x23, Bytes(24, 0)}).ok());  // no data
}

// A folder's entry names a place inside the folder, or the frame is refused: the receiver never
// sees "..", an absolute path or an empty name.
TEST(AppProtocol, FolderPathsStayInsideTheFolder) {
  for (const std::string path : {"a", "a/b/c.txt", "empty/", "..a/b..", ".hidden/x", "a b/c"}) {
    EXPECT_TRUE(IsValidFolderPath(path)) << path;
  }
  for (const std::string path :
       {"", "/", "/etc/passwd", "../x", "a/../../x", "a/..", "..", ".", "./a", "a//b", "a/./b",
        "a//", "//a"}) {
    EXPECT_FALSE(IsValidFolderPath(path)) << path;
    Bytes payload(16 + 16 + 8, 0);
    Writer w(payload);
    w.U16(static_cast<uint16_t>(path.size()));
    w.Raw(path);
    EXPECT_EQ(DecodeAppMessage(Frame{0x29, payload}).error().code, "BAD_MESSAGE") << path;
  }
  std::string deep;
  for (size_t i = 0; i + 1 < kMaxFolderDepth; ++i) deep += "d/";
  EXPECT_TRUE(IsValidFolderPath(deep + "f"));  // 31 folders and a file: 32 names
  EXPECT_FALSE(IsValidFolderPath(deep + "d/f"));
  // An empty folder with a size.
  Frame f = Framed(EncodeAppMessage(FolderFile{MakeId(5), MakeId(4), 0, "e/"}));
  f.payload[32 + 7] = 1;
  EXPECT_EQ(DecodeAppMessage(f).error().code, "BAD_MESSAGE");
}

TEST(AppProtocol, RejectsInvalidUtf8WhereTextIsExpected) {
  Frame f = Framed(EncodeAppMessage(ChatMessage{MakeId(1), 0, "ab"}));
  f.payload.back() = 0xff;
  Result<AppMessage> r = DecodeAppMessage(f);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message, "A MESSAGE frame's text is not valid UTF-8.");
  Frame h = Framed(EncodeAppMessage(Hello{1, "ab", "", "", 0}));
  h.payload[4] = 0xc0;
  EXPECT_EQ(DecodeAppMessage(h).error().message,
            "A HELLO frame's name is empty or not valid UTF-8.");
}

TEST(AppProtocol, UnknownTypeIsNamedInHex) {
  Result<AppMessage> r = DecodeAppMessage(Frame{0x7e, {}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, "BAD_MESSAGE");
  EXPECT_EQ(r.error().message, "Unknown application frame type 0x7E.");
}

TEST(Utf8, ValidatesStrictly) {
  struct Case {
    const char* text;
    bool valid;
  };
  const Case cases[] = {
      {"", true},
      {"plain ascii", true},
      {"\xC3\xA9", true},           // é
      {"\xE2\x82\xAC", true},       // €
      {"\xF0\x9F\x98\x80", true},   // 😀
      {"\xF4\x8F\xBF\xBF", true},   // U+10FFFF
      {"\x80", false},              // lone continuation
      {"\xC0\xAF", false},          // overlong /
      {"\xC1\xBF", false},          // overlong
      {"\xE0\x80\xAF", false},      // overlong
      {"\xF0\x80\x80\xAF", false},  // overlong
      {"\xED\xA0\x80", false},      // surrogate D800
      {"\xED\xBF\xBF", false},      // surrogate DFFF
      {"\xF4\x90\x80\x80", false},  // past U+10FFFF
      {"\xF5\x80\x80\x80", false},  // F5 never starts a sequence
      {"\xE2\x82", false},          // truncated
      {"\xF0\x9F\x98", false},      // truncated
      {"a\xC3", false},             // truncated at the end
      {"\xC3\x28", false},          // bad continuation
  };
  for (const Case& c : cases) EXPECT_EQ(IsValidUtf8(c.text), c.valid) << c.text;
}

}  // namespace
}  // namespace duet::wire::app
