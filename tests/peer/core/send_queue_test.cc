// The send queue across restarts (peer/core/send_queue.h): its file format, and two real
// Sessions through the in-memory relay where one side's program ends and starts again.
#include "peer/core/send_queue.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "peer/core/transfer_state.h"
#include "tests/peer/core/transfer_fixture.h"
#include "wire/hex.h"

namespace duet::peer::testing {
namespace {

class SendQueueTest : public TransferTest {
 protected:
  // Alice sends `data` as `name` from /home/alice/`name`, remembered in `queue_`.
  std::string SendRemembered(TestPeer& a, std::shared_ptr<std::vector<uint8_t>> data,
                             const std::string& name) {
    const std::string path = "/home/alice/" + name;
    queue_.disk[path] = data;
    return Send(a, data, name, -1, FileOrigin{path, 1'700'000'000'123'456'789});
  }
  std::unique_ptr<TestPeer> MakeAlice() {
    return MakePeer("alice", *alice_id_, &alice_dl_, false, &queue_);
  }

  const crypto::Identity* carol_id_ = &TestIdentity(2);
  MemorySendQueue queue_;
};

QueuedFile Sample(std::string name, std::string path, std::string peer) {
  QueuedFile f;
  f.name = std::move(name);
  f.size = 123'456'789'012;
  f.id = NewTransferId();
  f.origin = FileOrigin{std::move(path), -5};
  f.peer = std::move(peer);
  return f;
}

TEST(SendQueueFormat, RoundTripsNamesAndPathsWithSpacesPercentAndNewlines) {
  const std::vector<QueuedFile> files = {
      Sample("a b%c\nd.txt", "/tmp/dir with space/a b%c\nd.txt", std::string(64, 'e')),
      Sample("写真.jpg", "/x/写真.jpg", "")};
  const std::string text = FormatSendQueue(files);
  EXPECT_EQ(text.rfind("# duet send queue v2\n", 0), 0u);
  EXPECT_EQ(std::count(text.begin(), text.end(), '\n'), 3);
  Result<std::vector<QueuedFile>> back = ParseSendQueue(text);
  ASSERT_TRUE(back.ok()) << back.error().message;
  ASSERT_EQ(back->size(), 2u);
  for (size_t i = 0; i < files.size(); ++i) {
    EXPECT_EQ((*back)[i].id, files[i].id);
    EXPECT_EQ((*back)[i].name, files[i].name);
    EXPECT_EQ((*back)[i].size, files[i].size);
    EXPECT_EQ((*back)[i].origin.path, files[i].origin.path);
    EXPECT_EQ((*back)[i].origin.mtime_ns, files[i].origin.mtime_ns);
    EXPECT_EQ((*back)[i].peer, files[i].peer);
  }
}

// A queue written before the upgrade (version 1: the SHA-256 after the id) is still sent.
TEST(SendQueueFormat, AVersion1QueueIsReadWithoutItsDigest) {
  const std::string id(32, '7'), digest(64, 'c'), peer(64, 'e');
  Result<std::vector<QueuedFile>> r =
      ParseSendQueue("# duet send queue v1\n" + id + " " + digest + " 5000 42 " + peer +
                     " a%20b.txt /home/alice/a%20b.txt\n");
  ASSERT_TRUE(r.ok()) << r.error().message;
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ(wire::ToHex((*r)[0].id), id);
  EXPECT_EQ((*r)[0].size, 5000u);
  EXPECT_EQ((*r)[0].origin.mtime_ns, 42);
  EXPECT_EQ((*r)[0].peer, peer);
  EXPECT_EQ((*r)[0].name, "a b.txt");
  EXPECT_EQ((*r)[0].origin.path, "/home/alice/a b.txt");
}

TEST(SendQueueFormat, ADamagedLineIsAnErrorNamingIt) {
  const std::string good = FormatSendQueue({Sample("a", "/a", "")});
  const std::string line = good.substr(good.find('\n') + 1);
  for (const std::string& bad :
       {line.substr(0, 40) + "\n",                        // cut short
        "zz" + line.substr(2),                            // not hex
        line.substr(0, line.size() - 3) + " /b\n",        // a field too many
        line.substr(0, line.rfind(' ')) + " relative\n",  // a path that is not absolute
        line.substr(0, line.rfind(' ')) + " %4\n"}) {     // a cut escape
    Result<std::vector<QueuedFile>> r = ParseSendQueue(good + bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.error().code, "SEND_QUEUE_DAMAGED");
    EXPECT_EQ(r.error().message,
              "Line 3 of the queue of files to send is damaged; the queue was not resumed. Send "
              "those files again.");
  }
}

TEST_F(SendQueueTest, SenderRestartOffersTheQueueAgainAndTheFileResumes) {
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);
  auto data = PatternBytes(12 * kMiB);
  std::string id;
  {
    auto a = MakeAlice();
    Connect(*a, *b);
    id = SendRemembered(*a, data, "big.bin");
    ASSERT_EQ(queue_.files().size(), 1u);
    EXPECT_EQ(queue_.files()[0].peer, bob_id_->fingerprint().Hex());  // meant for bob now
    for (int i = 0; i < 100 && Held("big.bin") < 3 * kMiB; ++i) relay_.PumpOnce();
    relay_.Remove(*a);  // alice's program ends (no BYE: it was killed)
  }
  relay_.Pump();
  const uint64_t held = Held("big.bin");
  ASSERT_GT(held, 0u);
  auto a2 = MakeAlice();  // a new run of alice: nobody types /file again
  relay_.Connect(*a2);    // bob is still in the room
  relay_.Pump();
  ASSERT_EQ(a2->rec.resumed.size(), 1u);
  EXPECT_EQ(a2->rec.resumed[0].first.id, id);
  EXPECT_EQ(a2->rec.resumed[0].second, held);
  ASSERT_EQ(b->rec.started.size(), 2u);
  EXPECT_EQ(b->rec.started[1].second, held);
  ASSERT_EQ(b->rec.files_done.size(), 1u);
  EXPECT_EQ(bob_dl_.files.at("big.bin"), *data);
  ASSERT_EQ(a2->rec.files_done.size(), 1u);
  EXPECT_TRUE(queue_.files().empty());  // saved by the peer: forgotten
}

TEST_F(SendQueueTest, ARememberedFileIsOfferedOnlyToThePeerItWasMeantFor) {
  auto data = PatternBytes(2 * kMiB);
  {
    auto a = MakeAlice();
    auto b = MakePeer("bob", *bob_id_, &bob_dl_, false);
    Connect(*a, *b);
    SendRemembered(*a, data, "for-bob.bin");
    relay_.Pump();
    ASSERT_EQ(b->rec.offers.size(), 1u);
    relay_.Remove(*a);
    relay_.Remove(*b);
  }
  auto a2 = MakeAlice();
  MemoryFolder carol_dl;
  auto carol = MakePeer("carol", *carol_id_, &carol_dl, true);
  Connect(*a2, *carol);
  relay_.Pump();
  EXPECT_TRUE(carol->rec.offers.empty());  // another key: not offered
  // Nothing this session waits for (a script talking to carol is not held up by bob's file).
  EXPECT_EQ(a2->session->pending_files(), 0u);
  EXPECT_EQ(a2->session->files_kept_for_other_peers(), 1u);
  relay_.Remove(*carol);
  auto b2 = MakePeer("bob", *bob_id_, &bob_dl_, true);
  relay_.Connect(*b2);
  relay_.Pump();
  ASSERT_EQ(b2->rec.files_done.size(), 1u);
  EXPECT_EQ(bob_dl_.files.at("for-bob.bin"), *data);
  EXPECT_TRUE(queue_.files().empty());
}

// A folder of thousands of files changes the queue thousands of times; each write is the whole
// queue, synced: the store is written at most once a second, and what is left on the next tick.
TEST_F(SendQueueTest, AThousandFilesQueuedAtOnceAreWrittenOnceAndTheRestOnTheTick) {
  queue_save_ms_ = 1000;
  auto a = MakeAlice();
  relay_.Connect(*a);
  auto data = PatternBytes(10);
  for (int i = 0; i < 1000; ++i) {
    const std::string name = "f" + std::to_string(i);
    Send(*a, data, name, -1, FileOrigin{"/home/alice/" + name, 1});
  }
  EXPECT_EQ(queue_.saves, 1);
  clock_ += 1000;
  a->session->OnTick();
  EXPECT_EQ(queue_.saves, 2);
  EXPECT_EQ(queue_.files().size(), 1000u);
}

TEST_F(SendQueueTest, AFileThatChangedOrVanishedWhileDownIsNotSent) {
  auto same = PatternBytes(1000, 1), edited = PatternBytes(1000, 2), gone = PatternBytes(1000, 3);
  std::vector<QueuedFile> remembered;
  for (auto& [name, data] :
       std::vector<std::pair<std::string, std::shared_ptr<std::vector<uint8_t>>>>{
           {"same.txt", same}, {"edited.txt", edited}, {"gone.txt", gone}}) {
    QueuedFile f;
    f.name = name;
    f.size = data->size();
    f.id = NewTransferId();
    f.origin = FileOrigin{"/home/alice/" + name, 42};
    remembered.push_back(f);
  }
  queue_.text = FormatSendQueue(remembered);
  queue_.disk["/home/alice/same.txt"] = same;
  queue_.disk["/home/alice/edited.txt"] = edited;
  queue_.changed.insert("/home/alice/edited.txt");
  auto a = MakeAlice();
  relay_.Connect(*a);
  ASSERT_EQ(a->rec.files_failed.size(), 2u);
  EXPECT_EQ(a->rec.files_failed[0].first.name, "edited.txt");
  EXPECT_EQ(a->rec.files_failed[0].second.code, "QUEUED_FILE_CHANGED");
  EXPECT_EQ(a->rec.files_failed[1].first.name, "gone.txt");
  EXPECT_EQ(a->rec.files_failed[1].second.code, "QUEUED_FILE_MISSING");
  ASSERT_EQ(queue_.files().size(), 1u);  // dropped from the store too
  EXPECT_EQ(queue_.files()[0].name, "same.txt");
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);
  relay_.Connect(*b);
  relay_.Pump();
  ASSERT_EQ(b->rec.offers.size(), 1u);
  EXPECT_EQ(b->rec.offers[0].name, "same.txt");
  EXPECT_EQ(bob_dl_.files.at("same.txt"), *same);
  EXPECT_TRUE(queue_.files().empty());
}

