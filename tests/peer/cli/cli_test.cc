// duet --cli end to end: a real duet-relay and real duet processes over loopback.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>

#include "tests/crypto/tls_test_util.h"
#include "tests/peer/cli/cli_harness.h"
#include "wire/frame.h"
#include "wire/relay_protocol.h"

namespace duet::testing {
namespace {

using nlohmann::json;

class CliTest : public ::testing::Test {
 protected:
  // alice and bob (homes tmp_/alice, tmp_/bob) meet in room "test" through `relay`, then leave
  // at end of input, each exiting 0: each has the other's key pinned.
  void MeetAndLeave(Relay& relay) {
    auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
    auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob");
    ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure"));
    alice->CloseStdin();
    bob->CloseStdin();
    EXPECT_EQ(alice->Wait(), 0);
    EXPECT_EQ(bob->Wait(), 0);
  }

  TempDir tmp_;
};

TEST_F(CliTest, ChatsBothWaysWithReceiptsAndTheRelaySeesOnlyCiphertext) {
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
  auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob");
  auto as = Event(*alice, "secure");
  auto bs = Event(*bob, "secure");
  ASSERT_TRUE(as && bs) << alice->Transcript() << bob->Transcript();
  EXPECT_EQ((*as)["peer"], "bob");
  EXPECT_EQ((*bs)["peer"], "alice");
  EXPECT_EQ((*as)["sas"], (*bs)["sas"]);
  EXPECT_EQ((*as)["safety_number"], (*bs)["safety_number"]);
  EXPECT_EQ((*as)["trust"], "new");
  auto aid = Event(*alice, "identity");
  ASSERT_TRUE(aid);
  EXPECT_EQ((*bs)["fingerprint"], (*aid)["fingerprint"]);

  alice->WriteLine("pineapple from alice");
  auto bm = Event(*bob, "message");
  ASSERT_TRUE(bm) << bob->Transcript();
  EXPECT_EQ((*bm)["text"], "pineapple from alice");
  EXPECT_EQ((*bm)["from"], "alice");
  auto queued = Event(*alice, "queued");
  auto delivered = Event(*alice, "delivered");
  ASSERT_TRUE(queued && delivered);
  EXPECT_EQ((*queued)["id"], (*delivered)["id"]);
  EXPECT_EQ((*bm)["id"], (*delivered)["id"]);

  bob->WriteLine("mango from bob");
  auto am = Event(*alice, "message");
  ASSERT_TRUE(am);
  EXPECT_EQ((*am)["text"], "mango from bob");
  ASSERT_TRUE(Event(*bob, "delivered"));

  alice->CloseStdin();
  bob->CloseStdin();
  EXPECT_EQ(alice->Wait(), 0) << alice->Transcript();
  EXPECT_EQ(bob->Wait(), 0) << bob->Transcript();

  ExpectConsoleHoldsNone(
      relay, {"pineapple", "mango", "alice", "bob", (*as)["sas"], (*as)["safety_number"]});
}

// Without --room there is no shared default: alice's duet makes a code of four words from the
// EFF short list, prints it, and waits in that room; bob joins with the code she read out.
TEST_F(CliTest, WithoutARoomDuetMakesACodeToReadOutAndWaitsOnIt) {
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice", "");
  auto code = Event(*alice, "code");
  ASSERT_TRUE(code) << alice->Transcript();
  const std::string room = (*code)["code"];
  EXPECT_EQ(std::count(room.begin(), room.end(), '-'), 3) << room;
  EXPECT_NE(room, "default");
  ASSERT_TRUE(Event(*alice, "waiting")) << alice->Transcript();
  auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob", room);
  ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure"))
      << alice->Transcript() << bob->Transcript();
  // A second code-less run makes another code, so it does not meet anyone from the first.
  auto carol = StartPeer(relay.addr, "carol", tmp_ / "carol", "");
  auto other = Event(*carol, "code");
  ASSERT_TRUE(other) << carol->Transcript();
  EXPECT_NE((*other)["code"], room);
  for (Process* p : {alice.get(), bob.get(), carol.get()}) p->CloseStdin();
  EXPECT_EQ(alice->Wait(), 0) << alice->Transcript();
  EXPECT_EQ(bob->Wait(), 0) << bob->Transcript();
}

// --new-passphrase-file seals the key anew (scrypt N = 2^17); the old passphrase no longer
// unlocks it, the new one does, and an empty file takes the protection off.
TEST_F(CliTest, ChangingThePassphraseSealsTheKeyAnew) {
  const std::string home = tmp_ / "alice";
  ASSERT_TRUE(crypto::testing::TestIdentity(0).Save(home, "").ok());
  auto write = [this](const std::string& name, const std::string& text) {
    std::ofstream(tmp_ / name) << text << "\n";
    return std::string(tmp_ / name);
  };
  const std::string first = write("first", "first secret"), second = write("second", "2nd"),
                    none = write("none", "");
  auto change = [&](std::vector<std::string> flags) {
    std::vector<std::string> argv = {BinDir() + "/duet", "--json", "--home", home};
    argv.insert(argv.end(), flags.begin(), flags.end());
    return std::make_unique<Process>(argv);
  };
  auto p = change({"--new-passphrase-file", first});
  auto said = Event(*p, "notice");
  ASSERT_TRUE(said) << p->Transcript();
  EXPECT_NE((*said)["text"].get<std::string>().find("sealed with the new passphrase"),
            std::string::npos);
  EXPECT_EQ(p->Wait(), 0);
  std::ifstream key(home + "/identity.key");
  const std::string pem((std::istreambuf_iterator<char>(key)), std::istreambuf_iterator<char>());
  EXPECT_NE(pem.find("BEGIN DUET ENCRYPTED PRIVATE KEY"), std::string::npos);

  p = change({"--passphrase-file", second, "--new-passphrase-file", second});
  auto wrong = Event(*p, "error");
  ASSERT_TRUE(wrong) << p->Transcript();
  EXPECT_EQ((*wrong)["code"], "KEY_WRONG_PASSPHRASE");
  EXPECT_EQ(p->Wait(), 4);

  p = change({"--passphrase-file", first, "--new-passphrase-file", none});
  EXPECT_EQ(p->Wait(), 0) << p->Transcript();
  EXPECT_EQ(crypto::Identity::Load(home, "").value().fingerprint(),
            crypto::testing::TestIdentity(0).fingerprint());
}

TEST_F(CliTest, SecondSessionIsKnownAndANewKeyIsChangedUntilTrusted) {
  Relay relay = StartRelay();
  ASSERT_NO_FATAL_FAILURE(MeetAndLeave(relay));
  // The room is free again only once the relay has seen both leave.
  ASSERT_TRUE(relay.proc->WaitForCount("leave  room=test", 2)) << relay.proc->Transcript();
  {
    auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
    auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob");
    auto as = Event(*alice, "secure");
    ASSERT_TRUE(as) << alice->Transcript() << bob->Transcript() << relay.proc->Transcript();
    EXPECT_EQ((*as)["trust"], "known");
    alice->CloseStdin();
    bob->CloseStdin();
    EXPECT_EQ(alice->Wait(), 0);
    EXPECT_EQ(bob->Wait(), 0);
  }
  ASSERT_TRUE(relay.proc->WaitForCount("leave  room=test", 4));
  // Someone else calls themselves bob, with a new key.
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
  auto fake = StartPeer(relay.addr, "bob", tmp_ / "mallory");
  auto as = Event(*alice, "secure");
  ASSERT_TRUE(as) << alice->Transcript() << fake->Transcript() << relay.proc->Transcript();
  EXPECT_EQ((*as)["trust"], "changed");
  ASSERT_TRUE(alice->WaitForLine("KEY_CHANGED"));
  alice->WriteLine("secret for bob only");
  ASSERT_TRUE(Event(*alice, "queued"));
  // Nothing reaches the new key until alice accepts it.
  EXPECT_FALSE(fake->WaitForLine("secret for bob only", 1500ms));
  alice->WriteLine("/trust");
  auto fm = Event(*fake, "message");
  ASSERT_TRUE(fm);
  EXPECT_EQ((*fm)["text"], "secret for bob only");
  auto again = Event(*alice, "secure", 1);
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)["trust"], "verified");
}

