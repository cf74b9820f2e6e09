// duet --cli against a relay's per-address limits: a refusal that passes with time is a warning,
// and the peer backs off and tries again until it gets in; it never gives up.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/crypto/tls_test_util.h"
#include "tests/peer/cli/cli_harness.h"
#include "tests/relay/raw_peer.h"
#include "wire/relay_protocol.h"

namespace duet::testing {
namespace {

class CliRelayLimitsTest : public ::testing::Test {
 protected:
  // duet-relay with `flags`; its address.
  std::string StartRelayWith(std::vector<std::string> flags) {
    std::vector<std::string> argv = {BinDir() + "/duet-relay", "--listen", "127.0.0.1:0"};
    argv.insert(argv.end(), flags.begin(), flags.end());
    relay_ = std::make_unique<Process>(argv);
    auto line = relay_->WaitForLine("listening on ", 10s);
    EXPECT_TRUE(line) << relay_->Transcript();
    return line ? line->substr(line->find("listening on ") + 13) : "";
  }

  // `p` warns with `code` (not fatal) twice, so it tried again after the first.
  void ExpectWarnedTwice(Process& p, const std::string& code) {
    for (size_t i = 0; i < 2; ++i) {
      auto err = Event(p, "error", i);
      ASSERT_TRUE(err) << p.Transcript();
      EXPECT_EQ((*err)["code"], code);
      EXPECT_EQ((*err)["fatal"], false);
    }
  }

  // Alice's home with her key already in it: a first start would generate an RSA-3072 key
  // before the first JOIN, and that can take longer than a refusal lasts.
  std::string AliceHome() {
    const std::string home = tmp_ / "alice";
    EXPECT_TRUE(crypto::testing::TestIdentity(0).Save(home, "").ok());
    return home;
  }

  TempDir tmp_;
  std::unique_ptr<Process> relay_;
};

TEST_F(CliRelayLimitsTest, TooManyConnectionsIsAWarningAndThePeerGetsInOnceASlotFrees) {
  const std::string addr = StartRelayWith({"--max-per-address", "1"});
  auto holder = std::make_unique<RawPeer>(addr);  // takes 127.0.0.1's one slot
  ASSERT_EQ(Join(*holder, "elsewhere")->type,
            static_cast<uint8_t>(wire::relay::FrameType::kWaiting));
  auto alice = StartPeer(addr, "alice", AliceHome(), "retry");
  ExpectWarnedTwice(*alice, "TOO_MANY_CONNECTIONS");
  holder.reset();
  EXPECT_TRUE(Event(*alice, "waiting")) << alice->Transcript();
}

TEST_F(CliRelayLimitsTest, RateLimitedIsAWarningAndThePeerGetsInOnceTheBucketRefills) {
  const std::string addr = StartRelayWith({"--join-burst", "1", "--join-rate", "0.1"});
  RawPeer holder(addr);  // takes 127.0.0.1's one JOIN; the next comes 10 s later
  ASSERT_EQ(Join(holder, "elsewhere")->type,
            static_cast<uint8_t>(wire::relay::FrameType::kWaiting));
  auto alice = StartPeer(addr, "alice", AliceHome(), "retry");
  ExpectWarnedTwice(*alice, "RATE_LIMITED");
  EXPECT_TRUE(Event(*alice, "waiting")) << alice->Transcript();
}

}  // namespace
}  // namespace duet::testing
