#include "peer/cli/cli.h"

#include <openssl/crypto.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "crypto/identity.h"
#include "crypto/safety_number.h"
#include "crypto/tls_endpoint.h"
#include "peer/cli/code_prompt.h"
#include "peer/cli/line_reader.h"
#include "peer/cli/printer.h"
#include "peer/core/names.h"
#include "peer/core/room_code.h"
#include "peer/net/pin_file.h"
#include "peer/net/posix_files.h"
#include "peer/net/posix_part_ledger.h"
#include "peer/net/posix_send_queue.h"
#include "peer/net/relay_client.h"
#include "wire/app_protocol.h"
#include "wire/hex.h"
#include "wire/relay_protocol.h"
#include "wire/utf8.h"

namespace duet::peer::cli {
namespace {

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

Result<std::string> ReadPassphrase(const std::string& path) {
  if (path.empty()) return std::string();
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    return Error{"PASSPHRASE_FILE_UNREADABLE",
                 "Could not read the passphrase file " + path + ". Check the path."};
  }
  // A passphrase, not a file: at most 4 KiB is read (a mistaken /dev/zero must not fill memory).
  std::string pass(4096, '\0');
  in.read(pass.data(), static_cast<std::streamsize>(pass.size()));
  pass.resize(static_cast<size_t>(in.gcount()));
  while (!pass.empty() && (pass.back() == '\n' || pass.back() == '\r')) pass.pop_back();
  return pass;
}

const char kHelp[] =
    "Type a line and press Enter to send it. Commands:\n"
    "  /file PATH...     send files, or folders with their tree (several paths at once)\n"
    "  /accept [ID]      save the offered file(s) (into the current folder)\n"
    "  /decline [ID]     refuse the offered file(s)\n"
    "  /cancel ID        stop a transfer, either way\n"
    "  /verify   show the short code and safety number to compare with the other person\n"
    "  /trust    mark the other person verified (or accept their changed key)\n"
    "  /reject   the codes do not match, or refuse a changed key: end the session\n"
    "  /quit     leave (also Ctrl-D: pending messages are delivered first)\n"
    "  /help     this text\n"
    "Start a message with // to send a line that begins with /.";

// The paths `/file ARGS` names: ARGS as one path if it exists, else its space-separated words.
std::vector<std::string> PathsToSend(const std::string& args) {
  std::vector<std::string> words;
  std::error_code ec;
  if (std::filesystem::exists(args, ec)) {
    words.push_back(args);
  } else {
    std::istringstream in(args);
    for (std::string w; in >> w;) words.push_back(w);
  }
  return words;
}

// A folder, whole.
void SendFolder(RelayClient& client, Printer& printer, const std::string& path) {
  Result<FolderToSend> folder = OpenFolderToSend(path);
  if (!folder) return printer.LocalError(folder.error());
  auto f = std::make_shared<FolderToSend>(std::move(*folder));
  client.Post([&printer, f](Session& s) {
    FolderTransfer info;
    info.name = f->name;
    info.entries = f->entries.size();
    for (const Transfers::FolderEntry& e : f->entries) info.size += e.size;
    Result<std::string> id = s.SendFolder(f->name, std::move(f->entries));
    if (!id) return printer.LocalError(id.error());
    info.id = *id;
    printer.FolderQueued(info, f->skipped);
  });
}

// /file: opens each file (or walks each folder) here, on the stdin thread, not the I/O thread,
// and queues it; the I/O thread reads and hashes files as their chunks go out. A folder goes
// whole, with its tree.
void SendFiles(RelayClient& client, Printer& printer, const std::string& args) {
  const std::vector<std::string> paths = PathsToSend(args);
  if (paths.empty()) {
    return printer.LocalError(Error{"FILE_NOT_FOUND", "Nothing to send: /file PATH..."});
  }
  for (const std::string& path : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(path, ec)) {
      SendFolder(client, printer, path);
      continue;
    }
    Result<FileToSend> file = OpenFileToSend(path);
    if (!file) {
      printer.LocalError(file.error());
      continue;
    }
    auto f = std::make_shared<FileToSend>(std::move(*file));
    client.Post([&printer, f](Session& s) {
      FileTransfer info{"", false, f->name, f->size, "", "", ""};
      Result<std::string> id =
          s.SendFile(std::move(f->source), f->name, f->size, f->origin);
      if (!id) return printer.LocalError(id.error());
      info.id = *id;
      printer.FileQueued(info);
    });
  }
}

// /accept, /decline, /cancel: with an id, that transfer; without, every offer still waiting.
void FileCommand(RelayClient& client, Printer& printer, const std::string& cmd,
                 const std::string& arg) {
  std::vector<std::string> ids;
  if (!arg.empty()) {
    ids.push_back(arg);
  } else if (cmd != "/cancel") {
    ids = printer.waiting_offers();
  }
  if (ids.empty()) {
    return printer.LocalError(Error{"FILE_UNKNOWN", cmd == "/cancel"
                                                        ? "Say which transfer: /cancel ID."
                                                        : "No file offer is waiting."});
  }
  for (const std::string& id : ids) {
    client.Post([&printer, cmd, id](Session& s) {
      Status st = cmd == "/accept"    ? s.AcceptFile(id)
                  : cmd == "/decline" ? s.DeclineFile(id)
                                      : s.CancelFile(id);
      if (!st) printer.LocalError(st.error());
    });
  }
}

