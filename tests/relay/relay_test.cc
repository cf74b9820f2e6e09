// duet-relay as a real process, driven by raw sockets.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <fstream>
#include <random>

#include "tests/relay/raw_peer.h"
#include "tests/relay/relay_fixture.h"
#include "tests/support/process.h"
#include "wire/relay_protocol.h"

namespace duet::testing {
namespace {

using RelayTest = RelayFixture;

TEST_F(RelayTest, PairsTwoAndForwardsDataUnchangedAndInOrder) {
  StartRelay();
  auto [a, b] = Pair("room1");
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(a->Send(Data("msg " + std::to_string(i))));
  for (int i = 0; i < 100; ++i) {
    auto f = b->Next();
    ASSERT_TRUE(f);
    EXPECT_EQ(f->type, kData);
    EXPECT_EQ(wire::AsString(f->payload), "msg " + std::to_string(i));
  }
  wire::Bytes big(700 * 1024);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 7);
  wire::Bytes frame;
  rp::AppendData(frame, big);
  ASSERT_TRUE(b->Send(frame));
  auto f = a->Next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->payload, big);
}

TEST_F(RelayTest, RoomsAreIsolated) {
  StartRelay();
  auto [a1, b1] = Pair("one");
  auto [a2, b2] = Pair("two");
  ASSERT_TRUE(a1->Send(Data("for room one")));
  ASSERT_TRUE(a2->Send(Data("for room two")));
  EXPECT_EQ(wire::AsString(b1->Next()->payload), "for room one");
  EXPECT_EQ(wire::AsString(b2->Next()->payload), "for room two");
  EXPECT_FALSE(b1->Next(300ms));
}

TEST_F(RelayTest, RejectsThirdPeerAndLeavesThePairUndisturbed) {
  StartRelay();
  auto [a, b] = Pair("busy");
  RawPeer c(addr_);
  ASSERT_TRUE(c.Send(rp::EncodeJoin("busy")));
  auto f = c.Next();
  ASSERT_TRUE(f && f->type == kError);
  Result<rp::ErrorFrame> e = rp::DecodeError(f->payload);
  EXPECT_EQ(e->code, "ROOM_FULL");
  EXPECT_EQ(e->message, "Room 'busy' already has two people in it. Pick another room code.");
  EXPECT_TRUE(c.WaitClosed());
  ASSERT_TRUE(a->Send(Data("still fine")));
  EXPECT_EQ(wire::AsString(b->Next()->payload), "still fine");
  EXPECT_TRUE(relay_->WaitForLine("refuse 127.0.0.1:"));
}

TEST_F(RelayTest, PeerLeftAndRepairing) {
  StartRelay();
  auto [a, b] = Pair("r");
  b->Close();
  auto left = a->Next();
  ASSERT_TRUE(left);
  EXPECT_EQ(left->type, kPeerLeft);
  RawPeer c(addr_);
  auto pc = Join(c, "r");
  ASSERT_TRUE(pc && pc->type == kPaired);
  EXPECT_EQ(pc->payload, wire::Bytes{1});
  auto pa = a->Next();
  ASSERT_TRUE(pa && pa->type == kPaired);
  EXPECT_EQ(pa->payload, wire::Bytes{0});  // the one who stayed is the TLS server
  ASSERT_TRUE(c.Send(Data("hello again")));
  EXPECT_EQ(wire::AsString(a->Next()->payload), "hello again");
}

TEST_F(RelayTest, EmptyRoomsAreFreed) {
  StartRelay({"--max-rooms", "1"});
  {
    RawPeer a(addr_);
    ASSERT_EQ(Join(a, "first")->type, kWaiting);
    RawPeer b(addr_);
    ASSERT_TRUE(b.Send(rp::EncodeJoin("second")));
    ExpectErrorAndClose(b, "TOO_MANY_ROOMS");
  }  // a leaves: its room is freed
  ASSERT_TRUE(relay_->WaitForLine("leave  room=first"));
  RawPeer c(addr_);
  EXPECT_EQ(Join(c, "second")->type, kWaiting);
}

