// duet-relay bounded everywhere (issue 14): the per-type payload caps, the pause on a peer's own
// output, the per-address connection and JOIN limits, and all the floods at once against one
// relay while an honest pair keeps talking. Loopback answers all of 127/8, so each attacker
// plays its own host (RawPeer's source address) and the per-address limits meet it alone.
#include <fcntl.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "tests/relay/relay_fixture.h"

namespace duet::testing {
namespace {

using Clock = std::chrono::steady_clock;
using RelayFloodTest = RelayFixture;

// README.md, "The relay's limits": what one connection may make the relay hold at the defaults
// (input buffer 512 KiB; output up to one 512 KiB read and one ERROR, 513 KiB, in two growing
// buffers of at most twice that; about 2 KiB of fixed state), and what a connection that holds
// no data costs.
constexpr long kConnectionBoundKb = 512 + 2 * 2 * 513 + 2;
constexpr long kIdleConnectionKb = 16;

// Frames of `count` PINGs of 8 bytes each, back to back.
wire::Bytes Pings(size_t count) {
  wire::Bytes out;
  for (size_t i = 0; i < count; ++i) {
    wire::Bytes ping = rp::EncodePing(wire::Bytes(8, static_cast<uint8_t>(i)));
    out.insert(out.end(), ping.begin(), ping.end());
  }
  return out;
}

// A frame header of `type` declaring `length` payload bytes.
wire::Bytes Header(rp::FrameType type, uint32_t length) {
  wire::Bytes out;
  wire::Writer w(out);
  w.U8(static_cast<uint8_t>(type));
  w.U32(length);
  return out;
}

struct Pushed {
  size_t bytes = 0;
  bool blocked = false;  // the socket took nothing for the `stuck` time: the relay stopped reading
  bool failed = false;   // the relay closed the connection
};

// Sends `chunk` over and over on `fd` (made non-blocking), without reading, until `limit` bytes
// are sent, the socket takes nothing for `stuck`, or it fails.
Pushed Push(int fd, const wire::Bytes& chunk, size_t limit, std::chrono::milliseconds stuck) {
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  Pushed p;
  size_t off = 0;
  while (p.bytes < limit) {
    const size_t want = std::min(chunk.size() - off, limit - p.bytes);
    ssize_t n = send(fd, chunk.data() + off, want, MSG_NOSIGNAL);
    if (n > 0) {
      p.bytes += static_cast<size_t>(n);
      off = (off + static_cast<size_t>(n)) % chunk.size();
      continue;
    }
    if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
      p.failed = true;
      break;
    }
    pollfd w{fd, POLLOUT, 0};
    if (poll(&w, 1, static_cast<int>(stuck.count())) == 0) {
      p.blocked = true;
      break;
    }
  }
  return p;
}

// The code of `f` when it is an ERROR ("" for another frame or none).
std::string ErrorCodeOf(const std::optional<wire::Frame>& f) {
  if (!f || f->type != kError) return "";
  Result<rp::ErrorFrame> e = rp::DecodeError(f->payload);
  return e ? e->code : "";
}

// How many of `peers` from index `from` on get an ERROR `code` within `timeout`, all together
// (a relay that refuses none costs the timeout once, not once per peer).
int CountRefused(std::vector<std::unique_ptr<RawPeer>>& peers, size_t from, const std::string& code,
                 std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  int n = 0;
  for (size_t i = from; i < peers.size(); ++i) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    n += ErrorCodeOf(peers[i]->NextOf(kError, std::max(left, std::chrono::milliseconds(0)))) == code
             ? 1
             : 0;
  }
  return n;
}

// --- one cap, one limit at a time -------------------------------------------------------------

