// Test harness: real Sessions wired through an in-memory relay (no sockets, no threads).
// The relay follows wire/PROTOCOL.md for one room and can tamper with DATA frames.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "crypto/identity.h"
#include "crypto/pin_store.h"
#include "crypto/tls_endpoint.h"
#include "peer/core/contacts.h"
#include "peer/core/session.h"
#include "tests/support/process.h"
#include "wire/app_protocol.h"
#include "wire/frame.h"
#include "wire/relay_protocol.h"

namespace duet::peer::testing {

// The k-th identity of this test binary. An RSA-3072 key takes a good part of a second to make,
// so each is made once and shared by every fixture (pins live in each test's own folder).
inline const crypto::Identity& TestIdentity(size_t k) {
  static std::mutex mu;
  static std::map<size_t, std::unique_ptr<crypto::Identity>> made;
  std::lock_guard<std::mutex> lock(mu);
  auto& id = made[k];
  if (!id) id = std::make_unique<crypto::Identity>(crypto::Identity::Generate().value());
  return *id;
}

// Pins in memory (the core needs no folder). `stores` counts the writes.
class MemoryPins : public PinStorage {
 public:
  const std::vector<crypto::Pin>& pins() const override { return pins_; }
  Status Store(std::vector<crypto::Pin> pins) override {
    pins_ = std::move(pins);
    ++stores;
    return Status();
  }
  std::vector<crypto::Pin> pins_;
  int stores = 0;
};

// The in-memory pin store called `key` (a peer made again with the same key, as after a
// restart, finds the pins it had). Keys hold the test's own folder, so tests never share one.
inline MemoryPins& PinsNamed(const std::string& key) {
  static std::mutex mu;
  static std::map<std::string, std::unique_ptr<MemoryPins>> all;
  std::lock_guard<std::mutex> lock(mu);
  auto& p = all[key];
  if (!p) p = std::make_unique<MemoryPins>();
  return *p;
}

class Recorder : public SessionListener {
 public:
  void OnStateChanged(SessionState s) override {
    state = s;
    states.push_back(s);
  }
  void OnSecure(const PeerInfo& p) override {
    peer = p;
    ++secure_count;
  }
  void OnMessage(const ReceivedMessage& m) override { messages.push_back(m); }
  void OnDelivered(std::string_view id) override { delivered.emplace_back(id); }
  void OnPeerLeft() override { ++peer_left; }
  void OnStalled(int64_t silent_ms) override { stalled.push_back(silent_ms); }
  void OnLive() override { ++live; }
  void OnQuarantined(size_t held) override { quarantined.push_back(held); }
  void OnError(const Error& e, bool fatal) override {
    errors.push_back(e);
    if (fatal) fatal_errors.push_back(e);
  }
  void OnErrorRepeated(const Error& e, int /*times*/) override { repeated.push_back(e); }

  void OnFileOffered(const FileTransfer& f) override { offers.push_back(f); }
  void OnFileResumed(const FileTransfer& f, uint64_t offset) override {
    resumed.push_back({f, offset});
  }
  void OnFileStarted(const FileTransfer& f, uint64_t offset) override {
    started.push_back({f, offset});
  }
  void OnFileProgress(const FileTransfer& f, uint64_t done) override {
    progress.push_back({f, done});
  }
  void OnFileDone(const FileTransfer& f) override { files_done.push_back(f); }
  void OnFileFailed(const FileTransfer& f, const Error& e) override {
    files_failed.push_back({f, e});
  }
  void OnFolderOffered(const FolderTransfer& f) override { folder_offers.push_back(f); }
  void OnFolderStarted(const FolderTransfer& f) override { folders_started.push_back(f); }
  void OnFolderProgress(const FolderTransfer& f) override { folder_progress.push_back(f); }
  void OnFolderDone(const FolderTransfer& f) override { folders_done.push_back(f); }
  void OnFolderFailed(const FolderTransfer& f, const Error& e) override {
    folders_failed.push_back({f, e});
  }

  bool HasError(std::string_view code) const {
    for (const Error& e : errors) {
      if (e.code == code) return true;
    }
    return false;
  }
  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const auto& m : messages) out.push_back(m.text);
    return out;
  }

  SessionState state = SessionState::kConnecting;
  std::vector<SessionState> states;
  std::optional<PeerInfo> peer;
  int secure_count = 0;
  std::vector<ReceivedMessage> messages;
  std::vector<std::string> delivered;
  int peer_left = 0;
  std::vector<int64_t> stalled;
  int live = 0;
  std::vector<size_t> quarantined;
  std::vector<Error> errors;
  std::vector<Error> fatal_errors;
  std::vector<Error> repeated;  // OnErrorRepeated: said once already in this run of failures
  std::vector<FileTransfer> offers;
  std::vector<std::pair<FileTransfer, uint64_t>> resumed;
  std::vector<std::pair<FileTransfer, uint64_t>> started;
  std::vector<std::pair<FileTransfer, uint64_t>> progress;
  std::vector<FileTransfer> files_done;
  std::vector<std::pair<FileTransfer, Error>> files_failed;
  std::vector<FolderTransfer> folder_offers;
  std::vector<FolderTransfer> folders_started;
  std::vector<FolderTransfer> folder_progress;
  std::vector<FolderTransfer> folders_done;
  std::vector<std::pair<FolderTransfer, Error>> folders_failed;
};