TEST_F(RelayTest, RandomGarbageIsRefusedWithBadFrame) {
  StartRelay();
  std::mt19937 rng(7);  // test data only
  for (int round = 0; round < 20; ++round) {
    RawPeer p(addr_);
    wire::Bytes junk(1 + rng() % 4000);
    for (auto& b : junk) b = static_cast<uint8_t>(rng());
    junk[0] = static_cast<uint8_t>(0x09 + rng() % 200);  // never a JOIN
    p.Send(junk);
    ExpectErrorAndClose(p, "BAD_FRAME");
  }
  ExpectFreshPairWorks();
}

TEST_F(RelayTest, FourGibibyteLengthPrefixIsRefusedBeforeAllocating) {
  StartRelay();
  auto [a, b] = Pair("big");
  long before = RelayRssKb();
  ASSERT_TRUE(a->Send(wire::Bytes{kData, 0xff, 0xff, 0xff, 0xff, 1, 2, 3}));
  ExpectErrorAndClose(*a, "FRAME_TOO_LARGE");
  EXPECT_LT(RelayRssKb() - before, 8 * 1024);
  EXPECT_EQ(b->Next()->type, kPeerLeft);
  // The same prefix as the first frame of a connection.
  RawPeer c(addr_);
  ASSERT_TRUE(c.Send(wire::Bytes{0x01, 0xff, 0xff, 0xff, 0xff}));
  ExpectErrorAndClose(c, "BAD_FRAME");
  ExpectFreshPairWorks();
}

TEST_F(RelayTest, UnknownTypeAndDataBeforeJoinAreRefused) {
  StartRelay();
  {
    auto [a, b] = Pair("u");
    ASSERT_TRUE(a->Send(wire::EncodeFrame(0x7f, wire::AsBytes("?"))));
    ExpectErrorAndClose(*a, "BAD_FRAME");
  }
  RawPeer d(addr_);
  ASSERT_TRUE(d.Send(Data("too early")));
  auto f = d.Next();
  ASSERT_TRUE(f && f->type == kError);
  EXPECT_EQ(rp::DecodeError(f->payload)->message, "DATA arrived before JOIN; join a room first.");
  RawPeer v(addr_);
  ASSERT_TRUE(v.Send(rp::EncodeJoin("x", 9)));
  ExpectErrorAndClose(v, "BAD_VERSION");
  ExpectFreshPairWorks();
}

TEST_F(RelayTest, SlowlorisJoinTimesOut) {
  StartRelay({"--join-timeout", "1"});
  RawPeer p(addr_);
  wire::Bytes join = rp::EncodeJoin("slow");
  ASSERT_TRUE(p.Send(wire::Bytes(join.begin(), join.begin() + 3)));  // and never the rest
  ExpectErrorAndClose(p, "TIMEOUT");
  RawPeer silent(addr_);
  ExpectErrorAndClose(silent, "TIMEOUT");
  ExpectFreshPairWorks();
}