TEST_F(RelayFloodTest, NonDataFramesAreRefusedAtTheirHeader) {
  StartRelay();
  // A PING that declares 9 bytes, or 1 MiB: refused on the header, before any payload comes.
  for (uint32_t length : {9u, 1u << 20}) {
    auto [a, b] = Pair("ping-" + std::to_string(length));
    ASSERT_TRUE(a->Send(Header(rp::FrameType::kPing, length)));
    ExpectError(*a, "FRAME_TOO_LARGE",
                "A frame declared " + std::to_string(length) +
                    " bytes, more than the relay's limit of 8 bytes.");
    EXPECT_TRUE(b->NextOf(kPeerLeft));
  }
  // A second JOIN, or a type only the relay sends: refused on the header too.
  auto [c, d] = Pair("twice");
  ASSERT_TRUE(c->Send(Header(rp::FrameType::kJoin, 70)));
  ExpectError(*c, "BAD_FRAME", "This connection already joined a room.");
  ASSERT_TRUE(d->Send(Header(rp::FrameType::kPong, 1000)));
  ExpectError(*d, "BAD_FRAME", "Frame type 8 is not one a peer may send.");
  ExpectFreshPairWorks();
}

TEST_F(RelayFloodTest, PingerThatNeverReadsIsNoLongerReadThenClosed) {
  StartRelay({"--quiet", "--slow-consumer-timeout", "2"});
  RawPeer pinger(addr_);
  ASSERT_EQ(Join(pinger, "pongs")->type, kWaiting);
  const long before = RelayRssKb();
  // Without the pause, the relay reads every PING and queues its PONG: it never stops reading.
  Pushed p = Push(pinger.fd(), Pings(8192), 96u << 20, std::chrono::milliseconds(1000));
  const long during = RelayRssKb();
  std::printf(
      "PING flood without reading: %zu KiB sent before the relay stopped reading; relay "
      "VmRSS %ld KiB before, %ld KiB after\n",
      p.bytes / 1024, before, during);
  EXPECT_TRUE(p.blocked) << p.bytes << " bytes sent and the relay still reads";
  if (kRssIsMeaningful) {
    EXPECT_LT(during - before, kConnectionBoundKb);
  }
  // Its output does not move, so the slow-consumer timeout ends it. (The ERROR after the PONGs
  // may not arrive: the relay closes with PINGs unread, and the kernel then resets the
  // connection, dropping what it had not sent yet.)
  ASSERT_TRUE(relay_->WaitForLine("SLOW_CONSUMER")) << relay_->Transcript();
  EXPECT_TRUE(pinger.WaitClosed());
  ExpectFreshPairWorks();
}

TEST_F(RelayFloodTest, SixtyFifthConnectionFromOneAddressIsRefused) {
  RaiseFileLimit(1024);
  StartRelay();
  std::vector<std::unique_ptr<RawPeer>> host;
  for (int i = 0; i < 65; ++i) {
    host.push_back(std::make_unique<RawPeer>(addr_, "127.0.0.3"));
    ASSERT_TRUE(host.back()->connected()) << i;
  }
  ExpectError(*host.back(), "TOO_MANY_CONNECTIONS",
              "The relay has as many connections as it allows (in total or from your address). "
              "Try again later.");
  // The 64 before it are in; so is another host.
  ASSERT_EQ(Join(*host[63], "sixty-fourth")->type, kWaiting);
  RawPeer other(addr_, "127.0.0.4");
  ASSERT_EQ(Join(other, "other-host")->type, kWaiting);
}

TEST_F(RelayFloodTest, JoinsBeyondTheBurstAreRateLimited) {
  StartRelay();  // the defaults: a burst of 20, then 5 a second
  // Probing room codes: each JOIN answered WAITING says "nobody is in this room".
  int waiting = 0;
  std::optional<wire::Frame> refusal;
  const auto since = Clock::now();
  for (int i = 0; i < 40 && !refusal; ++i) {
    RawPeer probe(addr_, "127.0.0.5");
    auto f = Join(probe, "probe-" + std::to_string(i));
    ASSERT_TRUE(f) << i;
    if (f->type == kWaiting) {
      ++waiting;
    } else {
      refusal = f;
      EXPECT_TRUE(probe.WaitClosed());
    }
  }
  const double took_s = std::chrono::duration<double>(Clock::now() - since).count();
  ASSERT_TRUE(refusal) << "40 JOINs from one address, none refused";
  // The burst, and what refilled meanwhile, whatever the machine's speed.
  EXPECT_GE(waiting, 20);
  EXPECT_LE(waiting, 20 + static_cast<int>(5 * took_s) + 1) << took_s << " s";
  Result<rp::ErrorFrame> e = rp::DecodeError(refusal->payload);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->code, "RATE_LIMITED");
  EXPECT_EQ(e->message, "Too many room joins from your address. Try again in a few seconds.");
  // Another address is not limited by it.
  RawPeer other(addr_, "127.0.0.6");
  ASSERT_EQ(Join(other, "probe-0")->type, kWaiting);
}