TEST_F(CliTest, UndeliverableMessageAtEndOfInputIsNamedAndExitsNonZero) {
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice", "lonely", {"--wait", "1"});
  ASSERT_TRUE(Event(*alice, "waiting"));
  alice->WriteLine("is anybody there");
  auto q = Event(*alice, "queued");
  ASSERT_TRUE(q);
  alice->CloseStdin();
  EXPECT_EQ(alice->Wait(), 1);
  auto u = Event(*alice, "undelivered");
  ASSERT_TRUE(u) << alice->Transcript();
  EXPECT_EQ((*u)["ids"][0], (*q)["id"]);
}

TEST_F(CliTest, RelayRestartMidConversationLosesNothing) {
  Relay relay = StartRelay();
  const std::string addr = relay.addr;
  auto alice = StartPeer(addr, "alice", tmp_ / "alice");
  auto bob = StartPeer(addr, "bob", tmp_ / "bob");
  ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure"));
  alice->WriteLine("before the restart");
  ASSERT_TRUE(Event(*bob, "message"));

  relay.proc->Signal(SIGKILL);
  relay.proc->Wait();
  ASSERT_TRUE(Event(*alice, "reconnecting"));
  ASSERT_TRUE(Event(*bob, "reconnecting"));
  alice->WriteLine("typed while the relay was down");
  bob->WriteLine("me too");
  ASSERT_TRUE(Event(*alice, "queued", 1));

  Relay again = StartRelay(addr);
  ASSERT_EQ(again.addr, addr);
  ASSERT_TRUE(Event(*alice, "secure", 1)) << alice->Transcript();
  auto bm = Event(*bob, "message", 1);
  ASSERT_TRUE(bm);
  EXPECT_EQ((*bm)["text"], "typed while the relay was down");
  auto am = Event(*alice, "message");
  ASSERT_TRUE(am);
  EXPECT_EQ((*am)["text"], "me too");
  ASSERT_TRUE(Event(*alice, "delivered", 1));
  alice->CloseStdin();
  bob->CloseStdin();
  EXPECT_EQ(alice->Wait(), 0);
  EXPECT_EQ(bob->Wait(), 0);
  // Exactly once.
  EXPECT_EQ(bob->Count("typed while the relay was down"), 1u);
  EXPECT_EQ(alice->Count("\"event\":\"message\""), 1u);
}

