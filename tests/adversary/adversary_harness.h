// Shared pieces of the adversarial suite: start build/duet-adversary in a mode, start real
// `duet --cli --json` peers against it, and read their JSON events.
//
// Identities are made once per test binary (RSA-3072 generation is the slow part of a peer's
// start) and copied into each test's own homes; pin stores always start empty.
#pragma once

#include <algorithm>
#include <filesystem>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace duet::testing {

using nlohmann::json;

struct Adversary {
  std::unique_ptr<Process> proc;
  std::string addr;
};

// Starts build/duet-adversary with `args` (e.g. {"--mode", "flip", "--n", "3"}) on a free
// loopback port and waits for its "listening on" line (a man in the middle has made its
// identities by then).
inline Adversary StartAdversary(std::vector<std::string> args) {
  std::vector<std::string> argv = {BinDir() + "/duet-adversary", "--listen", "127.0.0.1:0"};
  argv.insert(argv.end(), args.begin(), args.end());
  Adversary a;
  a.proc = std::make_unique<Process>(argv);
  auto line = a.proc->WaitForLine("listening on ", 30s);
  if (line) a.addr = line->substr(line->find("listening on ") + 13);
  return a;
}

// The folder of identities made once for the whole binary: one per name, never pinned.
inline const std::string& IdentityBank() {
  static TempDir bank;
  return bank.path();
}

// Gives `home` the identity of `name`, made once per binary (RSA-3072 generation is slow).
inline void CopyIdentity(const std::string& name, const std::string& home) {
  namespace fs = std::filesystem;
  const std::string made = IdentityBank() + "/" + name;
  if (!fs::exists(made + "/identity.key")) {
    // Pointing at a closed port, duet makes the identity, fails to connect and exits 3.
    Process maker({BinDir() + "/duet", "--cli", "--json", "--relay", "127.0.0.1:1", "--name", name,
                   "--home", made});
    maker.Wait(30s);
  }
  fs::create_directories(home);
  fs::permissions(home, fs::perms::owner_all);
  for (const char* f : {"identity.key", "identity.crt"}) {
    fs::copy_file(made + "/" + f, home + "/" + f, fs::copy_options::overwrite_existing);
    fs::permissions(home + "/" + f, fs::perms::owner_read | fs::perms::owner_write);
  }
}

// A `duet --cli --json` peer named `name` in `room`, with its home `home` (given the name's
// identity on first use), with `extra` arguments after the usual ones.
inline std::unique_ptr<Process> StartPeer(const std::string& addr, const std::string& name,
                                          const std::string& home, const std::string& room = "lab",
                                          const std::vector<std::string>& extra = {}) {
  if (!std::filesystem::exists(home + "/identity.key")) CopyIdentity(name, home);
  std::vector<std::string> argv = {
      BinDir() + "/duet", "--cli", "--json", "--relay", addr,     "--room", room,
      "--name",           name,    "--home", home,      "--wait", "20"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<Process>(argv);
}

// The n-th (0-based) JSON event of `kind`, waiting up to `timeout` for it.
inline std::optional<json> Event(Process& p, const std::string& kind, size_t n = 0,
                                 std::chrono::milliseconds timeout = 30s) {
  const std::string needle = "\"event\":\"" + kind + "\"";
  if (!p.WaitForCount(needle, n + 1, timeout)) return std::nullopt;
  size_t seen = 0;
  for (const std::string& line : p.lines()) {
    if (line.find(needle) == std::string::npos) continue;
    if (seen++ == n) return json::parse(line, nullptr, false);
  }
  return std::nullopt;
}

// Every event of `kind` read so far.
inline std::vector<json> Events(const Process& p, const std::string& kind) {
  const std::string needle = "\"event\":\"" + kind + "\"";
  std::vector<json> out;
  for (const std::string& line : p.lines()) {
    if (line.find(needle) != std::string::npos) out.push_back(json::parse(line, nullptr, false));
  }
  return out;
}

// The codes of every error event read so far.
inline std::set<std::string> ErrorCodes(const Process& p) {
  std::set<std::string> codes;
  for (const json& e : Events(p, "error")) codes.insert(e.value("code", ""));
  return codes;
}

}  // namespace duet::testing