// --- every flood at once ----------------------------------------------------------------------

struct RoundTrips {
  int lost = 0;
  std::vector<double> ms;  // each round trip's time, in the order they ran

  int done() const { return static_cast<int>(ms.size()); }
  // The `q`-quantile (0.5: the median) of the round-trip times.
  double Quantile(double q) const {
    if (ms.empty()) return 0;
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    return sorted[static_cast<size_t>(q * static_cast<double>(sorted.size() - 1))];
  }
};

// The honest pair: a round trip of DATA after another until `stop` (and at least `min` of them).
RoundTrips Converse(RawPeer& a, RawPeer& b, const std::atomic<bool>& stop, int min) {
  RoundTrips r;
  for (int i = 0; (!stop || i < min) && r.lost == 0; ++i) {
    const std::string ask = "ask-" + std::to_string(i), answer = "answer-" + std::to_string(i);
    wire::Bytes ask_frame, answer_frame;
    rp::AppendData(ask_frame, wire::AsBytes(ask));
    rp::AppendData(answer_frame, wire::AsBytes(answer));
    const auto start = Clock::now();
    a.Send(ask_frame);
    auto got = b.NextOf(kData);
    b.Send(answer_frame);
    auto back = a.NextOf(kData);
    if (!got || wire::AsString(got->payload) != ask || !back ||
        wire::AsString(back->payload) != answer) {
      ++r.lost;
      break;
    }
    r.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  return r;
}

// Hosts 127.0.0.N for N in [first, first + count), `per_host` connections each, joined alone
// in rooms of their own; each then declares a `type` frame of 1 MiB and sends all of it but the
// last byte (or what the relay takes of it), and stalls.
std::vector<std::unique_ptr<RawPeer>> Stallers(const std::string& addr, int first, int count,
                                               int per_host, rp::FrameType type) {
  std::vector<std::unique_ptr<RawPeer>> out;
  const wire::Bytes body(1u << 20, 0x5a);
  for (int h = first; h < first + count; ++h) {
    for (int i = 0; i < per_host; ++i) {
      auto p = std::make_unique<RawPeer>(addr, "127.0.0." + std::to_string(h));
      auto w = Join(*p, "stall-" + std::to_string(h) + "-" + std::to_string(i));
      if (!w || w->type != kWaiting) {
        ADD_FAILURE() << "staller " << h << "/" << i << " did not join";
        continue;
      }
      wire::Bytes frame = Header(type, 1u << 20);
      frame.insert(frame.end(), body.begin(), body.end() - 1);
      Push(p->fd(), frame, frame.size(), std::chrono::milliseconds(1000));
      out.push_back(std::move(p));
    }
  }
  return out;
}

// The DATA frame a stalled pair's sender declares: more than the kernel's buffers on both sides
// of the relay take (loopback lets the relay's send buffer grow to 4 MiB), so that the relay
// holds part of it. The relay needs --max-frame kStallFrame.
constexpr uint32_t kStallFrame = 8u << 20;

// `pairs` pairs, each from a host of its own (127.0.0.N for N from `first` on, so that the JOIN
// limit does not meet them) and in a room of its own: the first declares a kStallFrame DATA frame
// and sends what the relay takes of it, the second never reads. Returns them sender first.
std::vector<std::unique_ptr<RawPeer>> StalledDataPairs(const std::string& addr, int first,
                                                       int pairs) {
  std::vector<std::unique_ptr<RawPeer>> out;
  wire::Bytes frame = Header(rp::FrameType::kData, kStallFrame);
  frame.resize(frame.size() + kStallFrame - 1, 0x5a);
  for (int i = 0; i < pairs; ++i) {
    const std::string source = "127.0.0." + std::to_string(first + i);
    auto sender = std::make_unique<RawPeer>(addr, source);
    auto receiver = std::make_unique<RawPeer>(addr, source);
    const int small = 4096;  // so that the kernel does not take the whole frame off the relay
    setsockopt(receiver->fd(), SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    const std::string room = "stalled-data-" + std::to_string(i);
    auto w = Join(*sender, room);
    auto p = Join(*receiver, room);
    if (!w || w->type != kWaiting || !p || p->type != kPaired || !sender->NextOf(kPaired)) {
      ADD_FAILURE() << "stalled pair " << i << " did not pair";
      continue;
    }
    Push(sender->fd(), frame, frame.size(), std::chrono::milliseconds(500));
    out.push_back(std::move(sender));
    out.push_back(std::move(receiver));
  }
  return out;
}

TEST_F(RelayFloodTest, ReceiverStuckMidDataFrameIsClosedWithoutPadding) {
  RaiseFileLimit(1024);
  StartRelay(
      {"--quiet", "--slow-consumer-timeout", "2", "--max-frame", std::to_string(kStallFrame)});
  constexpr int kPairs = 16;
  auto peers = StalledDataPairs(addr_, 40, kPairs);
  ASSERT_EQ(peers.size(), 2u * kPairs);
  const long held = RelayPeakRssKb();
  // Every receiver's output is stuck: the slow-consumer timeout closes them in one sweep. Each
  // sender hears PEER_LEFT once its partner is gone.
  ASSERT_TRUE(relay_->WaitForCount("SLOW_CONSUMER", kPairs, 20s)) << relay_->Transcript();
  for (int i = 0; i < kPairs; ++i) EXPECT_TRUE(peers[2 * i]->NextOf(kPeerLeft)) << i;
  const long peak = RelayPeakRssKb();
  std::printf("%d stalled DATA pairs: relay VmHWM %ld KiB while held, %ld KiB after closing\n",
              kPairs, held, peak);
  // Filling up each receiver's frame with zeros would take MiBs per receiver, all at once.
  if (kRssIsMeaningful) {
    EXPECT_LT(peak - held, 4 * 1024);
  }
  ExpectFreshPairWorks();
}

TEST_F(RelayFloodTest, EveryFloodAtOnceKeepsMemoryBoundedAndThePairTalking) {
  RaiseFileLimit(2048);
  StartRelay(
      {"--quiet", "--slow-consumer-timeout", "3", "--max-frame", std::to_string(kStallFrame)});
  const long idle = RelayRssKb();

  // The honest pair, on its own host, talks all through the floods.
  auto a = std::make_unique<RawPeer>(addr_, "127.0.0.2");
  auto b = std::make_unique<RawPeer>(addr_, "127.0.0.2");
  ASSERT_EQ(Join(*a, "honest")->type, kWaiting);
  ASSERT_EQ(Join(*b, "honest")->type, kPaired);
  ASSERT_EQ(a->Next()->type, kPaired);
  std::atomic<bool> stop{false};
  RoundTrips trips;
  std::thread pair([&] { trips = Converse(*a, *b, stop, 50); });

  // 1. Four hosts send PINGs and never read a PONG (up to 48 MiB each).
  constexpr int kPingers = 4;
  std::vector<std::unique_ptr<RawPeer>> pingers;
  for (int i = 0; i < kPingers; ++i) {
    pingers.push_back(std::make_unique<RawPeer>(addr_, "127.0.0." + std::to_string(10 + i)));
    ASSERT_EQ(Join(*pingers.back(), "pongs-" + std::to_string(i))->type, kWaiting);
  }
  std::vector<Pushed> pinged(kPingers);
  std::vector<std::thread> ping_threads;
  const wire::Bytes pings = Pings(8192);
  for (int i = 0; i < kPingers; ++i) {
    ping_threads.emplace_back([&, i] {
      pinged[i] = Push(pingers[i]->fd(), pings, 48u << 20, std::chrono::milliseconds(1000));
    });
  }

  // 2. 100 connections (five hosts, 20 each) declare a 1 MiB PING and stall one byte short.
  auto stallers = Stallers(addr_, 20, 5, 20, rp::FrameType::kPing);
  const int stall_refused = CountRefused(stallers, 0, "FRAME_TOO_LARGE", 10s);

  // 3. Eight hosts pair two of their own connections each, send most of a large DATA frame from
  // one and never read on the other: the slow-consumer timeout closes every receiver at once.
  constexpr int kStalledPairs = 8;
  auto stalled = StalledDataPairs(addr_, 100, kStalledPairs);

  // 4. One host opens 100 connections: the 65th and later are refused.
  std::vector<std::unique_ptr<RawPeer>> crowd;
  for (int i = 0; i < 100; ++i) crowd.push_back(std::make_unique<RawPeer>(addr_, "127.0.0.30"));
  const int crowd_refused = CountRefused(crowd, 64, "TOO_MANY_CONNECTIONS", 10s);

  // 5. One host probes 60 room codes, one connection each.
  int probes_answered = 0, probes_limited = 0;
  const auto probing_since = Clock::now();
  for (int i = 0; i < 60; ++i) {
    RawPeer probe(addr_, "127.0.0.31");
    auto f = Join(probe, "probe-" + std::to_string(i));
    probes_answered += f && f->type == kWaiting ? 1 : 0;
    probes_limited += ErrorCodeOf(f) == "RATE_LIMITED" ? 1 : 0;
  }

  const double probing_s = std::chrono::duration<double>(Clock::now() - probing_since).count();
  for (auto& t : ping_threads) t.join();
  int stalled_closed = 0;
  for (size_t i = 0; i < stalled.size(); i += 2)
    stalled_closed += stalled[i]->NextOf(kPeerLeft) ? 1 : 0;
  const long peak = RelayPeakRssKb(), now = RelayRssKb();
  stop = true;
  pair.join();

  size_t pinged_kb = 0;
  int pingers_blocked = 0;
  for (const Pushed& p : pinged) {
    pinged_kb += p.bytes / 1024;
    pingers_blocked += p.blocked ? 1 : 0;
  }
  std::printf(
      "all floods at once: relay VmRSS idle %ld KiB, peak %ld KiB, now %ld KiB; pingers sent %zu "
      "KiB, %d of %d no longer read; %d of %zu stallers refused; %d of 36 extra connections "
      "refused; %d of %d stalled DATA receivers closed; %d probes answered, %d rate-limited; "
      "honest pair %d round trips, median %.2f "
      "ms, p99 %.2f ms, max %.2f ms, %d lost\n",
      idle, peak, now, pinged_kb, pingers_blocked, kPingers, stall_refused, stallers.size(),
      crowd_refused, stalled_closed, kStalledPairs, probes_answered, probes_limited, trips.done(),
      trips.Quantile(0.5), trips.Quantile(0.99), trips.Quantile(1), trips.lost);

  EXPECT_EQ(trips.lost, 0);
  EXPECT_GE(trips.done(), 50);
  EXPECT_EQ(pingers_blocked, kPingers);
  EXPECT_EQ(stall_refused, static_cast<int>(stallers.size()));
  EXPECT_EQ(crowd_refused, 36);
  EXPECT_EQ(stalled_closed, kStalledPairs);
  // The burst of 20, then 5 a second: the rest are refused, whatever the machine's speed.
  EXPECT_LE(probes_answered, 20 + static_cast<int>(5 * probing_s) + 1);
  EXPECT_EQ(probes_answered + probes_limited, 60);
  if (kRssIsMeaningful) {
    // The README's bound for the connections that hold data (the pingers, the stalled pairs and
    // the honest pair), the fixed cost of the rest, and 8 MiB for the allocator and the
    // transient reads of refusals.
    const long live = static_cast<long>(pingers.size() + stallers.size() + crowd.size()) + 2;
    const long holding = kPingers + 2 * kStalledPairs + 2;
    const long bound = idle + holding * kConnectionBoundKb + live * kIdleConnectionKb + 8 * 1024;
    EXPECT_LT(peak, bound) << "peak VmHWM over the stated bound";
  }
  ExpectFreshPairWorks();
}

}  // namespace
}  // namespace duet::testing
