// Large DATA frames (up to the frame cap, larger than any buffer the relay fills in one read)
// under backpressure: every frame intact and in order, the relay's own frames after a frame,
// never inside it, nothing of a frame at a later partner, and a torn frame filled up at shutdown.
// (These also held for a splice(2) path the relay had for a while; see git history.)
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>

#include <string>
#include <vector>

#include "tests/relay/raw_peer.h"
#include "tests/relay/relay_fixture.h"
#include "wire/relay_protocol.h"

namespace duet::testing {
namespace {

using RelayLargeFrameTest = RelayFixture;

constexpr size_t kMiB = 1 << 20;    // the relay's default frame cap
constexpr size_t kHuge = 8 * kMiB;  // with --max-frame: more than the relay's socket buffers
constexpr uint8_t kPong = static_cast<uint8_t>(rp::FrameType::kPong);

wire::Bytes DataFrame(const wire::Bytes& payload) {
  wire::Bytes out;
  rp::AppendData(out, payload);
  return out;
}

// A small, fixed receive buffer: the relay's writes to this peer soon find its socket full.
void ShrinkReceiveBuffer(int fd) {
  const int small = 64 * 1024;
  setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small));
}

void SetNonBlocking(int fd) { fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK); }

// Sends from `data` at `off` until the socket takes no more; false if the connection is gone.
bool SendWhatFits(int fd, const wire::Bytes& data, size_t& off) {
  while (off < data.size()) {
    ssize_t n = send(fd, data.data() + off, data.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

// Sends the DATA frame of `payload` less its last byte from `p`, without blocking, until the
// relay stops reading `p` because everything on the way to its partner (the partner's socket,
// the relay's output buffer) is full; returns the payload bytes sent. `other`, a joined peer of the
// same relay, tells when: the relay serves everyone from one thread, so once a PING round trip of
// `other` lets `p` send nothing more, the relay has stopped taking bytes from `p`. (When the
// whole head fits in the sockets' buffers, that is the case once the relay caught up.)
size_t SendHeadUntilPaused(RawPeer& p, const wire::Bytes& payload, RawPeer& other) {
  const wire::Bytes head = DataHead(payload, payload.size() - 1);
  const int fl = fcntl(p.fd(), F_GETFL);
  fcntl(p.fd(), F_SETFL, fl | O_NONBLOCK);
  size_t off = 0, before = 0;
  EXPECT_TRUE(SendWhatFits(p.fd(), head, off));
  do {
    before = off;
    EXPECT_TRUE(other.Send(rp::EncodePing(wire::Bytes{1})));
    EXPECT_TRUE(other.NextOf(kPong));
    EXPECT_TRUE(SendWhatFits(p.fd(), head, off));
  } while (off > before);
  fcntl(p.fd(), F_SETFL, fl);
  return off - wire::kFrameHeaderSize;
}

// A torn frame filled up by the relay: what arrived of `sent`, then zero bytes.
void ExpectPrefixThenZeros(const wire::Bytes& got, const wire::Bytes& sent) {
  ASSERT_EQ(got.size(), sent.size());
  size_t k = 0;
  while (k < got.size() && got[k] == sent[k]) ++k;
  EXPECT_GE(k, 16u);  // at least the bytes that started the frame
  for (size_t i = k; i < got.size(); ++i) ASSERT_EQ(got[i], 0) << "at " << i;
}

TEST_F(RelayLargeFrameTest, LargeFramesArriveIntactAndInOrderWhileTheReceiverLags) {
  StartRelay({"--quiet"});
  auto [a, b] = Pair("lag");
  // 1 MiB frames, each different, with small frames between them.
  std::vector<wire::Bytes> sent;
  wire::Bytes stream;
  for (int i = 0; i < 12; ++i) {
    sent.push_back(Pattern(kMiB - static_cast<size_t>(i) * 4099, static_cast<uint8_t>(i)));
    sent.push_back(wire::Bytes(static_cast<size_t>(i) + 1, static_cast<uint8_t>(0xA0 + i)));
  }
  for (const auto& p : sent) rp::AppendData(stream, p);
  SetNonBlocking(a->fd());
  SetNonBlocking(b->fd());
  const int small = 64 * 1024;  // fixed, small socket buffers at both ends
  setsockopt(a->fd(), SOL_SOCKET, SO_SNDBUF, &small, sizeof(small));
  ShrinkReceiveBuffer(b->fd());
  // First b does not read: a sends until everything between them is full and the relay has
  // stopped reading a. Then b reads in small bites while a sends the rest.
  size_t off = 0;
  ASSERT_TRUE(SendWhatFits(a->fd(), stream, off));
  ASSERT_LT(off, stream.size()) << "the path held 12 MiB; no backpressure was exercised";
  wire::FrameDecoder decoder(2 * kMiB);
  std::vector<wire::Frame> got;
  uint8_t buf[16 * 1024];
  while (got.size() < sent.size()) {
    const short want_out = off < stream.size() ? POLLOUT : 0;
    pollfd p[2] = {{b->fd(), POLLIN, 0}, {a->fd(), want_out, 0}};
    ASSERT_GT(poll(p, 2, 10'000), 0) << "no progress for 10 s";
    if (p[1].revents & POLLOUT) {
      ASSERT_TRUE(SendWhatFits(a->fd(), stream, off));
    }
    if (p[0].revents & POLLIN) {
      ssize_t n = recv(b->fd(), buf, sizeof(buf), 0);
      ASSERT_GT(n, 0);
      ASSERT_TRUE(decoder.Feed(wire::ByteView(buf, static_cast<size_t>(n)), got).ok());
    }
  }
  ASSERT_EQ(got.size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(got[i].type, kData);
    EXPECT_TRUE(got[i].payload == sent[i]) << "frame " << i << " differs";
  }
}

TEST_F(RelayLargeFrameTest, RelayFramesWaitUntilALargeFrameThatFollowsAnotherIsComplete) {
  StartRelay();
  auto [a, b] = Pair("follow");
  // The second frame starts in the same read as the end of the first.
  const wire::Bytes first = Pattern(300'000, 1), second = Pattern(500'000, 2);
  ASSERT_TRUE(a->Send(DataFrame(first)));
  ASSERT_TRUE(a->Send(DataHead(second, 100'000)));
  ASSERT_TRUE(relay_->WaitForLine("frame  room=follow a→b  500000 B")) << relay_->Transcript();
  ASSERT_TRUE(b->Send(rp::EncodePing(wire::Bytes{7})));
  {
    // Another connection's round trip: the relay has all but certainly read the PING by now.
    auto [c, d] = Pair("elsewhere");
    ASSERT_TRUE(c->Send(rp::EncodePing(wire::Bytes{9})));
    ASSERT_TRUE(c->NextOf(kPong));
  }
  ASSERT_TRUE(a->Send(wire::Bytes(second.begin() + 100'000, second.end())));
  auto f1 = b->Next();
  ASSERT_TRUE(f1);
  EXPECT_EQ(f1->type, kData);
  EXPECT_TRUE(f1->payload == first);
  auto f2 = b->Next();
  ASSERT_TRUE(f2);
  EXPECT_EQ(f2->type, kData);
  EXPECT_TRUE(f2->payload == second);
  auto pong = b->Next();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->type, kPong);
  EXPECT_EQ(pong->payload, wire::Bytes{7});
}

TEST_F(RelayLargeFrameTest, ReceiverLeavingMidFrameKeepsTheRestFromTheNextPartner) {
  StartRelay({"--max-frame", std::to_string(kHuge)});
  auto [a, b] = Pair("leave");
  ShrinkReceiveBuffer(b->fd());
  const wire::Bytes big = Pattern(kHuge, 3);
  ASSERT_TRUE(a->Send(DataFrame(Pattern(100'000, 4))));
  // b does not read: its socket fills up, then the relay's buffer for it, then the relay stops
  // reading a.
  RawPeer other(addr_);
  ASSERT_EQ(Join(other, "other")->type, kWaiting);
  const size_t sent = SendHeadUntilPaused(*a, big, other);
  ASSERT_TRUE(relay_->WaitForLine("frame  room=leave a→b 8388608 B")) << relay_->Transcript();
  b->Close();
  ASSERT_EQ(a->NextOf(kPeerLeft)->type, kPeerLeft);
  RawPeer c(addr_);
  ASSERT_EQ(Join(c, "leave")->type, kPaired);
  ASSERT_EQ(a->Next()->type, kPaired);
  ASSERT_TRUE(a->Send(wire::Bytes(big.begin() + static_cast<long>(sent), big.end())));
  ASSERT_TRUE(a->Send(DataFrame(Pattern(200'000, 5))));
  auto f = c.Next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, kData);
  EXPECT_TRUE(f->payload == Pattern(200'000, 5)) << "c got " << f->payload.size() << " bytes";
  ExpectFreshPairWorks();
}

TEST_F(RelayLargeFrameTest, SenderLeavingMidFrameClosesTheReceiverCleanly) {
  StartRelay();
  auto [a, b] = Pair("gone");
  ASSERT_TRUE(a->Send(DataFrame(Pattern(100'000, 6))));
  ASSERT_TRUE(a->Send(DataHead(Pattern(kMiB, 7), 400'000)));
  ASSERT_TRUE(relay_->WaitForLine("frame  room=gone a→b 1048576 B")) << relay_->Transcript();
  a->Close();
  auto f = b->Next();
  ASSERT_TRUE(f);
  EXPECT_TRUE(f->payload == Pattern(100'000, 6));
  // The torn frame never completes: b's connection ends instead.
  EXPECT_FALSE(b->Next());
  EXPECT_TRUE(b->WaitClosed());
  ExpectFreshPairWorks();
}

TEST_F(RelayLargeFrameTest, ShutdownWhileALargeFrameWaitsStillDeliversTheError) {
  StartRelay({"--max-frame", std::to_string(kHuge)});
  auto [a, b] = Pair("halt");
  ShrinkReceiveBuffer(b->fd());
  const wire::Bytes first = Pattern(100'000, 8), big = Pattern(kHuge, 9);
  ASSERT_TRUE(a->Send(DataFrame(first)));
  RawPeer other(addr_);
  ASSERT_EQ(Join(other, "other")->type, kWaiting);
  SendHeadUntilPaused(*a, big, other);  // b does not read: bytes wait for it in the relay
  ASSERT_TRUE(relay_->WaitForLine("frame  room=halt a→b 8388608 B")) << relay_->Transcript();
  relay_->Signal(SIGTERM);
  // What the relay holds for b goes out first, then the zero bytes that complete the frame,
  // then the ERROR.
  auto f1 = b->Next();
  ASSERT_TRUE(f1);
  EXPECT_TRUE(f1->payload == first);
  auto f2 = b->Next();
  ASSERT_TRUE(f2);
  EXPECT_EQ(f2->type, kData);
  ExpectPrefixThenZeros(f2->payload, big);
  ExpectErrorAndClose(*b, "RELAY_SHUTDOWN");
  EXPECT_EQ(relay_->Wait(), 0);
}

}  // namespace
}  // namespace duet::testing