TEST_F(RelayTest, LimitsThatCannotWorkAreUsageErrors) {
  // With --max-output 0 or 1 a paused connection would never be read again; a negative JOIN
  // rate or burst means nothing; an IPv6 prefix is 1 to 128 bits.
  for (std::vector<std::string> flags : {std::vector<std::string>{"--max-output", "0"},
                                         {"--max-output", "1"},
                                         {"--max-output", "65535"},
                                         {"--join-rate", "-1"},
                                         {"--join-burst", "-0.5"},
                                         {"--ipv6-prefix", "0"},
                                         {"--ipv6-prefix", "129"}}) {
    std::vector<std::string> argv = {BinDir() + "/duet-relay", "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    Process relay(argv);
    EXPECT_EQ(relay.Wait(), 2) << flags[0] << " " << flags[1] << "\n" << relay.Transcript();
  }
}

TEST_F(RelayTest, NonReaderCannotMakeTheRelayBufferWithoutBound) {
  StartRelay({"--max-output", "262144"});
  auto [flooder, sleeper] = Pair("flood");
  const long before = RelayRssKb();
  // Flood until the relay stops reading us (the send would block), within bounds.
  int fl = fcntl(flooder->fd(), F_GETFL);
  fcntl(flooder->fd(), F_SETFL, fl | O_NONBLOCK);
  wire::Bytes frame;
  rp::AppendData(frame, wire::Bytes(64 * 1024, 0x42));
  size_t sent = 0;
  const auto deadline = std::chrono::steady_clock::now() + 20s;
  size_t off = 0;
  while (sent < (512u << 20) && std::chrono::steady_clock::now() < deadline) {
    ssize_t n = send(flooder->fd(), frame.data() + off, frame.size() - off, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
      off = (off + static_cast<size_t>(n)) % frame.size();
      continue;
    }
    pollfd p{flooder->fd(), POLLOUT, 0};
    if (poll(&p, 1, 1000) == 0) break;  // blocked for a second: backpressure holds
  }
  EXPECT_LT(sent, 512u << 20) << "the relay never pushed back";
  const long grown = RelayRssKb() - before;
  EXPECT_LT(grown, 32 * 1024) << "relay RSS grew by " << grown << " KiB";
  ExpectFreshPairWorks();
}

TEST_F(RelayTest, TwoThousandConnectionsAtOnce) {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < 4200 && lim.rlim_max >= 4200) {
    lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, 8192);
    setrlimit(RLIMIT_NOFILE, &lim);
  }
  // All from 127.0.0.1: lift the per-address limits (RelayFloodTest attacks those).
  StartRelay(
      {"--quiet", "--max-connections", "10000", "--max-per-address", "5000", "--join-rate", "0"});
  std::vector<std::unique_ptr<RawPeer>> peers;
  for (int i = 0; i < 2000; ++i) {
    peers.push_back(std::make_unique<RawPeer>(addr_));
    ASSERT_TRUE(peers.back()->connected()) << i;
    ASSERT_TRUE(peers.back()->Send(rp::EncodeJoin("crowd-" + std::to_string(i / 2))));
  }
  // Which of a room's two JOINs the relay reads first is up to the scheduler: both peers must
  // be paired, with opposite roles.
  for (int i = 0; i < 2000; i += 2) {
    auto fa = peers[i]->NextOf(kPaired);
    auto fb = peers[i + 1]->NextOf(kPaired);
    ASSERT_TRUE(fa && fb) << i;
    EXPECT_NE(fa->payload, fb->payload) << i;
  }
  ASSERT_TRUE(peers[0]->Send(Data("across the crowd")));
  EXPECT_EQ(wire::AsString(peers[1]->Next()->payload), "across the crowd");
  ExpectFreshPairWorks();
}

TEST_F(RelayTest, ConsoleShowsEveryFrameAsCiphertextOnly) {
  StartRelay();
  auto [a, b] = Pair("watched");
  const std::vector<std::string> texts = {"first secret", "second secret", "third secret"};
  for (const auto& t : texts) ASSERT_TRUE(a->Send(Data(t)));
  for (size_t i = 0; i < texts.size(); ++i) ASSERT_TRUE(b->Next());
  ASSERT_TRUE(relay_->WaitForCount("frame  room=watched a→b", 3));
  // The hex of "first secret" is there; the text itself is not.
  EXPECT_TRUE(relay_->WaitForLine("6669727374207365637265"));
  for (const std::string& line : relay_->lines()) {
    EXPECT_EQ(line.find("secret"), std::string::npos) << line;
  }
}

TEST_F(RelayTest, SigtermTellsPeersAndExitsCleanly) {
  StartRelay();
  auto [a, b] = Pair("bye");
  relay_->Signal(SIGTERM);
  ExpectErrorAndClose(*a, "RELAY_SHUTDOWN");
  ExpectErrorAndClose(*b, "RELAY_SHUTDOWN");
  EXPECT_EQ(relay_->Wait(), 0);
  EXPECT_TRUE(relay_->WaitForLine("totals at exit"));
}

TEST_F(RelayTest, TooManyConnectionsFromOneAddressIsRefused) {
  StartRelay({"--max-per-address", "3"});
  RawPeer a(addr_), b(addr_), c(addr_);
  ASSERT_EQ(Join(a, "x")->type, kWaiting);
  RawPeer d(addr_);
  ExpectErrorAndClose(d, "TOO_MANY_CONNECTIONS");
}

// --- cut-through forwarding: a DATA frame goes on as its bytes arrive ---

