// The relay's JOIN rate limit: a token bucket per address, driven with a fake clock.
#include "relay/join_limiter.h"

#include <gtest/gtest.h>

namespace duet::relay {
namespace {

using std::chrono::milliseconds;
const JoinLimiter::Time kStart{};

TEST(JoinLimiter, AllowsTheBurstThenRefuses) {
  JoinLimiter limit(5, 20, 100);
  for (int i = 0; i < 20; ++i) EXPECT_TRUE(limit.Allow("10.0.0.1", kStart)) << i;
  EXPECT_FALSE(limit.Allow("10.0.0.1", kStart));
  EXPECT_TRUE(limit.Allow("10.0.0.2", kStart));  // another address has its own bucket
}

TEST(JoinLimiter, RefillsAtTheRate) {
  JoinLimiter limit(5, 2, 100);
  EXPECT_TRUE(limit.Allow("a", kStart));
  EXPECT_TRUE(limit.Allow("a", kStart));
  EXPECT_FALSE(limit.Allow("a", kStart + milliseconds(100)));  // half a token
  EXPECT_TRUE(limit.Allow("a", kStart + milliseconds(250)));   // 1.25 tokens
  EXPECT_FALSE(limit.Allow("a", kStart + milliseconds(300)));
}

TEST(JoinLimiter, ARateOfZeroAllowsEverything) {
  JoinLimiter limit(0, 1, 1);
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limit.Allow("a", kStart));
  EXPECT_EQ(limit.entries(), 0u);
}

TEST(JoinLimiter, ForgetsAddressesWhoseBucketIsFullAgain) {
  JoinLimiter limit(5, 20, 100);
  for (int i = 0; i < 50; ++i) limit.Allow("10.0.0." + std::to_string(i), kStart);
  EXPECT_EQ(limit.entries(), 50u);
  // One token each was taken; 0.2 s later every bucket is full, and all are forgotten.
  limit.Allow("10.0.1.1", kStart + milliseconds(200));
  EXPECT_EQ(limit.entries(), 1u);
}

TEST(JoinLimiter, KeepsAtMostMaxEntriesHoweverManyAddresses) {
  JoinLimiter limit(5, 20, 64);
  for (int i = 0; i < 100'000; ++i) limit.Allow("addr-" + std::to_string(i), kStart);
  EXPECT_EQ(limit.entries(), 64u);
  // A busy address stays limited while the table churns: it was touched last.
  for (int i = 0; i < 20; ++i) limit.Allow("busy", kStart);
  EXPECT_FALSE(limit.Allow("busy", kStart));
}

}  // namespace
}  // namespace duet::relay
