// A session between two Debian releases: this build's peer and a peer built on the other release
// (Debian 12 with OpenSSL 3.0, Debian 13 with OpenSSL 3.5 and ML-KEM), through either release's
// relay. The other release is a root filesystem named by DUET_OTHER_RELEASE_ROOT with its build
// in /src/build inside (what `make test-trixie` makes); its binaries run through chroot, which
// keeps the network namespace, so both sides reach the relay on 127.0.0.1. Without the variable
// the tests are skipped.
#include <gtest/gtest.h>
#include <stdlib.h>

#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "tests/peer/cli/cli_harness.h"

namespace duet::testing {
namespace {

constexpr char kOtherBinDir[] = "/src/build";  // inside the other release's root

// A folder inside the other release's root (under its /tmp), removed at destruction: the
// chrooted peer's home, named to it by `inside()`.
class RootTempDir {
 public:
  explicit RootTempDir(const std::string& root) : root_(root) {
    std::string tmpl = root + "/tmp/duet-mixed-XXXXXX";
    if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp in the root failed");
    path_ = tmpl;
  }
  ~RootTempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string inside() const { return path_.substr(root_.size()); }

 private:
  std::string root_;
  std::string path_;
};

class MixedReleaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    const char* root = std::getenv("DUET_OTHER_RELEASE_ROOT");
    if (root == nullptr || *root == '\0') {
      GTEST_SKIP() << "DUET_OTHER_RELEASE_ROOT is not set: no other Debian release to meet (make "
                      "test-trixie sets it to the Debian 13 root)";
    }
    root_ = std::filesystem::absolute(root).lexically_normal().string();
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
    ASSERT_TRUE(std::filesystem::exists(root_ + kOtherBinDir + "/duet"))
        << root_ << kOtherBinDir << "/duet is missing: build the other release first";
    other_home_ = std::make_unique<RootTempDir>(root_);
  }

  // The other release's relay, once it says where it listens.
  Relay StartOtherRelay() {
    return StartRelayFrom({"/usr/sbin/chroot", root_, std::string(kOtherBinDir) + "/duet-relay",
                           "--listen", "127.0.0.1:0"});
  }

  // The other release's duet --cli --json as `name`, its home inside the root. An empty `room`:
  // it makes a code.
  std::unique_ptr<Process> StartOtherPeer(const std::string& addr, const std::string& name,
                                          const std::string& room,
                                          const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv = {"/usr/sbin/chroot", root_,
                                     std::string(kOtherBinDir) + "/duet", "--cli", "--json",
                                     "--relay", addr, "--name", name, "--home",
                                     other_home_->inside(), "--wait", "10"};
    if (!room.empty()) argv.insert(argv.end(), {"--room", room});
    argv.insert(argv.end(), extra.begin(), extra.end());
    return std::make_unique<Process>(argv);
  }

  // `maker` made a code and `joiner` joins with it: both reach a secure session checked by the
  // code, with the same short code, then a message goes each way with its receipt and both
  // leave cleanly at end of input.
  void ExpectSessionBothWays(Process& maker, Process& joiner, const std::string& maker_name,
                             const std::string& joiner_name) {
    auto ms = Event(maker, "secure");
    auto js = Event(joiner, "secure");
    ASSERT_TRUE(ms && js) << maker.Transcript() << joiner.Transcript();
    EXPECT_EQ((*ms)["peer"], joiner_name);
    EXPECT_EQ((*js)["peer"], maker_name);
    EXPECT_EQ((*ms)["sas"], (*js)["sas"]);
    EXPECT_EQ((*ms)["code_checked"], true);
    EXPECT_EQ((*js)["code_checked"], true);
    // Debian 12's OpenSSL 3.0 has no ML-KEM: the hybrid group cannot be chosen, and both say so.
    for (const nlohmann::json* secure : {&*ms, &*js}) {
      EXPECT_EQ((*secure)["post_quantum"], false) << *secure;
      EXPECT_EQ((*secure)["key_agreement"], "X25519") << *secure;
    }

    maker.WriteLine("papaya across releases");
    auto jm = Event(joiner, "message");
    ASSERT_TRUE(jm) << joiner.Transcript();
    EXPECT_EQ((*jm)["text"], "papaya across releases");
    ASSERT_TRUE(Event(maker, "delivered")) << maker.Transcript();

    joiner.WriteLine("quince back again");
    auto mm = Event(maker, "message");
    ASSERT_TRUE(mm) << maker.Transcript();
    EXPECT_EQ((*mm)["text"], "quince back again");
    ASSERT_TRUE(Event(joiner, "delivered")) << joiner.Transcript();

    maker.CloseStdin();
    joiner.CloseStdin();
    EXPECT_EQ(maker.Wait(), 0) << maker.Transcript();
    EXPECT_EQ(joiner.Wait(), 0) << joiner.Transcript();
  }