TEST_F(RelayTest, RelayFramesWaitUntilAPartlyForwardedFrameIsComplete) {
  StartRelay();
  auto [a, b] = Pair("cut");
  const wire::Bytes payload = Pattern(200'000);
  ASSERT_TRUE(a->Send(DataHead(payload, 50'000)));
  // The relay has started forwarding the frame to b (the console line comes with the start).
  ASSERT_TRUE(relay_->WaitForLine("frame  room=cut a→b  200000 B")) << relay_->Transcript();
  // b asks for a PONG while half a frame is in its stream; another connection's round trip
  // makes it all but certain the relay has read that PING before the rest of the frame comes.
  // Three PINGs while the frame is part-way: one PONG is held for all of them.
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(b->Send(rp::EncodePing(wire::Bytes{1, 2, 3})));
  {
    auto [c, d] = Pair("elsewhere");
    ASSERT_TRUE(c->Send(rp::EncodePing(wire::Bytes{9})));
    ASSERT_TRUE(c->NextOf(static_cast<uint8_t>(rp::FrameType::kPong)));
  }
  ASSERT_TRUE(a->Send(wire::Bytes(payload.begin() + 50'000, payload.end())));
  auto f = b->Next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, kData);
  EXPECT_EQ(f->payload, payload);
  auto pong = b->Next();
  ASSERT_TRUE(pong);
  EXPECT_EQ(pong->type, static_cast<uint8_t>(rp::FrameType::kPong));
  EXPECT_EQ(pong->payload, (wire::Bytes{1, 2, 3}));
  // A PING after the frame is answered at once: no further held PONGs stand before its PONG.
  ASSERT_TRUE(b->Send(rp::EncodePing(wire::Bytes{4})));
  auto next = b->Next();
  ASSERT_TRUE(next);
  EXPECT_EQ(next->type, static_cast<uint8_t>(rp::FrameType::kPong));
  EXPECT_EQ(next->payload, (wire::Bytes{4}));
}

TEST_F(RelayTest, SenderLeavingPartWayThroughAFrameClosesTheReceiverCleanly) {
  StartRelay();
  auto [a, b] = Pair("half");
  ASSERT_TRUE(a->Send(DataHead(Pattern(100'000), 30'000)));
  ASSERT_TRUE(relay_->WaitForLine("frame  room=half a→b  100000 B"));
  a->Close();
  // b never sees a complete frame made of a torn one plus whatever comes next: its connection
  // ends, and its client reconnects to a clean stream.
  EXPECT_FALSE(b->Next());
  EXPECT_TRUE(b->WaitClosed());
  ExpectFreshPairWorks();
}

TEST_F(RelayTest, TheRestOfAFrameIsNotForwardedToTheNextPartner) {
  StartRelay();
  auto [a, b] = Pair("swap");
  const wire::Bytes payload = Pattern(80'000);
  ASSERT_TRUE(a->Send(DataHead(payload, 20'000)));
  ASSERT_TRUE(relay_->WaitForLine("frame  room=swap a→b   80000 B"));
  b->Close();
  ASSERT_EQ(a->Next()->type, kPeerLeft);
  RawPeer c(addr_);
  ASSERT_EQ(Join(c, "swap")->type, kPaired);
  ASSERT_EQ(a->Next()->type, kPaired);
  ASSERT_TRUE(a->Send(wire::Bytes(payload.begin() + 20'000, payload.end())));
  ASSERT_TRUE(a->Send(Data("for the new partner")));
  auto f = c.Next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, kData);
  EXPECT_EQ(wire::AsString(f->payload), "for the new partner");
}

TEST_F(RelayTest, ShutdownPartWayThroughAFrameStillDeliversTheError) {
  StartRelay();
  auto [a, b] = Pair("stop");
  ASSERT_TRUE(a->Send(DataHead(Pattern(60'000), 10'000)));
  ASSERT_TRUE(relay_->WaitForLine("frame  room=stop a→b   60000 B"));
  relay_->Signal(SIGTERM);
  // b's torn frame is filled up (its TLS would reject it), then the ERROR arrives intact.
  auto f = b->Next();
  ASSERT_TRUE(f);
  EXPECT_EQ(f->type, kData);
  EXPECT_EQ(f->payload.size(), 60'000u);
  ExpectErrorAndClose(*b, "RELAY_SHUTDOWN");
  EXPECT_EQ(relay_->Wait(), 0);
}

}  // namespace
}  // namespace duet::testing