// Reads stdin on its own thread and hands each line to the I/O thread. Returns at once when the
// session's end stops `input`; at end of input it first delivers what is pending.
void ReadStdin(RelayClient& client, Printer& printer, LineReader& input,
               std::chrono::milliseconds drain) {
  while (std::optional<std::string> next = input.Next()) {
    std::string& line = *next;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    if (line[0] == '/' && line.rfind("//", 0) != 0) {
      std::string cmd = line.substr(0, line.find(' '));
      if (cmd == "/quit") {
        client.Stop();
        return;
      } else if (cmd == "/file" || cmd == "/accept" || cmd == "/decline" || cmd == "/cancel") {
        const size_t space = line.find(' ');
        std::string arg = space == std::string::npos ? "" : line.substr(space + 1);
        while (!arg.empty() && arg.back() == ' ') arg.pop_back();
        if (cmd == "/file") {
          SendFiles(client, printer, arg);
        } else {
          FileCommand(client, printer, cmd, arg);
        }
      } else if (cmd == "/help") {
        printer.Notice(kHelp);
      } else if (cmd == "/verify") {
        client.Post([&printer](Session& s) { printer.Verify(s.peer()); });
      } else if (cmd == "/reject") {
        client.Post([&printer](Session& s) {
          Status st = s.RejectPeer();
          if (!st) printer.LocalError(st.error());
        });
      } else if (cmd == "/trust") {
        // The key the user was last shown: if the relay forced another session since, nothing
        // is trusted (PEER_CHANGED).
        client.Post([&printer, shown = printer.shown_fingerprint()](Session& s) {
          Status st = s.TrustPeer(shown);
          if (!st) printer.LocalError(st.error());
        });
      } else {
        printer.LocalError(
            Error{"UNKNOWN_COMMAND", "There is no command " + cmd + ". Type /help for the list."});
      }
      continue;
    }
    std::string text = line.rfind("//", 0) == 0 ? line.substr(1) : line;
    client.Post([&printer, text](Session& s) {
      Result<std::string> id = s.SendText(text);
      if (!id) return printer.LocalError(id.error());
      printer.Queued(*id, text);
    });
  }
  if (!input.stopped()) client.Drain(drain);
}

}  // namespace

std::string ResolveHome(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("DUET_HOME"); env != nullptr && *env != '\0') return env;
  const char* home = std::getenv("HOME");
  return std::string(home != nullptr ? home : ".") + "/.config/duet";
}

int RunChangePassphrase(const CliOptions& options) {
  std::unique_ptr<Printer> printer = options.json ? MakeJsonPrinter() : MakeHumanPrinter();
  auto fail = [&printer](const Error& e) {
    printer->LocalError(e);
    return ExitCodeFor(e.code);
  };
  const std::string home = ResolveHome(options.home);
  Result<std::string> old_pass = ReadPassphrase(options.passphrase_file);
  if (!old_pass) return fail(old_pass.error());
  Result<std::string> new_pass = ReadPassphrase(options.new_passphrase_file);
  if (!new_pass) {
    OPENSSL_cleanse(old_pass->data(), old_pass->size());
    return fail(new_pass.error());
  }
  Result<crypto::Identity> identity = crypto::Identity::Load(home, *old_pass);
  OPENSSL_cleanse(old_pass->data(), old_pass->size());
  Status saved = identity ? identity->Save(home, *new_pass) : Status(identity.error());
  const bool unprotected = new_pass->empty();
  OPENSSL_cleanse(new_pass->data(), new_pass->size());
  if (!saved) return fail(saved.error());
  printer->Notice(unprotected
                      ? "The identity key in " + home + " is no longer protected by a passphrase."
                      : "The identity key in " + home + " is now sealed with the new passphrase.");
  return kExitOk;
}

