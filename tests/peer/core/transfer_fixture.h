// The fixture of the file transfer tests: two real Sessions through the in-memory relay, with
// files in memory.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "tests/peer/core/memory_files.h"
#include "tests/peer/core/session_harness.h"
#include "tests/support/process.h"

namespace duet::peer::testing {

namespace fs = std::filesystem;

constexpr size_t kMiB = 1 << 20;

class TransferTest : public ::testing::Test {
 protected:
  std::unique_ptr<TestPeer> MakePeer(const std::string& name, const crypto::Identity& id,
                                     MemoryFolder* folder, bool auto_accept,
                                     SendQueueStore* queue = nullptr) {
    auto p = std::make_unique<TestPeer>(name, "r1", id, dir_ / (name + ".pins"), &clock_,
                                        [&](SessionConfig& c) {
                                          c.downloads = folder;
                                          c.auto_accept_files = auto_accept;
                                          c.send_queue = queue;
                                          c.send_queue_save_ms = queue_save_ms_;
                                        });
    relay_.Add(*p);
    return p;
  }
  void Connect(TestPeer& a, TestPeer& b) {
    relay_.Connect(a);
    relay_.Connect(b);
    ASSERT_EQ(a.session->state(), SessionState::kSecure);
    ASSERT_EQ(b.session->state(), SessionState::kSecure);
  }
  std::string Send(TestPeer& p, std::shared_ptr<std::vector<uint8_t>> data, std::string name,
                   int64_t tamper_at = -1, FileOrigin origin = {}) {
    Result<std::string> id =
        p.session->SendFile(std::make_unique<MemorySource>(data, tamper_at), std::move(name),
                            data->size(), std::move(origin));
    EXPECT_TRUE(id.ok()) << (id.ok() ? "" : id.error().message);
    return id.ok() ? *id : "";
  }
  // Sends `data` as `name` from `a` to a bob (auto-accepting) whose program ends once his part
  // holds 3 MiB; returns what it holds then. The next MakePeer("bob") is a new run of his.
  uint64_t SendUntilBobStops(TestPeer& a, std::shared_ptr<std::vector<uint8_t>> data,
                             const std::string& name) {
    auto b = MakePeer("bob", *bob_id_, &bob_dl_, true);
    Connect(a, *b);
    Send(a, std::move(data), name);
    for (int i = 0; i < 100 && Held(name) < 3 * kMiB; ++i) relay_.PumpOnce();
    relay_.Remove(*b);
    relay_.Drop(a);
    return Held(name);
  }
  static uint64_t Received(const TestPeer& p) {
    return p.rec.progress.empty() ? 0 : p.rec.progress.back().second;
  }
  // Bytes in bob's part of `name` so far.
  uint64_t Held(const std::string& name) const {
    auto it = bob_dl_.parts.find(name);
    return it == bob_dl_.parts.end() ? 0 : it->second.bytes.size();
  }

  const crypto::Identity* alice_id_ = &TestIdentity(0);
  const crypto::Identity* bob_id_ = &TestIdentity(1);
  duet::testing::TempDir tmp_;
  const fs::path dir_ = tmp_.path();
  int64_t clock_ = 1'700'000'000'000;
  MemoryRelay relay_;
  MemoryFolder alice_dl_, bob_dl_;
  int64_t queue_save_ms_ = 0;  // the store written at every change, unless a test says otherwise
};

}  // namespace duet::peer::testing