// Contacts meet again without a code, in the room their two keys give; a key the relay plants
// in that room is refused before alice says her name, and `--to` a stranger is a usage error.
TEST_F(CliTest, ContactsMeetAgainByKeyAndAPlantedKeyNeverLearnsTheName) {
  Relay relay = StartRelay();
  ASSERT_NO_FATAL_FAILURE(MeetAndLeave(relay));
  auto to = [&](const std::string& name, const std::string& contact, const std::string& home) {
    return std::make_unique<Process>(std::vector<std::string>{
        BinDir() + "/duet", "--cli", "--json", "--relay", relay.addr, "--to", contact, "--name",
        name, "--home", tmp_ / home, "--wait", "10"});
  };
  {
    Process stranger({BinDir() + "/duet", "--cli", "--json", "--relay", relay.addr, "--to", "carol",
                      "--name", "alice", "--home", tmp_ / "alice"});
    EXPECT_EQ(stranger.Wait(), 2);
    EXPECT_TRUE(stranger.WaitForLine("\"code\":\"NO_SUCH_CONTACT\""));
  }
  // The relay (which saw the room's name) lets mallory in first, calling herself bob.
  auto alice = to("alice", "bob", "alice");
  auto join = relay.proc->WaitForLine("join   room=c-");
  ASSERT_TRUE(join) << relay.proc->Transcript();
  const std::string room = join->substr(join->find("room=") + 5, 42);
  auto mallory = StartPeer(relay.addr, "bob", tmp_ / "mallory", room);
  ASSERT_TRUE(alice->WaitForLine("\"code\":\"UNEXPECTED_KEY\"")) << alice->Transcript();
  EXPECT_EQ(alice->Count("\"event\":\"secure\""), 0u);
  EXPECT_EQ(mallory->Count("alice"), 0u) << mallory->Transcript();  // never told the name
  mallory->Signal(SIGKILL);
  mallory->Wait();

  auto bob = to("bob", "alice", "bob");
  auto as = Event(*alice, "secure");
  auto bs = Event(*bob, "secure");
  ASSERT_TRUE(as && bs) << alice->Transcript() << bob->Transcript() << relay.proc->Transcript();
  EXPECT_EQ((*as)["peer"], "bob");
  EXPECT_EQ((*as)["trust"], "known");
  EXPECT_EQ((*bs)["trust"], "known");
  EXPECT_EQ((*as)["sas"], (*bs)["sas"]);
  alice->WriteLine("no code needed");
  auto bm = Event(*bob, "message");
  ASSERT_TRUE(bm);
  EXPECT_EQ((*bm)["text"], "no code needed");
  EXPECT_EQ(mallory->Count("no code needed"), 0u);
}

