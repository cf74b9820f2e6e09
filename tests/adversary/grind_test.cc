// The grinding man in the middle (issue 13): the relay makes itself the TLS server toward both
// peers and tries server flights offline until the two sessions' codes collide. With the SAS
// committed before it is revealed (DESIGN.md section 2), grinding gains nothing: the codes differ
// (but for a 1 in 10^6 chance).
#include <gtest/gtest.h>

#include "tests/adversary/adversary_harness.h"

namespace duet::testing {
namespace {

TEST(GrindTest, GrindingManInTheMiddleCannotMatchTheCodes) {
  TempDir tmp;
  Adversary adv = StartAdversary({"--mode", "grind"});
  ASSERT_FALSE(adv.addr.empty()) << adv.proc->Transcript();
  auto alice = StartPeer(adv.addr, "alice", tmp / "alice");
  ASSERT_TRUE(Event(*alice, "waiting"));
  auto bob = StartPeer(adv.addr, "bob", tmp / "bob");

  // The grind stays under the peers' 30 s handshake timeout (15 s budget, 4,000 tries a side).
  auto fired = adv.proc->WaitForLine("fired grind pair=1 ", 25s);
  ASSERT_TRUE(fired) << adv.proc->Transcript();
  std::printf("outcome: %s\n", fired->c_str());

  auto as = Event(*alice, "secure", 0, 20s);
  auto bs = Event(*bob, "secure", 0, 20s);
  ASSERT_TRUE(as && bs) << alice->Transcript() << bob->Transcript() << adv.proc->Transcript();
  std::printf("outcome: grind -> alice sas %s, bob sas %s\n", std::string((*as)["sas"]).c_str(),
              std::string((*bs)["sas"]).c_str());
  EXPECT_NE((*as)["sas"], (*bs)["sas"]) << *fired;
  // Each met the adversary's key, not the other's.
  EXPECT_NE((*as)["safety_number"], (*bs)["safety_number"]);
  EXPECT_EQ((*as)["peer"], "bob");
  EXPECT_EQ((*bs)["peer"], "alice");
}

}  // namespace
}  // namespace duet::testing
