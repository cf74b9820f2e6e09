// Real duet-relay and duet --cli processes for the terminal client's integration tests.
#pragma once

#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace duet::testing {

struct Relay {
  std::unique_ptr<Process> proc;
  std::string addr;
};

// duet-relay on `listen` (a free port by default), once it says where it listens.
Relay StartRelay(const std::string& listen = "127.0.0.1:0");
// The same for a relay that `argv` starts (another build, or through chroot).
Relay StartRelayFrom(std::vector<std::string> argv);

// duet --cli --json in `room` as `name` with its identity in `home`; `extra` flags follow
// (--wait 10 unless given). An empty `room`: no --room, so duet makes a code.
std::unique_ptr<Process> StartPeer(const std::string& addr, const std::string& name,
                                   const std::string& home, const std::string& room = "test",
                                   std::vector<std::string> extra = {});

// The same, with `dir` as its working folder (where it saves files without --accept-files).
std::unique_ptr<Process> StartPeerIn(const std::string& dir, const std::string& addr,
                                     const std::string& name, const std::string& home,
                                     std::vector<std::string> extra = {});

// The same, with a file-size limit (RLIMIT_FSIZE, through prlimit) of `max_file_bytes`.
std::unique_ptr<Process> StartPeerWithFileLimit(uint64_t max_file_bytes, const std::string& addr,
                                                const std::string& name, const std::string& home,
                                                std::vector<std::string> extra = {});

constexpr size_t k64MiB = 64u << 20;

// Writes `size` pseudo-random bytes (from `seed`) to `path`; returns their SHA-256 in hex.
std::string WriteRandomFile(const std::string& path, size_t size, uint32_t seed);
std::string Sha256OfFile(const std::string& path);
// A whole file's bytes ("" when it cannot be read).
std::string ReadAll(const std::string& path);
// The names in folder `dir`.
std::set<std::string> Listing(const std::string& dir);
// `receiver` reported `name` saved whole (SHA-256 `sum`) into `dir`, and `dir` holds it and
// nothing else (no part, no id file left behind).
// The n-th `kind` event of `p` (file_started, file_resumed), checked to start the file part-way:
// after its first byte, before its end (`size`). nullopt, and a failure, when it does not come.
std::optional<nlohmann::json> ExpectMidFile(Process& p, const std::string& kind, size_t n,
                                            uint64_t size);
void ExpectSavedAlone(Process& receiver, const std::string& dir, const std::string& name,
                      const std::string& sum);

// Stops the relay (SIGTERM) and checks its whole console: frames went a→b, and none of
// `secrets` (texts, names, codes the peers saw) appears anywhere in it.
void ExpectConsoleHoldsNone(Relay& relay, const std::vector<std::string>& secrets);

// The n-th (0-based) JSON event of the given kind, waiting for it.
std::optional<nlohmann::json> Event(Process& p, const std::string& kind, size_t n = 0);

}  // namespace duet::testing