TEST_F(CliTest, PeerLeavesAndComesBackAndPendingMessagesFlow) {
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
  {
    auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob");
    ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure"));
    bob->WriteLine("/quit");
    EXPECT_EQ(bob->Wait(), 0);
  }
  ASSERT_TRUE(Event(*alice, "peer_left"));
  alice->WriteLine("while you were away");
  ASSERT_TRUE(Event(*alice, "queued"));
  auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob");
  auto bm = Event(*bob, "message");
  ASSERT_TRUE(bm) << bob->Transcript();
  EXPECT_EQ((*bm)["text"], "while you were away");
  ASSERT_TRUE(Event(*alice, "delivered"));
}

TEST_F(CliTest, ThirdPeerIsRefusedWithExitCode3) {
  Relay relay = StartRelay();
  auto alice = StartPeer(relay.addr, "alice", tmp_ / "alice");
  auto bob = StartPeer(relay.addr, "bob", tmp_ / "bob");
  ASSERT_TRUE(Event(*alice, "secure") && Event(*bob, "secure"));
  auto carol = StartPeer(relay.addr, "carol", tmp_ / "carol");
  EXPECT_EQ(carol->Wait(), 3);
  auto err = Event(*carol, "error");
  ASSERT_TRUE(err);
  EXPECT_EQ((*err)["code"], "ROOM_FULL");
  EXPECT_EQ((*err)["fatal"], true);
  // The pair is undisturbed.
  alice->WriteLine("still here");
  ASSERT_TRUE(Event(*bob, "message"));
}

TEST_F(CliTest, UnreachableRelayExitsWith3) {
  // A port with nothing listening: bind one, then close it.
  int s = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(bind(s, reinterpret_cast<sockaddr*>(&a), sizeof(a)), 0);
  socklen_t len = sizeof(a);
  getsockname(s, reinterpret_cast<sockaddr*>(&a), &len);
  close(s);
  auto alice = StartPeer("127.0.0.1:" + std::to_string(ntohs(a.sin_port)), "alice", tmp_ / "alice");
  EXPECT_EQ(alice->Wait(), 3);
  auto err = Event(*alice, "error");
  ASSERT_TRUE(err);
  EXPECT_EQ((*err)["code"], "RELAY_UNREACHABLE");
}

