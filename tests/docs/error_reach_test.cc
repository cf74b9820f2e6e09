// The error codes no other test reaches, reached here, each checked against its sentence in
// docs/ERRORS.md and its row in the table of codes (peer/core/error_codes.h): whether the session
// reported it as fatal is what the table says (ErrorCatalogue.EveryCodeIsReachedByANamedTest
// points at these tests).
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>

#include "crypto/secure_file.h"
#include "crypto/tls_endpoint.h"
#include "peer/core/error_codes.h"
#include "peer/net/posix_files.h"
#include "tests/docs/error_catalogue.h"
#include "tests/peer/core/session_harness.h"
#include "tests/support/process.h"
#include "wire/app_protocol.h"

namespace duet::testing {
namespace {

namespace fs = std::filesystem;
namespace relay = wire::relay;
using peer::testing::MemoryRelay;
using peer::testing::Recorder;
using peer::testing::ScriptedPeer;
using peer::testing::TestIdentity;
using peer::testing::TestPeer;

class ErrorReach : public ::testing::Test {
 protected:
  // `e` has `code`, a row in the table and one of the catalogue's sentences for it.
  void ExpectCatalogued(const Error& e, const std::string& code) {
    EXPECT_EQ(e.code, code) << e.message;
    EXPECT_NE(peer::FindError(e.code), nullptr) << e.code << " is not in the table";
    EXPECT_TRUE(IsCatalogued(rows_, e)) << e.code << ": \"" << e.message << "\"";
  }

  // The session reported each error as fatal exactly when the table says the code ends it.
  void ExpectEndingsAsTheTableSays(const Recorder& rec) {
    size_t ending = 0;
    for (const Error& e : rec.errors) ending += peer::EndsSession(e.code) ? 1 : 0;
    EXPECT_EQ(rec.fatal_errors.size(), ending);
    for (const Error& e : rec.fatal_errors) EXPECT_TRUE(peer::EndsSession(e.code)) << e.code;
  }

  std::unique_ptr<TestPeer> MakePeer(const std::string& name, const crypto::Identity& id) {
    auto p = std::make_unique<TestPeer>(name, "r1", id, fs::path(tmp_.path()) / (name + ".pins"),
                                        &clock_);
    relay_.Add(*p);
    return p;
  }

