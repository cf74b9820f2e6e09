// Codes that check keys (wire/PROTOCOL.md 3.2) between real duet --cli processes through a real
// duet-relay: the honest case, a wrong secret, a typo caught before anything is sent, and what
// the relay sees.
#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "peer/core/room_code.h"
#include "tests/peer/cli/cli_harness.h"

namespace duet::testing {
namespace {

// The words of a code (everything after the nameplate), one by one.
std::vector<std::string> SecretWords(const std::string& code) {
  std::vector<std::string> words;
  size_t start = code.find('-') + 1;
  for (size_t dash = 0; dash != std::string::npos; start = dash + 1) {
    dash = code.find('-', start);
    words.push_back(code.substr(start, dash - start));
  }
  return words;
}

std::string PinsOf(const std::filesystem::path& home) {
  std::ifstream in(home / "pins");
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

class CliCodeTest : public ::testing::Test {
 protected:
  TempDir tmp_;
};

// alice's duet makes the code; bob types it (in capitals, with spaces); the code checks both keys:
// both are verified without /trust, and the relay saw only the number.
TEST_F(CliCodeTest, TheCodeChecksBothKeysAndTheRelayNeverSeesItsWords) {
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice", "");
  auto made = Event(*alice, "code");
  ASSERT_TRUE(made) << alice->Transcript();
  const std::string code = (*made)["code"];
  const std::string nameplate = code.substr(0, code.find('-'));
  ASSERT_EQ(nameplate.size(), 4u) << code;
  ASSERT_EQ(SecretWords(code).size(), 3u) << code;
  ASSERT_TRUE(Event(*alice, "waiting"));
  std::string typed = nameplate;
  for (const std::string& w : SecretWords(code)) {
    std::string upper = w;
    for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
    typed += "  " + upper;
  }
  auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob", typed);
  auto as = Event(*alice, "secure");
  auto bs = Event(*bob, "secure");
  ASSERT_TRUE(as && bs) << alice->Transcript() << bob->Transcript();
  EXPECT_EQ((*as)["trust"], "verified");
  EXPECT_EQ((*bs)["trust"], "verified");
  EXPECT_EQ((*as)["code_checked"], true);
  EXPECT_EQ((*bs)["code_checked"], true);
  alice->WriteLine("checked by the code");
  auto got = Event(*bob, "message");
  ASSERT_TRUE(got) << bob->Transcript();
  EXPECT_EQ((*got)["text"], "checked by the code");
  alice->CloseStdin();
  bob->CloseStdin();
  EXPECT_EQ(alice->Wait(), 0) << alice->Transcript();
  EXPECT_EQ(bob->Wait(), 0) << bob->Transcript();
  // Pinned as verified on both sides: the next session with them needs no code at all.
  EXPECT_NE(PinsOf(tmp_ / "alice").find("verified"), std::string::npos) << PinsOf(tmp_ / "alice");
  EXPECT_NE(PinsOf(tmp_ / "bob").find("verified"), std::string::npos) << PinsOf(tmp_ / "bob");

  std::vector<std::string> secrets = SecretWords(code);
  secrets.push_back(code);
  secrets.push_back("checked by the code");
  ExpectConsoleHoldsNone(relay, secrets);
}

// The right number with a wrong word: both sides say the code did not match, exit 4, pin nothing;
// a fresh code then works.
TEST_F(CliCodeTest, AWrongSecretFailsOnBothSidesPinsNothingAndAFreshCodeWorks) {
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice", "");
  auto made = Event(*alice, "code");
  ASSERT_TRUE(made) << alice->Transcript();
  const std::string code = (*made)["code"];
  std::vector<std::string> words = SecretWords(code);
  const std::string wrong_word = words[2] == "zoom" ? "acid" : "zoom";
  const std::string wrong =
      code.substr(0, code.find('-')) + "-" + words[0] + "-" + words[1] + "-" + wrong_word;
  ASSERT_TRUE(Event(*alice, "waiting"));
  auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob", wrong);
  for (Process* p : {alice.get(), bob.get()}) {
    auto err = Event(*p, "error");
    ASSERT_TRUE(err) << p->Transcript();
    EXPECT_EQ((*err)["code"], "CODE_MISMATCH") << p->Transcript();
    EXPECT_EQ(p->Wait(), 4) << p->Transcript();
    EXPECT_EQ(p->Count("\"event\":\"secure\""), 0u) << p->Transcript();
  }
  EXPECT_EQ(PinsOf(tmp_ / "alice").find("bob"), std::string::npos);
  EXPECT_EQ(PinsOf(tmp_ / "bob").find("alice"), std::string::npos);

  auto alice2 = StartPeer(relay.addr, "alice", tmp_ / "alice", "");
  auto fresh = Event(*alice2, "code");
  ASSERT_TRUE(fresh) << alice2->Transcript();
  ASSERT_TRUE(Event(*alice2, "waiting"));
  auto bob2 = StartPeer(relay.addr, "bob", tmp_ / "bob", (*fresh)["code"]);
  auto as = Event(*alice2, "secure");
  ASSERT_TRUE(as) << alice2->Transcript() << bob2->Transcript();
  EXPECT_EQ((*as)["code_checked"], true);
  alice2->CloseStdin();
  bob2->CloseStdin();
  EXPECT_EQ(alice2->Wait(), 0) << alice2->Transcript();
  EXPECT_EQ(bob2->Wait(), 0) << bob2->Transcript();
}

// A word that is not on the list is a typo: refused at once (exit 2) with the word it most likely
// was, before the relay is even contacted, so the code is not used up.
TEST_F(CliCodeTest, ATypoInTheCodeIsCaughtBeforeAnythingIsSent) {
  auto bob = StartPeer("127.0.0.1:9", "bob", tmp_ / "bob", "7301-acron-gravy-petal");
  auto err = Event(*bob, "error");
  ASSERT_TRUE(err) << bob->Transcript();
  EXPECT_EQ((*err)["code"], "CODE_UNKNOWN_WORD");
  EXPECT_NE((*err)["message"].get<std::string>().find("did you mean \"acorn\""), std::string::npos)
      << *err;
  EXPECT_EQ(bob->Wait(), 2);
  EXPECT_EQ(bob->Count("RELAY_UNREACHABLE"), 0u) << bob->Transcript();
}

// duet --cli --join on a real terminal (a pty, through script(1)): a word that is not on the list
// is said and asked again, and Tab completes each word from its shortest unique beginning.
TEST_F(CliCodeTest, JoinAsksForTheCodeAndTabCompletesItsWords) {
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice", "");
  auto made = Event(*alice, "code");
  ASSERT_TRUE(made) << alice->Transcript();
  const std::string code = (*made)["code"];
  ASSERT_TRUE(Event(*alice, "waiting"));
  const std::string cmd = BinDir() + "/duet --cli --json --join --relay " + relay.addr +
                          " --name bob --home " + std::string(tmp_ / "bob") + " --wait 5";
  Process bob({"/usr/bin/script", "-qfec", cmd, "/dev/null"},
              {"LSAN_OPTIONS=suppressions=" DUET_SOURCE_DIR "/tests/peer/cli/lsan.supp"});
  ASSERT_TRUE(bob.WaitForLine("Tab completes")) << bob.Transcript();
  const std::string nameplate = code.substr(0, code.find('-'));
  bob.WriteLine(nameplate + " xqzzy gravy petal");
  ASSERT_TRUE(bob.WaitForLine("is not one of Duet's code words")) << bob.Transcript();
  std::string typed = nameplate + " ";
  const std::vector<std::string> words = SecretWords(code);
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    size_t k = 1;
    while (k < w.size() && peer::CompleteCodeWord(w.substr(0, k), 2).size() != 1) ++k;
    if (peer::CompleteCodeWord(w.substr(0, k), 2).size() == 1) {
      typed += w.substr(0, k) + "\t";  // completed, with the hyphen before the next word
    } else {
      typed += w + (i + 1 < words.size() ? "-" : "");  // a word that begins another one
    }
  }
  bob.WriteLine(typed);
  auto as = Event(*alice, "secure");
  ASSERT_TRUE(as) << "typed: " << typed << "\n" << alice->Transcript() << bob.Transcript();
  EXPECT_EQ((*as)["code_checked"], true);
  EXPECT_EQ((*as)["peer"], "bob");
  // bob's own session is up too (alice's HELLO reached him) before he leaves with a goodbye.
  ASSERT_TRUE(bob.WaitForLine("\"code_checked\":true")) << bob.Transcript();
  bob.WriteLine("/quit");
  EXPECT_TRUE(Event(*alice, "peer_left")) << alice->Transcript();
  EXPECT_EQ(bob.Wait(), 0) << bob.Transcript();
  alice->CloseStdin();
  EXPECT_EQ(alice->Wait(), 0) << alice->Transcript();

  // Input that ends before a code: CODE_NOT_ENTERED, exit 2.
  auto none = StartPeer(relay.addr, "carol", tmp_ / "carol", "", {"--join"});
  none->CloseStdin();
  auto err = Event(*none, "error");
  ASSERT_TRUE(err) << none->Transcript();
  EXPECT_EQ((*err)["code"], "CODE_NOT_ENTERED");
  EXPECT_EQ(none->Wait(), 2);
}

}  // namespace
}  // namespace duet::testing
