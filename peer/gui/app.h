// `duet` without --cli: the desktop app (FLTK 1.3).
#pragma once

#include <string>

#include "peer/core/transfers.h"

namespace duet::peer::gui {

struct GuiOptions {
  std::string home;   // identity, pins and the app's remembered settings (resolved by main)
  std::string relay;  // prefill (else the remembered one, else 127.0.0.1:7878)
  std::string room;   // prefill (else the remembered one, else a fresh code)
  std::string name;   // prefill (else the remembered one, else $USER)
  // Connect at once (first run: create an unprotected key first). For `make run`.
  bool connect = false;
  // Window position, "X,Y" (empty: let the window manager choose). For `make run`.
  std::string position;
  // Liveness (as the terminal client's --stall-after / --lost-after), in seconds.
  double stall_after_seconds = 10;
  double lost_after_seconds = 30;
  // What is taken without asking (as --max-file-size / --max-total-size); the app asks for
  // every file today, so these only matter if it ever accepts on its own.
  AcceptLimits accept_limits;
  // --require-pq: tick "post-quantum sessions only" (else the remembered choice).
  bool require_pq = false;
};

// Runs the app until its window is closed; returns the exit code. With DUET_TEST_STATE=1 in the
// environment, every change of what the window shows is also printed as one line
// "STATE {json}" on stdout (the GUI tests read it; see state_dump.h).
int RunGui(const GuiOptions& options);

}  // namespace duet::peer::gui