// One peer: its pin store file, listener and session.
struct TestPeer {
  TestPeer(std::string name, std::string room, const crypto::Identity& identity,
           std::filesystem::path pins_path, int64_t* clock,
           const std::function<void(SessionConfig&)>& tweak = {})
      : pins(PinsNamed(pins_path.string())) {
    SessionConfig c;
    if (tweak) tweak(c);
    c.name = std::move(name);
    c.room = std::move(room);
    c.identity = &identity;
    c.pins = &pins;
    c.now_ms = [clock] { return *clock; };
    session = std::make_unique<Session>(std::move(c), rec);
  }
  MemoryPins& pins;
  Recorder rec;
  std::unique_ptr<Session> session;
  // Relay-side view of this peer's connection.
  bool connected = false;
  TestPeer* partner = nullptr;
  std::unique_ptr<wire::FrameDecoder> decoder;
};

class MemoryRelay {
 public:
  // Called on each DATA frame a peer sends, before it is forwarded. Return false to drop it.
  std::function<bool(TestPeer& from, wire::Bytes& payload)> tamper;
  // Every DATA payload forwarded, in order (what the relay "saw").
  std::vector<wire::Bytes> seen;

  void Connect(TestPeer& p) {
    p.connected = true;
    p.decoder = std::make_unique<wire::FrameDecoder>(wire::relay::kDefaultMaxFrame);
    p.session->OnTransportConnected();
    Pump();
  }

  // Closes the peer's transport as a relay (or the network) would.
  void Drop(TestPeer& p) {
    if (!p.connected) return;
    p.connected = false;
    std::erase(room_, &p);
    if (TestPeer* other = p.partner) {
      p.partner = nullptr;
      other->partner = nullptr;
      Send(*other, wire::relay::EncodePeerLeft());
    }
    p.session->OnTransportClosed();
  }

  // Sends raw bytes to a peer as if the relay wrote them.
  void Send(TestPeer& p, const wire::Bytes& bytes) { p.session->OnTransportData(bytes); }

  // Moves bytes until nothing moves.
  void Pump() {
    for (int round = 0; round < 10000; ++round) {
      if (!PumpOnce()) return;
    }
    ADD_FAILURE() << "the sessions never went quiet";
  }

  // One round: each peer's output (one burst of file data at most) reaches the relay. Returns
  // whether anything moved.
  bool PumpOnce() {
    bool moved = false;
    for (TestPeer* p : peers_) {
      if (!p->connected) continue;
      wire::Bytes out = p->session->TakeOutgoing();
      if (!out.empty()) {
        moved = true;
        Handle(*p, out);
      }
      if (p->connected && p->session->wants_bulk()) moved = true;  // a resume hashing its way

      if (p->connected && p->session->wants_disconnect()) {
        moved = true;
        Drop(*p);
      }
    }
    return moved;
  }

  void Add(TestPeer& p) { peers_.push_back(&p); }
  // Before a peer is destroyed (a restart): the relay forgets it.
  void Remove(TestPeer& p) {
    Drop(p);
    std::erase(peers_, &p);
  }

 private:
  void Handle(TestPeer& p, const wire::Bytes& bytes) {
    std::vector<wire::Frame> frames;
    ASSERT_TRUE(p.decoder->Feed(bytes, frames).ok());
    for (wire::Frame& f : frames) {
      switch (static_cast<wire::relay::FrameType>(f.type)) {
        case wire::relay::FrameType::kJoin:
          if (room_.size() >= 2) {
            Send(p, wire::relay::EncodeError("ROOM_FULL", "Room is full."));
            break;
          }
          room_.push_back(&p);
          if (room_.size() == 1) {
            Send(p, wire::relay::EncodeWaiting());
          } else {
            TestPeer& first = *room_[0];
            first.partner = &p;
            p.partner = &first;
            Send(first, wire::relay::EncodePaired(wire::relay::Role::kServer));
            Send(p, wire::relay::EncodePaired(wire::relay::Role::kClient));
          }
          break;
        case wire::relay::FrameType::kData: {
          if (p.partner == nullptr) break;
          if (tamper && !tamper(p, f.payload)) break;
          if (!p.connected || p.partner == nullptr) break;  // the tamper hook dropped the link
          seen.push_back(f.payload);
          wire::Bytes fwd;
          wire::relay::AppendData(fwd, f.payload);
          Send(*p.partner, fwd);
          break;
        }
        case wire::relay::FrameType::kPing: Send(p, wire::relay::EncodePong(f.payload)); break;
        default: ADD_FAILURE() << "peer sent relay frame type " << int(f.type);
      }
      if (!p.connected) return;
    }
  }

