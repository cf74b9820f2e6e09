// `duet --cli`: the terminal client (DESIGN.md section 5).
#pragma once

#include <string>

#include "peer/core/error_codes.h"
#include "peer/core/transfers.h"

namespace duet::peer::cli {

struct CliOptions {
  bool json = false;
  std::string relay = "127.0.0.1:7878";
  std::string room;
  std::string to;  // a pinned contact's name: meet in the contact room, expect their key
  bool join = false;  // --join: ask for the code (libedit, Tab completes its words)
  std::string name;
  std::string home;                 // identity and pins; empty = $DUET_HOME or ~/.config/duet
  std::string passphrase_file;      // optional: the identity key's passphrase
  std::string new_passphrase_file;  // --new-passphrase-file: seal the key anew and exit
  double wait_seconds = 15;         // at stdin EOF: how long to wait for receipts and files
  std::string accept_files;         // accept every offered file into this folder (else /accept)
  AcceptLimits accept_limits;       // ... up to these sizes (--max-file-size, --max-total-size)
  double stall_after_seconds = 10;  // no answer this long while waiting: "stalled"
  double lost_after_seconds = 30;   // no answer this long: CONNECTION_STALLED, reconnect
  bool require_pq = false;          // --require-pq: post-quantum sessions only (PQ_REQUIRED)
};

// Exit codes (DESIGN.md section 5); which error code exits with which: peer/core/error_codes.h.
inline constexpr int kExitOk = peer::kExitOk;
inline constexpr int kExitUndelivered = peer::kExitUndelivered;
inline constexpr int kExitUsage = peer::kExitUsage;
inline constexpr int kExitRelay = peer::kExitRelay;
inline constexpr int kExitSecurity = peer::kExitSecurity;

// Runs the client until /quit, stdin EOF (after delivering what is pending) or a fatal error.
int RunCli(const CliOptions& options);

// `--new-passphrase-file`: unlocks the identity key with --passphrase-file (or none) and seals
// it again under the new passphrase (an empty file: no passphrase), in the current format
// (scrypt N = 2^17). Prints one line; exit 0, or the key error's exit code.
int RunChangePassphrase(const CliOptions& options);

// The folder for the identity and the pin store: `flag`, else $DUET_HOME, else ~/.config/duet.
std::string ResolveHome(const std::string& flag);

}  // namespace duet::peer::cli