TEST_F(SendQueueTest, DeclineAndCancelByEitherSideForgetTheFile) {
  auto a = MakeAlice();
  auto b = MakePeer("bob", *bob_id_, &bob_dl_, false);
  Connect(*a, *b);
  SendRemembered(*a, PatternBytes(1000, 1), "declined.txt");
  relay_.Pump();
  ASSERT_TRUE(b->session->DeclineFile(b->rec.offers.at(0).id).ok());
  relay_.Pump();
  EXPECT_TRUE(queue_.files().empty());

  const std::string mine = SendRemembered(*a, PatternBytes(1000, 2), "mine.txt");
  ASSERT_EQ(queue_.files().size(), 1u);
  ASSERT_TRUE(a->session->CancelFile(mine).ok());
  EXPECT_TRUE(queue_.files().empty());

  SendRemembered(*a, PatternBytes(4 * kMiB, 3), "theirs.bin");
  relay_.Pump();
  ASSERT_TRUE(b->session->AcceptFile(b->rec.offers.at(2).id).ok());
  relay_.PumpOnce();
  ASSERT_TRUE(b->session->CancelFile(b->rec.offers.at(2).id).ok());
  relay_.Pump();
  ASSERT_EQ(a->rec.files_failed.size(), 3u);
  EXPECT_EQ(a->rec.files_failed[2].second.code, "FILE_CANCELLED");
  EXPECT_TRUE(queue_.files().empty());
}