  std::vector<TestPeer*> peers_;
  std::vector<TestPeer*> room_;  // joined peers, oldest first
};

// The fixture of the session tests: three identities (alice, bob, mallory), pins in memory by
// file name, a clock the test moves, and the in-memory relay.
class SessionFixture : public ::testing::Test {
 protected:
  std::unique_ptr<TestPeer> MakePeer(const std::string& name, const crypto::Identity& id,
                                     const std::string& pins_file, const std::string& room = "r1",
                                     const std::function<void(SessionConfig&)>& tweak = {}) {
    auto p = std::make_unique<TestPeer>(name, room, id, dir_ / pins_file, &clock_, tweak);
    relay_.Add(*p);
    return p;
  }

  const crypto::Identity* alice_id_ = &TestIdentity(0);
  const crypto::Identity* bob_id_ = &TestIdentity(1);
  const crypto::Identity* mallory_id_ = &TestIdentity(2);
  duet::testing::TempDir tmp_;
  const std::filesystem::path dir_ = tmp_.path();
  int64_t clock_ = 1'700'000'000'000;
  MemoryRelay relay_;
};

// A Session whose peer is a bare TLS endpoint the test scripts, to send what Duet never sends
// and to walk the channel's states one frame at a time. The session is the TLS client; the
// script is the server, so the session speaks first after the handshake (SAS_COMMIT).
class ScriptedPeer {
 public:
  ScriptedPeer(const crypto::Identity& ours, const crypto::Identity& theirs, PinStorage& pins,
               int64_t* clock, const std::string& room = "r1",
               const std::function<void(SessionConfig&)>& tweak = {}) {
    SessionConfig c;
    if (tweak) tweak(c);
    c.name = "alice";
    c.room = room;
    c.identity = &ours;
    c.pins = &pins;
    c.now_ms = [clock] { return *clock; };
    session = std::make_unique<Session>(std::move(c), rec);
    tls_ = crypto::TlsEndpoint::Create(crypto::TlsRole::kServer, theirs).value();
    session->OnTransportConnected();
    (void)session->TakeOutgoing();  // the JOIN
    session->OnTransportData(wire::relay::EncodePaired(wire::relay::Role::kClient));
    Pump();
  }
  // Sends `plaintext` (application frames) from the scripted side inside TLS, then moves bytes
  // until quiet.
  void Send(const wire::Bytes& plaintext) {
    if (tls_->state() != crypto::TlsState::kSecure) return;
    ASSERT_TRUE(tls_->Write(plaintext).ok());
    Pump();
  }
  void Send(const wire::app::AppMessage& msg) { Send(wire::app::EncodeAppMessage(msg)); }
  // The code exchange as an honest server would run it: answers the session's commitment with
  // a nonce; the session reveals and sends HELLO.
  void AnswerCommit() { Send(wire::app::SasNonce{crypto::NewSasNonce()}); }
  // An honest HELLO for `name`.
  void SendHello(const std::string& name, const std::string& room = "r1") {
    wire::app::Hello h;
    h.name = name;
    h.room = room;
    h.capabilities = wire::app::kCapFiles | wire::app::kCapReceipts;
    Send(h);
  }
  // The application frames the session sent so far, by type, in order (drains).
  std::vector<uint8_t> TakeReceivedTypes() {
    std::vector<wire::Frame> frames;
    (void)app_decoder_.Feed(std::exchange(received_, {}), frames);
    std::vector<uint8_t> types;
    for (const wire::Frame& f : frames) types.push_back(f.type);
    return types;
  }
  // The application bytes the session sent so far (drains): what a man in the middle forwards.
  wire::Bytes TakeReceived() { return std::exchange(received_, {}); }
  // The scripted side ends the TLS session cleanly (close_notify), as a peer that quits does.
  void Close() {
    tls_->Close();
    Pump();
  }
  bool tls_up() const { return tls_->state() == crypto::TlsState::kSecure; }
  Recorder rec;
  std::unique_ptr<Session> session;

 private:
  void Pump() {
    for (int round = 0; round < 100; ++round) {
      std::vector<wire::Frame> frames;
      (void)decoder_.Feed(session->TakeOutgoing(), frames);
      for (const wire::Frame& f : frames) {
        if (f.type == static_cast<uint8_t>(wire::relay::FrameType::kData))
          (void)tls_->FeedCiphertext(f.payload);
      }
      wire::Bytes pt = tls_->TakePlaintext();
      received_.insert(received_.end(), pt.begin(), pt.end());
      wire::Bytes ct = tls_->TakeCiphertext();
      if (frames.empty() && ct.empty()) return;
      if (ct.empty()) continue;
      wire::Bytes data;
      wire::relay::AppendData(data, ct);
      session->OnTransportData(data);
    }
  }

  std::unique_ptr<crypto::TlsEndpoint> tls_;
  wire::FrameDecoder decoder_{wire::relay::kDefaultMaxFrame};
  wire::FrameDecoder app_decoder_{wire::app::kMaxAppPayload};
  wire::Bytes received_;
};

}  // namespace duet::peer::testing