int RunCli(const CliOptions& options) {
  std::unique_ptr<Printer> printer = options.json ? MakeJsonPrinter() : MakeHumanPrinter();

  Result<RelayAddress> relay = ParseRelayAddress(options.relay);
  if (!relay) {
    printer->LocalError(relay.error());
    return ExitCodeFor(relay.error().code);
  }
  if (options.require_pq) {
    if (Status pq = crypto::CheckPostQuantumAvailable(); !pq) {
      printer->LocalError(pq.error());
      return ExitCodeFor(pq.error().code);
    }
  }
  // Without --room (or --to) Duet makes the code, as magic-wormhole does: never a guessable
  // shared default.
  const bool made_code = options.room.empty() && options.to.empty() && !options.join;
  Result<Code> room_code = !options.to.empty() ? Result<Code>(Code{})
                           : options.join      ? AskForCode(stdin, stdout)
                           : made_code         ? Result<Code>(NewCode())
                                               : RoomFromInput(options.room);
  if (!room_code) {
    printer->LocalError(room_code.error());
    return ExitCodeFor(room_code.error().code);
  }
  std::string room = room_code->nameplate;
  if (Status name_ok = CheckOwnName(options.name); !name_ok) {
    printer->LocalError(name_ok.error());
    return ExitCodeFor(name_ok.error().code);
  }
  const std::string home = ResolveHome(options.home);
  Result<std::string> pass = ReadPassphrase(options.passphrase_file);
  if (!pass) {
    printer->LocalError(pass.error());
    return ExitCodeFor(pass.error().code);
  }
  bool created = false;
  Result<crypto::Identity> identity = crypto::LoadOrCreateIdentity(home, *pass, &created);
  OPENSSL_cleanse(pass->data(), pass->size());
  if (!identity) {
    printer->LocalError(identity.error());
    return ExitCodeFor(identity.error().code);
  }
  printer->Identity(identity->fingerprint().Hex(), identity->fingerprint().Grouped(), created,
                    home);
  Result<std::unique_ptr<PinStorage>> pins = OpenPinFile(std::filesystem::path(home) / "pins");
  if (!pins) {
    printer->LocalError(pins.error());
    return ExitCodeFor(pins.error().code);
  }

  SessionConfig config;
  if (made_code) printer->Code(room_code->text, options.relay);
  if (!options.to.empty()) {
    // A contact's room: no code; the contact's key is expected and any other refused before
    // our name is sent.
    Result<crypto::Pin> contact = FindContact((*pins)->pins(), options.to);
    if (!contact) {
      printer->LocalError(contact.error());
      return ExitCodeFor(contact.error().code);
    }
    room = crypto::ContactRoom(identity->fingerprint(), contact->fingerprint);
    config.expected_peer = contact->fingerprint;
    config.expected_name = contact->name;
  }
  config.name = options.name;
  config.room = room;
  if (options.to.empty()) config.code = room_code->text;
  config.identity = &*identity;
  config.pins = pins->get();
  config.require_post_quantum = options.require_pq;
  config.stall_after_ms = static_cast<int64_t>(options.stall_after_seconds * 1000);
  config.lost_after_ms = static_cast<int64_t>(options.lost_after_seconds * 1000);
  config.now_ms = NowMs;
  // Accepted files go to --accept-files (every offer), else to the current folder (/accept).
  // A part accepted in an earlier run is found there again and resumed without asking, if the
  // part ledger in the home says Duet created it.
  std::unique_ptr<PartLedgerStore> part_ledger =
      OpenPartLedger(std::filesystem::path(home) / "parts");
  Result<std::unique_ptr<DownloadFolder>> downloads =
      OpenDownloadFolder(options.accept_files.empty() ? "." : options.accept_files, *part_ledger);
  if (!downloads) {
    printer->LocalError(downloads.error());
    return kExitUsage;  // FILE_WRITE_FAILED, but here it means --accept-files names a bad folder
  }
  config.downloads = downloads->get();
  config.auto_accept_files = !options.accept_files.empty();
  config.accept_limits = options.accept_limits;
  // Files queued and not yet saved by the peer are offered again after a restart.
  std::unique_ptr<SendQueueStore> send_queue =
      OpenSendQueue(std::filesystem::path(home) / "send-queue");
  config.send_queue = send_queue.get();
  RelayClientOptions net;
  net.relay = *relay;
  LineReader input(STDIN_FILENO);

  RelayClient client(net, std::move(config), *printer);
  if (room_code) OPENSSL_cleanse(room_code->text.data(), room_code->text.size());
  client.Start();
  const auto drain = std::chrono::milliseconds(static_cast<int64_t>(options.wait_seconds * 1000));
  // The stdin reader may be waiting for a line when the session ends (a fatal error): the end
  // stops it, and it is joined before anything it uses goes away.
  std::thread reader(ReadStdin, std::ref(client), std::ref(*printer), std::ref(input), drain);
  client.Wait();
  input.Stop();
  reader.join();

  const Session& session = client.session();
  std::string fatal = printer->fatal_code();
  int code = kExitOk;
  if (!fatal.empty()) code = ExitCodeFor(fatal);
  std::vector<FileTransfer> files = printer->failed_files();
  for (const FileTransfer& f : session.pending_outgoing_files()) files.push_back(f);
  if (session.pending_count() > 0 || !files.empty()) {
    printer->Undelivered(session.pending_ids(), files);
    if (code == kExitOk) code = kExitUndelivered;
  }
  // A changed key was left without a decision (what it sent was dropped unread): a security
  // ending, whatever else was delivered.
  if ((code == kExitOk || code == kExitUndelivered) &&
      (session.sending_blocked() || session.left_key_unaccepted())) {
    code = kExitSecurity;
  }
  // Not this session's business (and not lost): they wait on disk for the peer they were meant for.
  if (const size_t kept = session.files_kept_for_other_peers(); kept > 0) {
    printer->Notice(kept == 1 ? "1 file stays queued for another person; it is offered when that "
                                "person is next connected."
                              : std::to_string(kept) +
                                    " files stay queued for another person; they are offered "
                                    "when that person is next connected.");
  }
  std::fflush(stdout);
  return code;
}

}  // namespace duet::peer::cli