TEST_F(SendQueueTest, ReceiverRestartTakesAPartItAcceptedBeforeWithoutAsking) {
  auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
  auto data = PatternBytes(12 * kMiB);
  {
    auto b = MakePeer("bob", *bob_id_, &bob_dl_, false);  // no automatic acceptance
    Connect(*a, *b);
    Send(*a, data, "big.bin");
    relay_.Pump();
    ASSERT_TRUE(b->session->AcceptFile(b->rec.offers.at(0).id).ok());
    for (int i = 0; i < 100 && Held("big.bin") < 3 * kMiB; ++i) relay_.PumpOnce();
    relay_.Remove(*b);  // bob's program ends
  }
  relay_.Pump();
  const uint64_t held = Held("big.bin");
  ASSERT_GT(held, 0u);
  auto b2 = MakePeer("bob", *bob_id_, &bob_dl_, false);  // still no automatic acceptance
  relay_.Connect(*b2);
  relay_.Pump();
  ASSERT_EQ(b2->rec.resumed.size(), 1u);
  EXPECT_EQ(b2->rec.resumed[0].second, held);
  EXPECT_TRUE(b2->rec.offers.empty());  // not asked again
  ASSERT_EQ(b2->rec.files_done.size(), 1u);
  EXPECT_EQ(bob_dl_.files.at("big.bin"), *data);
  EXPECT_TRUE(a->rec.resumed.empty());  // alice did not restart
}

TEST_F(SendQueueTest, APartIsNotTakenWithoutAskingFromAChangedKey) {
  auto data = PatternBytes(12 * kMiB);
  {
    auto a = MakePeer("alice", *alice_id_, &alice_dl_, false);
    auto b = MakePeer("bob", *bob_id_, &bob_dl_, false);
    Connect(*a, *b);
    Send(*a, data, "big.bin");
    relay_.Pump();
    ASSERT_TRUE(b->session->AcceptFile(b->rec.offers.at(0).id).ok());
    for (int i = 0; i < 100 && Held("big.bin") < 3 * kMiB; ++i) relay_.PumpOnce();
    relay_.Remove(*a);
    relay_.Remove(*b);
  }
  // Someone else under alice's name offers the same file (same name, size and SHA-256).
  MemoryFolder unused;
  auto impostor = MakePeer("alice", *carol_id_, &unused, false);
  auto b2 = MakePeer("bob", *bob_id_, &bob_dl_, false);
  Connect(*impostor, *b2);
  ASSERT_EQ(b2->rec.peer->trust, TrustLevel::kChanged);
  Send(*impostor, data, "big.bin");
  relay_.Pump();
  // Held in quarantine: neither shown nor taken, until bob decides about the key.
  EXPECT_TRUE(b2->rec.offers.empty());
  EXPECT_EQ(b2->rec.quarantined, std::vector<size_t>{1});
  EXPECT_TRUE(b2->rec.resumed.empty());
  EXPECT_TRUE(b2->rec.started.empty());
}

}  // namespace
}  // namespace duet::peer::testing