  const crypto::Identity* a_id_ = &TestIdentity(0);
  const crypto::Identity* b_id_ = &TestIdentity(1);
  const std::vector<CatalogueRow> rows_ = ReadCatalogue();
  TempDir tmp_;
  int64_t clock_ = 1'700'000'000'000;
  MemoryRelay relay_;
};

TEST_F(ErrorReach, SessionErrorsHaveTheirSentences) {
  auto a = MakePeer("alice", *a_id_);
  ExpectCatalogued(a->session->SendText("\xff\xfe").error(), "MESSAGE_NOT_UTF8");
  for (int i = 0; i < 10'000; ++i) ASSERT_TRUE(a->session->SendText("queued").ok());
  ExpectCatalogued(a->session->SendText("one too many").error(), "OUTBOX_FULL");

  auto c = MakePeer("carol", *b_id_);
  c->session->Quit();
  ExpectCatalogued(c->session->SendText("too late").error(), "SESSION_CLOSED");

  // Alone in the room: nothing to trust yet, and the relay connection drops.
  auto e = MakePeer("erin", *b_id_);
  relay_.Connect(*e);
  ExpectCatalogued(e->session->TrustPeer().error(), "NOT_SECURE");
  relay_.Drop(*e);
  ASSERT_FALSE(e->rec.errors.empty());
  ExpectCatalogued(e->rec.errors.back(), "CONNECTION_LOST");
  EXPECT_EQ(e->rec.errors.back().message,
            "The connection to the relay was lost. Duet will reconnect.");

  // A relay code this Duet does not know.
  auto d = MakePeer("dave", *b_id_);
  relay_.Connect(*d);
  relay_.Send(*d, relay::EncodeError("NEW_IN_VERSION_TWO", "Something new happened."));
  ASSERT_FALSE(d->rec.errors.empty());
  ExpectCatalogued(d->rec.errors.back(), "RELAY_ERROR");
  EXPECT_EQ(d->rec.errors.back().message, "The relay says: Something new happened.");
  for (const TestPeer* p : {a.get(), c.get(), e.get(), d.get()})
    ExpectEndingsAsTheTableSays(p->rec);
}

// Each ERROR code the relay sends: the session ends on the four after which trying again cannot
// help, and reconnects after the others (and after a code it does not know, as RELAY_ERROR).
TEST_F(ErrorReach, RelayErrorsEndTheSessionOrReconnectAsTheTableSays) {
  const std::map<std::string, bool> ends = {
      {"ROOM_FULL", true},          {"BAD_VERSION", true},
      {"BAD_FRAME", true},          {"TOO_MANY_CONNECTIONS", false},
      {"TOO_MANY_ROOMS", true},     {"FRAME_TOO_LARGE", false},
      {"TIMEOUT", false},           {"SLOW_CONSUMER", false},
      {"RELAY_SHUTDOWN", false},    {"RATE_LIMITED", false},
      {"NEW_IN_VERSION_TWO", false}};
  for (const auto& [code, fatal] : ends) {
    MemoryRelay relay;
    TestPeer p("alice", "r1", *a_id_, fs::path(tmp_.path()) / (code + ".pins"), &clock_);
    relay.Add(p);
    relay.Connect(p);
    relay.Send(p, relay::EncodeError(code, "Told by the relay."));
    ASSERT_EQ(p.rec.errors.size(), 1u) << code;
    EXPECT_EQ(p.rec.errors[0].code, peer::IsKnownRelayError(code) ? code : "RELAY_ERROR");
    EXPECT_EQ(p.rec.fatal_errors.size(), fatal ? 1u : 0u) << code;
    EXPECT_EQ(p.session->state() == peer::SessionState::kClosed, fatal) << code;
    ExpectEndingsAsTheTableSays(p.rec);
  }
}

TEST_F(ErrorReach, HandshakeThatNeverFinishesTimesOut) {
  auto a = MakePeer("alice", *a_id_);
  auto b = MakePeer("bob", *b_id_);
  relay_.tamper = [](TestPeer&, wire::Bytes&) { return false; };  // the relay holds every DATA
  relay_.Connect(*a);
  relay_.Connect(*b);
  ASSERT_EQ(a->session->state(), peer::SessionState::kHandshaking);
  clock_ += 31'000;
  a->session->OnTick();
  ASSERT_FALSE(a->rec.errors.empty());
  ExpectCatalogued(a->rec.errors.back(), "HANDSHAKE_TIMEOUT");
  ExpectEndingsAsTheTableSays(a->rec);
}

TEST_F(ErrorReach, PeerThatBreaksTheProtocolIsNamed) {
  peer::testing::MemoryPins pins;
  {
    ScriptedPeer p(*a_id_, *b_id_, pins, &clock_);
    ASSERT_TRUE(p.tls_up());
    p.Send(wire::Bytes{0x7E, 0, 0, 0, 0});  // an application frame type that does not exist
    ASSERT_FALSE(p.rec.errors.empty());
    ExpectCatalogued(p.rec.errors.back(), "PEER_PROTOCOL_ERROR");
    ExpectEndingsAsTheTableSays(p.rec);
  }
  ScriptedPeer p(*a_id_, *b_id_, pins, &clock_);
  p.AnswerCommit();
  wire::app::Hello hello;
  hello.version = 2;  // the release before: FILE_OFFER carried the SHA-256
  hello.name = "bob";
  hello.room = "r1";
  p.Send(wire::app::EncodeAppMessage(hello));
  ASSERT_FALSE(p.rec.errors.empty());
  ExpectCatalogued(p.rec.errors.back(), "BAD_VERSION");
  ExpectEndingsAsTheTableSays(p.rec);
}

TEST_F(ErrorReach, FileErrorsHaveTheirSentences) {
  const fs::path dir = tmp_.path();
  ExpectCatalogued(crypto::ReadSmallFile(dir / "absent", 100).error(), "FILE_NOT_FOUND");
  crypto::WriteFileAtomically(dir / "big", std::string(200, 'x')).ok();
  ExpectCatalogued(crypto::ReadSmallFile(dir / "big", 100).error(), "FILE_TOO_LARGE");
  ExpectCatalogued(crypto::ReadSmallFile(dir, 100).error(), "FILE_READ_FAILED");
  ExpectCatalogued(crypto::WriteFileAtomically(dir / "big" / "under-a-file", "x").error(),
                   "FILE_WRITE_FAILED");
}

// What sending a folder can say before anything is offered, and a file that went missing
// between queueing and its first read (opened only then).
TEST_F(ErrorReach, FolderErrorsHaveTheirSentences) {
  ExpectCatalogued(peer::OpenFolderToSend(tmp_ / "absent").error(), "FILE_NOT_FOUND");
  fs::create_directories(tmp_ / "empty");
  auto empty = peer::OpenFolderToSend(tmp_ / "empty");
  ASSERT_TRUE(empty.ok());
  Recorder rec;
  peer::Transfers t(peer::TransferConfig{}, rec);
  wire::Bytes out;
  ExpectCatalogued(t.SendFolder(empty->name, std::move(empty->entries), false, out).error(),
                   "FOLDER_EMPTY");
  std::vector<peer::Transfers::FolderEntry> many(wire::app::kMaxFolderEntries + 1);
  ExpectCatalogued(t.SendFolder("big", std::move(many), false, out).error(), "FOLDER_TOO_LARGE");
  crypto::WriteFileAtomically(tmp_ / "gone.txt", "x").ok();
  auto gone = peer::OpenFileToSend(tmp_ / "gone.txt");
  ASSERT_TRUE(gone.ok());
  fs::remove(tmp_ / "gone.txt");
  std::vector<uint8_t> buf(1);
  ExpectCatalogued(gone->source->ReadAt(0, buf).error(), "FILE_READ_FAILED");
}

TEST_F(ErrorReach, ADirectoryIsNotAFileToSend) {
  ExpectCatalogued(peer::OpenFileToSend(tmp_.path()).error(), "FILE_NOT_REGULAR");
  ExpectCatalogued(peer::OpenFileToSend(tmp_ / "absent").error(), "FILE_NOT_FOUND");
}

// The terminal client's own errors, from a real `duet --cli --json` and a real relay.
TEST_F(ErrorReach, CliErrorsHaveTheirSentences) {
  // The n-th (0-based) error event of `p`.
  auto error_event = [](Process& p, size_t n = 0) {
    const std::string needle = "\"event\":\"error\"";
    if (!p.WaitForCount(needle, n + 1)) return Error{"NONE", p.Transcript()};
    for (const std::string& line : p.lines()) {
      if (line.find(needle) == std::string::npos || n-- > 0) continue;
      auto j = nlohmann::json::parse(line);
      return Error{j["code"], j["message"]};
    }
    return Error{"NONE", p.Transcript()};
  };
  const std::string home = tmp_ / "home";
  Process long_name({BinDir() + "/duet", "--cli", "--json", "--relay", "127.0.0.1:1", "--name",
                     std::string(65, 'n'), "--home", home});
  ExpectCatalogued(error_event(long_name), "BAD_NAME");
  Process no_pass({BinDir() + "/duet", "--cli", "--json", "--relay", "127.0.0.1:1", "--name", "x",
                   "--home", home, "--passphrase-file", tmp_ / "missing"});
  ExpectCatalogued(error_event(no_pass), "PASSPHRASE_FILE_UNREADABLE");

  Process relay({BinDir() + "/duet-relay", "--listen", "127.0.0.1:0"});
  auto listening = relay.WaitForLine("listening on ");
  ASSERT_TRUE(listening);
  Process peer({BinDir() + "/duet", "--cli", "--json", "--relay", listening->substr(13), "--room",
                "alone", "--name", "x", "--home", home});
  ASSERT_TRUE(peer.WaitForLine("\"event\":\"waiting\"", 30s)) << peer.Transcript();
  peer.WriteLine("/frobnicate");
  ExpectCatalogued(error_event(peer), "UNKNOWN_COMMAND");
  peer.WriteLine("/verify");
  ExpectCatalogued(error_event(peer, 1), "NOT_SECURE");
  peer.WriteLine("/accept");
  ExpectCatalogued(error_event(peer, 2), "FILE_UNKNOWN");
  peer.WriteLine("/cancel");
  ExpectCatalogued(error_event(peer, 3), "FILE_UNKNOWN");
}

TEST_F(ErrorReach, RelayThatCannotListenSaysBindFailed) {
  auto message_of = [](Process& p) {
    auto line = p.WaitForLine("duet-relay: ");
    return line ? line->substr(line->find("duet-relay: ") + 12) : p.Transcript();
  };
  Process bad_host({BinDir() + "/duet-relay", "--listen", "not-an-ip:0"});
  EXPECT_EQ(bad_host.Wait(), 1);
  ExpectCatalogued(Error{"BIND_FAILED", message_of(bad_host)}, "BIND_FAILED");
  Process first({BinDir() + "/duet-relay", "--listen", "127.0.0.1:0"});
  auto line = first.WaitForLine("listening on ");
  ASSERT_TRUE(line);
  Process second({BinDir() + "/duet-relay", "--listen", line->substr(13)});
  EXPECT_EQ(second.Wait(), 1);
  ExpectCatalogued(Error{"BIND_FAILED", message_of(second)}, "BIND_FAILED");
}

}  // namespace
}  // namespace duet::testing