  std::string root_;
  std::unique_ptr<RootTempDir> other_home_;
  TempDir tmp_;
};

// The code this side's peer made.
std::string CodeOf(Process& p) {
  auto code = Event(p, "code");
  EXPECT_TRUE(code) << p.Transcript();
  return code ? std::string((*code)["code"]) : std::string();
}

TEST_F(MixedReleaseTest, PeersOfBothReleasesTalkThroughThisReleasesRelay) {
  Relay relay = StartRelay();
  ASSERT_FALSE(relay.addr.empty());
  auto here = StartPeer(relay.addr, "alice", tmp_ / "alice", "");
  const std::string code = CodeOf(*here);
  ASSERT_FALSE(code.empty());
  auto other = StartOtherPeer(relay.addr, "bob", code);
  ExpectSessionBothWays(*here, *other, "alice", "bob");
}

TEST_F(MixedReleaseTest, PeersOfBothReleasesTalkThroughTheOtherReleasesRelay) {
  Relay relay = StartOtherRelay();
  ASSERT_FALSE(relay.addr.empty());
  auto other = StartOtherPeer(relay.addr, "bob", "");
  const std::string code = CodeOf(*other);
  ASSERT_FALSE(code.empty());
  auto here = StartPeer(relay.addr, "alice", tmp_ / "alice", code);
  ExpectSessionBothWays(*other, *here, "bob", "alice");
}

// The Debian 13 peer asks for post-quantum sessions only; the Debian 12 peer cannot make one.
// Each says why, in its own words, and both runs end (trying again cannot help).
TEST_F(MixedReleaseTest, ADebian13PeerThatRequiresPostQuantumRefusesADebian12PeerAndBothSayWhy) {
  Relay relay = StartRelay();
  ASSERT_FALSE(relay.addr.empty());
  auto other = StartOtherPeer(relay.addr, "bob", "pq-mixed", {"--require-pq"});
  ASSERT_TRUE(Event(*other, "waiting")) << other->Transcript();
  auto here = StartPeer(relay.addr, "alice", tmp_ / "alice", "pq-mixed");
  auto refused = Event(*other, "error");
  auto told = Event(*here, "error");
  ASSERT_TRUE(refused && told) << other->Transcript() << here->Transcript();
  EXPECT_EQ((*refused)["code"], "PQ_REQUIRED") << *refused;
  EXPECT_NE(std::string((*refused)["message"]).find("too old"), std::string::npos) << *refused;
  EXPECT_EQ((*told)["code"], "PQ_REQUIRED_BY_PEER") << *told;
  EXPECT_EQ(other->Wait(), 4) << other->Transcript();
  EXPECT_EQ(here->Wait(), 4) << here->Transcript();
  EXPECT_EQ(other->Count("\"event\":\"secure\""), 0u) << other->Transcript();
  EXPECT_EQ(here->Count("\"event\":\"secure\""), 0u) << here->Transcript();
}

}  // namespace
}  // namespace duet::testing
