// A relay that stops taking a peer's data (issue 14): the peer's queue toward it is bounded.
// Past the bound the connection is dropped with OUTPUT_OVERFLOW, Duet reconnects, and what was
// not delivered arrives afterwards, once.
#include <gtest/gtest.h>

#include <functional>

#include "tests/adversary/adversary_harness.h"

namespace duet::testing {
namespace {

// A transcript with long lines cut.
std::string Short(const Process& p) {
  std::string s;
  for (const std::string& line : p.lines()) s += line.substr(0, 200) + "\n";
  return s;
}

// Reads the output of every process in `all` (none of them may block on a full pipe: the
// receiver prints each 60 kB message, the relay a line per frame) until `done` or `limit`.
bool ReadAllUntil(const std::vector<Process*>& all, const std::function<bool()>& done,
                  std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    for (Process* p : all) p->Drain(20ms);
  }
  return true;
}

TEST(OutputOverflowTest, ARelayThatStopsReadingEndsTheConnectionAndDuetReconnects) {
  TempDir tmp;
  Adversary adv = StartAdversary({"--mode", "deaf", "--dir", "a2b", "--arm-on-stdin"});
  ASSERT_FALSE(adv.addr.empty()) << adv.proc->Transcript();
  // 40 MB sent again after the reconnect takes a while in a sanitized build: a slow resend is
  // not a stalled link here.
  const std::vector<std::string> patient = {"--stall-after", "100", "--lost-after", "200"};
  auto alice = StartPeer(adv.addr, "alice", tmp / "alice", "lab", patient);
  ASSERT_TRUE(Event(*alice, "waiting")) << alice->Transcript();
  auto bob = StartPeer(adv.addr, "bob", tmp / "bob", "lab", patient);
  ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure"));
  adv.proc->WriteLine("arm");
  ASSERT_TRUE(adv.proc->WaitForLine("fired deaf pair=1 dir=a2b", 5s)) << adv.proc->Transcript();

  // 40 MB of messages: more than the socket buffers hold plus the 8 MiB the queue may keep.
  constexpr int kMessages = 640;
  const std::string filler(60'000, 'x');
  for (int i = 0; i < kMessages; ++i) alice->WriteLine(std::to_string(i) + " " + filler);
  auto overflow = alice->WaitForLine("\"code\":\"OUTPUT_OVERFLOW\"", 30s);
  ASSERT_TRUE(overflow) << "no OUTPUT_OVERFLOW; alice said:\n" << Short(*alice);
  auto error = Event(*alice, "error");
  ASSERT_TRUE(error);
  EXPECT_EQ((*error)["code"], "OUTPUT_OVERFLOW");
  EXPECT_EQ((*error)["fatal"], false);
  EXPECT_EQ((*error)["message"],
            "The relay stopped taking data and too much is waiting to be sent. Duet reconnects; "
            "what was not delivered is sent again.");
  const std::vector<Process*> all = {alice.get(), bob.get(), adv.proc.get()};
  ASSERT_TRUE(ReadAllUntil(
      all, [&] { return alice->Count("\"event\":\"secure\"") >= 2; }, 20s))
      << Short(*alice);
  // Everything arrives, once.
  const auto delivered = [&] { return alice->Count("\"event\":\"delivered\""); };
  ASSERT_TRUE(ReadAllUntil(
      all, [&] { return delivered() >= kMessages; }, 300s))
      << delivered() << " delivered\n"
      << Short(*alice) << "--- bob\n"
      << Short(*bob);
  ASSERT_TRUE(bob->WaitForCount("\"event\":\"message\"", kMessages, 60s));
  EXPECT_EQ(alice->Count("OUTPUT_OVERFLOW"), 1u);  // once: the reconnect's resend is no overflow
  alice->CloseStdin();
  EXPECT_EQ(alice->Wait(30s), 0);
  EXPECT_EQ(bob->Count("\"event\":\"message\""), static_cast<size_t>(kMessages));
}

}  // namespace
}  // namespace duet::testing
