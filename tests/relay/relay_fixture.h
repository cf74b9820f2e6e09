// The fixture of the relay tests: duet-relay as a real process on a free loopback port, raw
// peers to drive it, and what the relay's /proc says about its memory.
#pragma once

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "tests/relay/raw_peer.h"
#include "tests/support/process.h"
#include "wire/relay_protocol.h"

namespace duet::testing {

namespace rp = wire::relay;
constexpr uint8_t kWaiting = static_cast<uint8_t>(rp::FrameType::kWaiting);
constexpr uint8_t kPaired = static_cast<uint8_t>(rp::FrameType::kPaired);
constexpr uint8_t kError = static_cast<uint8_t>(rp::FrameType::kError);
constexpr uint8_t kData = static_cast<uint8_t>(rp::FrameType::kData);
constexpr uint8_t kPeerLeft = static_cast<uint8_t>(rp::FrameType::kPeerLeft);

// The header and the first `n` payload bytes of a DATA frame of `payload`.
inline wire::Bytes DataHead(const wire::Bytes& payload, size_t n) {
  wire::Bytes frame;
  rp::AppendData(frame, payload);
  frame.resize(wire::kFrameHeaderSize + n);
  return frame;
}

// `n` bytes that differ from frame to frame (by `seed`) and from offset to offset.
inline wire::Bytes Pattern(size_t n, uint8_t seed = 1) {
  wire::Bytes out(n);
  for (size_t i = 0; i < n; ++i) out[i] = static_cast<uint8_t>(i * 13 + seed + (i >> 12));
  return out;
}

// Under a sanitizer, freed memory sits in quarantine or shadow memory and RSS says little about
// what the relay holds; bounds on RSS are asserted in the plain build only (figures still print).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
constexpr bool kRssIsMeaningful = false;
#else
constexpr bool kRssIsMeaningful = true;
#endif

inline void RaiseFileLimit(rlim_t want) {
  rlimit lim{};
  getrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < want) {
    lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, want);
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

// The ERROR frame `p` gets next (skipping other frames), with its exact sentence, then the close.
inline void ExpectError(RawPeer& p, const std::string& code, const std::string& sentence) {
  auto f = p.NextOf(kError);
  ASSERT_TRUE(f) << "no ERROR " << code;
  Result<rp::ErrorFrame> e = rp::DecodeError(f->payload);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->code, code);
  EXPECT_EQ(e->message, sentence);
  EXPECT_TRUE(p.WaitClosed());
}

class RelayFixture : public ::testing::Test {
 protected:
  void StartRelay(std::vector<std::string> flags = {}) {
    std::vector<std::string> argv = {BinDir() + "/duet-relay", "--listen", "127.0.0.1:0",
                                     "--frame-lines", "100000"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    relay_ = std::make_unique<Process>(argv);
    auto line = relay_->WaitForLine("listening on ", 10s);
    ASSERT_TRUE(line) << relay_->Transcript();
    addr_ = line->substr(13);
  }

  // Two fresh peers paired in `room`; asserts the roles.
  std::pair<std::unique_ptr<RawPeer>, std::unique_ptr<RawPeer>> Pair(const std::string& room) {
    auto a = std::make_unique<RawPeer>(addr_);
    auto b = std::make_unique<RawPeer>(addr_);
    auto w = Join(*a, room);
    EXPECT_TRUE(w && w->type == kWaiting);
    auto pb = Join(*b, room);
    EXPECT_TRUE(pb && pb->type == kPaired);
    if (pb) {
      EXPECT_EQ(pb->payload, wire::Bytes{1});  // second: TLS client
    }
    auto pa = a->Next();
    EXPECT_TRUE(pa && pa->type == kPaired);
    if (pa) {
      EXPECT_EQ(pa->payload, wire::Bytes{0});  // first: TLS server
    }
    return {std::move(a), std::move(b)};
  }

  wire::Bytes Data(const std::string& s) {
    wire::Bytes out;
    rp::AppendData(out, wire::AsBytes(s));
    return out;
  }

  // The relay still pairs and forwards for a fresh pair.
  void ExpectFreshPairWorks() {
    auto [a, b] = Pair("fresh-" + std::to_string(++fresh_));
    ASSERT_TRUE(a->Send(Data("ping")));
    auto f = b->Next();
    ASSERT_TRUE(f) << relay_->Transcript();
    EXPECT_EQ(wire::AsString(f->payload), "ping");
  }

  // An ERROR with `code`, then the relay closes the connection.
  void ExpectErrorAndClose(RawPeer& p, const std::string& code) {
    auto f = p.NextOf(kError);
    ASSERT_TRUE(f) << "no ERROR " << code;
    Result<rp::ErrorFrame> e = rp::DecodeError(f->payload);
    ASSERT_TRUE(e.ok());
    EXPECT_EQ(e->code, code) << e->message;
    EXPECT_FALSE(e->message.empty());
    EXPECT_TRUE(p.WaitClosed());
  }

  long RelayRssKb() { return RelayStatusKb("VmRSS:"); }
  long RelayPeakRssKb() { return RelayStatusKb("VmHWM:"); }  // the most RSS since it started

  // A "Vm...:" field of the relay's /proc/PID/status, in KiB (-1 when absent).
  long RelayStatusKb(const std::string& field) {
    std::ifstream in("/proc/" + std::to_string(relay_->pid()) + "/status");
    std::string line;
    while (std::getline(in, line)) {
      if (line.rfind(field, 0) == 0) return std::stol(line.substr(field.size()));
    }
    return -1;
  }

  std::unique_ptr<Process> relay_;
  std::string addr_;
  int fresh_ = 0;
};

}  // namespace duet::testing
