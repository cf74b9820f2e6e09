#include "wire/relay_protocol.h"

#include <gtest/gtest.h>

#include "wire/frame.h"

namespace duet::wire::relay {
namespace {

Frame DecodeOne(const Bytes& b) {
  FrameDecoder d(kDefaultMaxFrame);
  std::vector<Frame> out;
  EXPECT_TRUE(d.Feed(b, out).ok());
  EXPECT_EQ(out.size(), 1u);
  return out.empty() ? Frame{} : out[0];
}

TEST(RelayProtocol, JoinHasExactLayout) {
  EXPECT_EQ(EncodeJoin("ab"), (Bytes{0x01, 0, 0, 0, 9, 'D', 'U', 'E', 'T', 0, 1, 2, 'a', 'b'}));
}

TEST(RelayProtocol, JoinRoundTripsAndEmptyRoomIsDefault) {
  Frame f = DecodeOne(EncodeJoin("kitchen-42"));
  Result<Join> j = DecodeJoin(f.payload);
  ASSERT_TRUE(j.ok());
  EXPECT_EQ(j->room, "kitchen-42");
  f = DecodeOne(EncodeJoin(""));
  EXPECT_EQ(DecodeJoin(f.payload)->room, "default");
}

TEST(RelayProtocol, RejectsMalformedJoins) {
  Frame f = DecodeOne(EncodeJoin("room"));
  // Every truncation is BAD_FRAME.
  for (size_t n = 0; n < f.payload.size(); ++n) {
    Result<Join> j = DecodeJoin(ByteView(f.payload).first(n));
    ASSERT_FALSE(j.ok()) << n;
    EXPECT_EQ(j.error().code, "BAD_FRAME") << n;
  }
  Bytes trailing = f.payload;
  trailing.push_back('x');
  EXPECT_EQ(DecodeJoin(trailing).error().message, "The JOIN frame has bytes after the room code.");
  Bytes bad_magic = f.payload;
  bad_magic[0] = 'X';
  EXPECT_EQ(DecodeJoin(bad_magic).error().code, "BAD_FRAME");
  Frame bad_room = DecodeOne(EncodeJoin("no spaces"));
  EXPECT_EQ(DecodeJoin(bad_room.payload).error().code, "BAD_FRAME");
  Frame long_room = DecodeOne(EncodeJoin(std::string(65, 'a')));
  EXPECT_EQ(DecodeJoin(long_room.payload).error().code, "BAD_FRAME");
}

TEST(RelayProtocol, OtherVersionIsBadVersion) {
  Frame f = DecodeOne(EncodeJoin("room", 2));
  Result<Join> j = DecodeJoin(f.payload);
  ASSERT_FALSE(j.ok());
  EXPECT_EQ(j.error().code, "BAD_VERSION");
  EXPECT_EQ(j.error().message,
            "This relay speaks protocol version 1 but the client sent version 2. Update Duet on "
            "both machines to the same release.");
}

TEST(RelayProtocol, PairedAndErrorRoundTrip) {
  Frame p = DecodeOne(EncodePaired(Role::kClient));
  EXPECT_EQ(p.type, static_cast<uint8_t>(FrameType::kPaired));
  EXPECT_EQ(*DecodePaired(p.payload), Role::kClient);
  const uint8_t two = 2;
  EXPECT_EQ(DecodePaired(ByteView(&two, 1)).error().code, "BAD_FRAME");

  Frame e = DecodeOne(EncodeError("ROOM_FULL", "Room is full."));
  Result<ErrorFrame> err = DecodeError(e.payload);
  ASSERT_TRUE(err.ok());
  EXPECT_EQ(err->code, "ROOM_FULL");
  EXPECT_EQ(err->message, "Room is full.");
  Frame lower = DecodeOne(EncodeError("room_full", "x"));
  EXPECT_EQ(DecodeError(lower.payload).error().code, "BAD_FRAME");
}

// Found by tests/fuzz/join_fuzz.cc: the decoder accepted codes and messages over the limits.
TEST(RelayProtocol, ErrorOverItsLimitsIsBadFrame) {
  Bytes long_code(1, 65);
  long_code.insert(long_code.end(), 65, 'T');
  long_code.insert(long_code.end(), {0, 0});
  EXPECT_EQ(DecodeError(long_code).error().code, "BAD_FRAME");
  Bytes long_message = {1, 'X', 0x04, 0x01};
  long_message.insert(long_message.end(), 1025, 'm');
  EXPECT_EQ(DecodeError(long_message).error().code, "BAD_FRAME");
  long_message.pop_back();
  long_message[3] = 0x00;
  long_message.resize(4 + 1024, 'm');
  EXPECT_TRUE(DecodeError(long_message).ok());
}

}  // namespace
}  // namespace duet::wire::relay
