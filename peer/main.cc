// duet: the desktop app, or with --cli the terminal client.
#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <cstdlib>

#include "peer/cli/cli.h"
#include "peer/gui/app.h"

int main(int argc, char** argv) {
  // A write past the file-size limit (ulimit -f) then fails with EFBIG, reported as
  // FILE_NO_SPACE, instead of killing the program mid-transfer.
  std::signal(SIGXFSZ, SIG_IGN);
  duet::peer::cli::CliOptions cli;
  bool use_cli = false;
  duet::peer::gui::GuiOptions gui;

  CLI::App app{"Duet: end-to-end encrypted chat and files between two people on a LAN."};
  app.set_version_flag("--version", "duet 0.1");
  app.add_flag("--cli", use_cli, "Run the terminal client instead of the desktop app");
  app.add_flag("--json", cli.json, "With --cli: one JSON event per line on stdout");
  app.add_option("--relay", cli.relay, "The relay, HOST:PORT")->capture_default_str();
  app.add_option("--room", cli.room,
                 "The code the other person read out to you (a number and three words, as in "
                 "7301-acorn-gravy-petal: the words check their key), or a plain room name; "
                 "without it (and without --to or --join) --cli makes a new code and prints it "
                 "for you to read out");
  app.add_flag("--join", cli.join,
               "With --cli: ask for the code the other person read out (Tab completes its "
               "words) instead of taking it from --room")
      ->excludes("--room");
  app.add_option("--to", cli.to,
                 "With --cli: meet a pinned contact (by the name it was pinned with) in your "
                 "contact room, without a code; any other key is refused")
      ->excludes("--room");
  app.add_option("--name", cli.name, "Your display name, shown to the other person");
  app.add_option("--home", cli.home,
                 "Folder for your identity key and pinned peers (default $DUET_HOME or "
                 "~/.config/duet)");
  app.add_option("--passphrase-file", cli.passphrase_file,
                 "A file holding the passphrase of your identity key");
  app.add_option("--new-passphrase-file", cli.new_passphrase_file,
                 "Seal the identity key anew under the passphrase in this file (an empty file: "
                 "none), unlocking it with --passphrase-file, then exit");
  app.add_option("--wait", cli.wait_seconds,
                 "At end of input: seconds to wait for pending messages to be delivered")
      ->capture_default_str();
  app.add_flag("--connect", gui.connect,
               "Desktop app: connect at once with --relay, --room and --name");
  app.add_option("--position", gui.position, "Desktop app: where the window opens, X,Y");
  app.add_option("--accept-files", cli.accept_files,
                 "Accept every file the peer offers and save it in this folder (otherwise "
                 "/accept saves into the current folder)");
  app.add_option("--max-file-size", cli.accept_limits.max_file_bytes,
                 "With --accept-files: larger offers are declined, not taken (units: 500M, 10G)")
      ->transform(CLI::AsSizeValue(false))
      ->capture_default_str();
  app.add_option("--max-total-size", cli.accept_limits.max_total_bytes,
                 "With --accept-files: offers are declined once the files taken in this run "
                 "would pass this size (units: 500M, 10G)")
      ->transform(CLI::AsSizeValue(false))
      ->capture_default_str();
  app.add_option("--stall-after", cli.stall_after_seconds,
                 "Seconds without an answer from the other side before it is shown as stalled "
                 "(both modes)")
      ->capture_default_str()
      ->check(CLI::Range(1.0, 3600.0));
  app.add_option("--lost-after", cli.lost_after_seconds,
                 "Seconds without an answer before the connection is dropped and made again")
      ->capture_default_str()
      ->check(CLI::Range(2.0, 7200.0));
  app.add_flag("--require-pq", cli.require_pq,
               "Accept only post-quantum sessions (key agreement X25519MLKEM768, which needs "
               "OpenSSL 3.5 or later on both machines); refuse any other (both modes)");
  try {
    app.parse(argc, argv);
    if (cli.lost_after_seconds <= cli.stall_after_seconds) {
      throw CLI::ValidationError("--lost-after",
                                 "must be longer than --stall-after (a link is first shown as "
                                 "stalled, then dropped)");
    }
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : duet::peer::cli::kExitUsage;
  }
  if (!cli.new_passphrase_file.empty()) return duet::peer::cli::RunChangePassphrase(cli);
  if (!use_cli) {
    // The desktop app prefills what was given and remembers the rest itself.
    gui.home = duet::peer::cli::ResolveHome(cli.home);
    if (app.count("--relay") > 0) gui.relay = cli.relay;
    gui.room = cli.room;
    gui.name = cli.name;
    gui.stall_after_seconds = cli.stall_after_seconds;
    gui.lost_after_seconds = cli.lost_after_seconds;
    gui.accept_limits = cli.accept_limits;
    if (cli.require_pq) gui.require_pq = true;
    return duet::peer::gui::RunGui(gui);
  }
  if (cli.name.empty()) {
    const char* user = std::getenv("USER");
    cli.name = user != nullptr && *user != '\0' ? user : "me";
  }
  return duet::peer::cli::RunCli(cli);
}
