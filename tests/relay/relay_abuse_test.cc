// duet-relay under abuse, beyond relay_test.cc: many connections from one address, half-open
// and silent connections, a reader that never reads, and rapid join/leave churn. After each,
// the relay still serves a fresh pair, its memory (VmRSS from /proc) stays bounded, and every
// refusal is an ERROR with a stable code and its exact sentence.
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <cstdio>

#include "tests/relay/relay_fixture.h"

namespace duet::testing {
namespace {

using RelayAbuseTest = RelayFixture;

TEST_F(RelayAbuseTest, FiveThousandConnectionsFromOneAddressKeepMemoryBounded) {
  RaiseFileLimit(12000);
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < 10100) GTEST_SKIP() << "needs 10100 open files, the limit is " << lim.rlim_cur;
  StartRelay({"--quiet", "--max-connections", "10000", "--max-rooms", "5000", "--max-per-address",
              "10000", "--join-rate", "0"});
  const long before = RelayRssKb();
  std::vector<std::unique_ptr<RawPeer>> peers;
  for (int i = 0; i < 5000; ++i) {
    peers.push_back(std::make_unique<RawPeer>(addr_));
    ASSERT_TRUE(peers.back()->connected()) << i;
    ASSERT_TRUE(peers.back()->Send(rp::EncodeJoin("many-" + std::to_string(i / 2))));
  }
  for (int i = 0; i < 5000; i += 2) {
    auto fa = peers[i]->NextOf(kPaired);
    auto fb = peers[i + 1]->NextOf(kPaired);
    ASSERT_TRUE(fa && fb) << i;
  }
  const long during = RelayRssKb();
  ASSERT_TRUE(peers[4998]->Send(Data("still forwarding")));
  EXPECT_EQ(wire::AsString(peers[4999]->Next()->payload), "still forwarding");
  peers.clear();
  ExpectFreshPairWorks();
  const long after = RelayRssKb();
  std::printf("relay VmRSS: %ld KiB idle, %ld KiB with 5000 connections, %ld KiB after\n", before,
              during, after);
  if (kRssIsMeaningful) {
    EXPECT_LT(during - before, 5000 * 16) << "more than 16 KiB per connection";
    EXPECT_LT(after - before, 5000 * 16);
  }
}

TEST_F(RelayAbuseTest, SilentAndHalfOpenConnectionsAreClosed) {
  StartRelay({"--idle-timeout", "1"});
  // Joined, then silent: the idle timeout ends it with its own sentence.
  RawPeer silent(addr_);
  ASSERT_EQ(Join(silent, "quiet")->type, kWaiting);
  ExpectError(silent, "TIMEOUT",
              "Nothing arrived for too long; the relay closed the idle connection.");
  // Half-open: one peer of a pair stops sending (shuts its write side) but keeps reading.
  auto [a, b] = Pair("half");
  ASSERT_EQ(shutdown(a->fd(), SHUT_WR), 0);
  auto left = b->NextOf(kPeerLeft);
  ASSERT_TRUE(left) << relay_->Transcript();
  EXPECT_TRUE(a->WaitClosed());
  ExpectFreshPairWorks();
}

TEST_F(RelayAbuseTest, ReaderThatNeverReadsIsClosedAsSlowConsumer) {
  StartRelay({"--max-output", "262144", "--slow-consumer-timeout", "1", "--quiet"});
  auto [flooder, sleeper] = Pair("sleepy");
  int fl = fcntl(flooder->fd(), F_GETFL);
  fcntl(flooder->fd(), F_SETFL, fl | O_NONBLOCK);
  wire::Bytes frame;
  rp::AppendData(frame, wire::Bytes(64 * 1024, 0x42));
  // Fill the sleeper's socket and the relay's output for it until the relay stops reading us.
  size_t off = 0;
  for (;;) {
    ssize_t n = send(flooder->fd(), frame.data() + off, frame.size() - off, MSG_NOSIGNAL);
    if (n > 0) {
      off = (off + static_cast<size_t>(n)) % frame.size();
      continue;
    }
    pollfd p{flooder->fd(), POLLOUT, 0};
    if (poll(&p, 1, 1000) == 0) break;  // blocked for a second: backpressure holds
  }
  // The relay gives up on the sleeper (its console says so). It was stopped part-way through a
  // frame, so the relay closes it without the ERROR rather than fill the frame up with zeros
  // (wire/PROTOCOL.md, "Framing"): the sleeper, waking up, finds the data and then the end.
  ASSERT_TRUE(relay_->WaitForLine("SLOW_CONSUMER")) << relay_->Transcript();
  EXPECT_TRUE(
      relay_->WaitForLine("Data for you piled up because you stopped reading; the relay "
                          "closed the connection."));
  EXPECT_TRUE(sleeper->WaitClosed());
  EXPECT_TRUE(flooder->NextOf(kPeerLeft)) << relay_->Transcript();
  ExpectFreshPairWorks();
}

TEST_F(RelayAbuseTest, RapidJoinLeaveChurnFreesEverything) {
  StartRelay({"--quiet", "--max-rooms", "64", "--join-rate", "0"});
  const long before = RelayRssKb();
  for (int round = 0; round < 1000; ++round) {
    auto [a, b] = Pair("churn-" + std::to_string(round % 50));
    if (round % 2 == 0) {
      ASSERT_TRUE(a->Send(Data("x")));
    }
    // Both leave at once; the rooms must be freed or --max-rooms 64 refuses new ones.
  }
  ExpectFreshPairWorks();
  const long after = RelayRssKb();
  std::printf("relay VmRSS: %ld KiB before 1000 pairs joined and left, %ld KiB after\n", before,
              after);
  if (kRssIsMeaningful) {
    EXPECT_LT(after - before, 8 * 1024);
  }
}

}  // namespace
}  // namespace duet::testing