TEST_F(CliTest, BadArgumentsExitWith2) {
  auto p = StartPeer("no-port-here", "alice", tmp_ / "alice");
  EXPECT_EQ(p->Wait(), 2);
  EXPECT_TRUE(p->WaitForLine("BAD_RELAY_ADDRESS"));
  auto q = StartPeer("127.0.0.1:1", "alice", tmp_ / "alice", "bad room!");
  EXPECT_EQ(q->Wait(), 2);
  EXPECT_TRUE(q->WaitForLine("BAD_ROOM_CODE"));
  auto r = StartPeer("127.0.0.1:1", "alice", tmp_ / "alice", "test",
                     {"--stall-after", "10", "--lost-after", "5"});
  EXPECT_EQ(r->Wait(), 2);
}

// A fake relay in the test: accepts one peer, pairs it, then misbehaves.
class FakeRelay {
 public:
  FakeRelay() {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a));
    listen(fd_, 4);
    socklen_t len = sizeof(a);
    getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
    addr_ = "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
  }
  ~FakeRelay() {
    if (conn_ >= 0) close(conn_);
    close(fd_);
  }
  const std::string& addr() const { return addr_; }
  // Accepts the peer and reads its JOIN (with a deadline).
  bool AcceptAndJoin() {
    pollfd p{fd_, POLLIN, 0};
    if (poll(&p, 1, 10000) != 1) return false;
    conn_ = accept(fd_, nullptr, nullptr);
    wire::FrameDecoder d(1 << 20);
    std::vector<wire::Frame> frames;
    while (frames.empty()) {
      pollfd c{conn_, POLLIN, 0};
      if (poll(&c, 1, 10000) != 1) return false;
      uint8_t buf[4096];
      ssize_t n = read(conn_, buf, sizeof(buf));
      if (n <= 0 || !d.Feed(wire::ByteView(buf, static_cast<size_t>(n)), frames).ok()) return false;
    }
    return frames[0].type == static_cast<uint8_t>(wire::relay::FrameType::kJoin);
  }
  void Send(const wire::Bytes& b) { (void)!write(conn_, b.data(), b.size()); }

 private:
  int fd_ = -1;
  int conn_ = -1;
  std::string addr_;
};

TEST_F(CliTest, HostileRelayBytesGiveAClearErrorNotACrash) {
  struct Case {
    const char* name;
    wire::Bytes bytes;
    const char* code;
  };
  wire::Bytes garbage = wire::relay::EncodePaired(wire::relay::Role::kServer);
  const char junk[] = "\x05\x00\x00\x00\x08GARBAGE!";
  garbage.insert(garbage.end(), junk, junk + sizeof(junk) - 1);
  wire::Bytes error_mid = wire::relay::EncodePaired(wire::relay::Role::kServer);
  wire::Bytes err = wire::relay::EncodeError("RELAY_SHUTDOWN", "bye \x1b[2J");
  error_mid.insert(error_mid.end(), err.begin(), err.end());
  wire::Bytes over_cap = wire::relay::EncodePaired(wire::relay::Role::kServer);
  const uint8_t huge[] = {0x05, 0xff, 0xff, 0xff, 0xff};
  over_cap.insert(over_cap.end(), huge, huge + 5);
  const Case cases[] = {
      {"garbage after PAIRED", garbage, "TLS_"},
      {"ERROR mid-session", error_mid, "RELAY_SHUTDOWN"},
      {"frame over the cap", over_cap, "RELAY_PROTOCOL_ERROR"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    FakeRelay fake;
    auto alice = StartPeer(fake.addr(), "alice", tmp_ / "alice");
    ASSERT_TRUE(fake.AcceptAndJoin());
    fake.Send(c.bytes);
    auto e = Event(*alice, "error");
    ASSERT_TRUE(e) << alice->Transcript();
    EXPECT_NE(std::string((*e)["code"]).find(c.code), std::string::npos) << *e;
    EXPECT_EQ(std::string((*e)["message"]).find('\x1b'), std::string::npos);
    alice->WriteLine("/quit");
    auto code = alice->Wait();
    ASSERT_TRUE(code.has_value());
    EXPECT_LT(*code, 128) << "killed by a signal: " << alice->Transcript();
  }
}

}  // namespace
}  // namespace duet::testing
