#include "tests/peer/cli/cli_harness.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <random>

#include "crypto/sha256.h"
#include "wire/hex.h"

namespace duet::testing {

using nlohmann::json;

namespace {

// Whether `text` holds `secret`. A secret made of letters only (a name, a word of a code) counts
// only on its own, not as a piece of a longer run of letters and digits: a code word such as
// "list" is in the console's "listening on", and "bead" can be in a hex dump of ciphertext.
bool Holds(const std::string& text, const std::string& secret) {
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  const bool word = !secret.empty() && std::all_of(secret.begin(), secret.end(), [](char c) {
    return std::isalpha(static_cast<unsigned char>(c)) != 0;
  });
  for (size_t at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 1)) {
    const size_t end = at + secret.size();
    const bool joined =
        (at > 0 && alnum(text[at - 1])) || (end < text.size() && alnum(text[end]));
    if (!word || !joined) return true;
  }
  return false;
}

}  // namespace

void ExpectConsoleHoldsNone(Relay& relay, const std::vector<std::string>& secrets) {
  relay.proc->Signal(SIGTERM);
  ASSERT_TRUE(relay.proc->Wait().has_value());
  const std::string console = relay.proc->Transcript();
  EXPECT_NE(console.find("a→b"), std::string::npos) << console;
  for (const std::string& secret : secrets) {
    EXPECT_FALSE(Holds(console, secret)) << secret << " is in the relay's console";
  }
}

Relay StartRelay(const std::string& listen) {
  return StartRelayFrom({BinDir() + "/duet-relay", "--listen", listen});
}

Relay StartRelayFrom(std::vector<std::string> argv) {
  Relay r;
  r.proc = std::make_unique<Process>(std::move(argv));
  auto line = r.proc->WaitForLine("listening on ", 10s);
  EXPECT_TRUE(line.has_value()) << r.proc->Transcript();
  if (line) r.addr = line->substr(line->find("listening on ") + 13);
  return r;
}

namespace {

std::vector<std::string> PeerArgv(const std::string& addr, const std::string& name,
                                  const std::string& home, const std::string& room,
                                  std::vector<std::string> extra) {
  std::vector<std::string> argv = {BinDir() + "/duet", "--cli", "--json", "--relay", addr,
                                   "--name",           name,    "--home", home};
  if (!room.empty()) argv.insert(argv.end(), {"--room", room});
  if (std::find(extra.begin(), extra.end(), "--wait") == extra.end()) {
    extra.insert(extra.end(), {"--wait", "10"});
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  return argv;
}

}  // namespace

std::unique_ptr<Process> StartPeer(const std::string& addr, const std::string& name,
                                   const std::string& home, const std::string& room,
                                   std::vector<std::string> extra) {
  return std::make_unique<Process>(PeerArgv(addr, name, home, room, std::move(extra)));
}

std::unique_ptr<Process> StartPeerIn(const std::string& dir, const std::string& addr,
                                     const std::string& name, const std::string& home,
                                     std::vector<std::string> extra) {
  // env -C changes the folder and then execs duet: the process (and its pid) is duet's.
  std::vector<std::string> argv = {"/usr/bin/env", "-C", dir};
  for (std::string& a : PeerArgv(addr, name, home, "test", std::move(extra))) {
    argv.push_back(std::move(a));
  }
  return std::make_unique<Process>(argv);
}

std::unique_ptr<Process> StartPeerWithFileLimit(uint64_t max_file_bytes, const std::string& addr,
                                                const std::string& name, const std::string& home,
                                                std::vector<std::string> extra) {
  // prlimit sets the limit and then execs duet: the process (and its pid) is duet's.
  std::vector<std::string> argv = {"/usr/bin/prlimit", "--fsize=" + std::to_string(max_file_bytes),
                                   "--"};
  for (std::string& a : PeerArgv(addr, name, home, "test", std::move(extra))) {
    argv.push_back(std::move(a));
  }
  return std::make_unique<Process>(argv);
}

std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

std::string WriteRandomFile(const std::string& path, size_t size, uint32_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<uint64_t> block(1 << 17);
  std::ofstream out(path, std::ios::binary);
  crypto::Sha256 h;
  for (size_t done = 0; done < size;) {
    for (auto& w : block) w = rng();
    size_t n = std::min(size - done, block.size() * 8);
    out.write(reinterpret_cast<const char*>(block.data()), static_cast<std::streamsize>(n));
    h.Update(wire::ByteView(reinterpret_cast<const uint8_t*>(block.data()), n));
    done += n;
  }
  return wire::ToHex(h.Finish());
}

std::set<std::string> Listing(const std::string& dir) {
  std::set<std::string> names;
  for (const auto& e : std::filesystem::directory_iterator(dir)) {
    names.insert(e.path().filename().string());
  }
  return names;
}

std::optional<json> ExpectMidFile(Process& p, const std::string& kind, size_t n, uint64_t size) {
  std::optional<json> e = Event(p, kind, n);
  EXPECT_TRUE(e) << p.Transcript();
  if (!e) return e;
  EXPECT_GT((*e)["offset"], 0) << *e;
  EXPECT_LT((*e)["offset"], size) << *e;
  return e;
}

void ExpectSavedAlone(Process& receiver, const std::string& dir, const std::string& name,
                      const std::string& sum) {
  auto done = Event(receiver, "file");
  ASSERT_TRUE(done) << receiver.Transcript();
  EXPECT_EQ((*done)["sha256"], sum);
  // The path as the receiver names it (relative when it saves into its working folder).
  EXPECT_EQ(std::filesystem::path((*done)["path"].get<std::string>()).filename(), name);
  EXPECT_EQ(Sha256OfFile(dir + "/" + name), sum);
  EXPECT_EQ(Listing(dir), std::set<std::string>{name});
}

std::string Sha256OfFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<char> buf(1 << 20);
  crypto::Sha256 h;
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h.Update(wire::ByteView(reinterpret_cast<const uint8_t*>(buf.data()),
                            static_cast<size_t>(in.gcount())));
  }
  return wire::ToHex(h.Finish());
}

std::optional<json> Event(Process& p, const std::string& kind, size_t n) {
  const std::string needle = "\"event\":\"" + kind + "\"";
  if (!p.WaitForCount(needle, n + 1, 30s)) return std::nullopt;
  size_t seen = 0;
  for (const std::string& line : p.lines()) {
    if (line.find(needle) == std::string::npos) continue;
    if (seen++ == n) return json::parse(line, nullptr, false);
  }
  return std::nullopt;
}

}  // namespace duet::testing
