// The test hook: what the window shows, as one JSON object (GUI tests assert on it, people look
// at screenshots). Keys: screen, title, key, error, completions (the words the code field's
// completion list shows; empty while hidden), downloads, conn, peer, trust, code_checked (the
// peer's key was checked by the code), can_send, banner, dialog, sas, transcript [{who, text,
// delivered}], files [{name, size, incoming, state, done, progress, bar, preview, error, status,
// path, folder, entries, entries_done, failed, current}] (a folder sent whole is one card with
// `folder` true), waiting_offers (incoming files and folders waiting for Accept or Decline),
// accept_all (the offers bar's "Accept all (N)" label; empty while hidden), xid, and widgets
// (the file cards' buttons as "file<index>_accept", _decline, _cancel, _open, _show; the offers
// bar's "accept_all" and "decline_all"; the code field as "code") {name: [x, y, w, h]} in window
// coordinates, so a test can click them with real X events.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "peer/gui/chat_model.h"

namespace duet::peer::gui {

struct ShownState {
  std::string screen;     // "setup", "connect", "chat"
  std::string title;      // the window title
  std::string key;        // "generating", "ready", "locked" (needs the passphrase), "failed"
  std::string error;      // the sentence on the setup or connect screen
  std::string dialog;     // "verify" when the verify dialog is open
  std::string sas;        // the SAS the dialog shows
  std::string downloads;  // the folder received files are saved into
  std::vector<std::string> completions;  // the code completion list's words (empty: hidden)
  unsigned long xid = 0;                 // the main window's X id
  unsigned long dialog_xid = 0;
  std::map<std::string, std::vector<int>> widgets;
  std::vector<bool> previews;  // per file card: its image preview is shown
  bool require_pq = false;     // "post-quantum sessions only" is ticked
  bool pq_available = false;   // ... and can be (this OpenSSL has ML-KEM)
  std::string key_agreement;   // the verify dialog's key agreement line, while it is open
  std::string accept_all;      // the offers bar's "Accept all (N)", while it is shown
};

std::string DumpState(const ShownState& shown, const ChatModel& model);

}  // namespace duet::peer::gui
