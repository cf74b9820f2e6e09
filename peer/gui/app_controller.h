// The desktop app's controller: one window whose content is the setup, connect or chat screen;
// the identity key is made or unlocked on a worker thread; one RelayClient per conversation.
//
// Threads: FLTK's main thread owns every widget, the ChatModel and the App. The worker thread and
// peer/net's I/O thread reach them only through the UiQueue (woken with Fl::awake).
// Internal to peer/gui: app.cc (window, connecting, chat actions) and app_identity.cc (the key,
// and what the window shows).
#pragma once

#include <FL/Fl.H>
#include <FL/Fl_Double_Window.H>

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "crypto/identity.h"
#include "peer/gui/app.h"
#include "peer/gui/chat_model.h"
#include "peer/gui/chat_screen.h"
#include "peer/gui/form_screens.h"
#include "peer/gui/gui_listener.h"
#include "peer/gui/ui_queue.h"
#include "peer/gui/verify_dialog.h"
#include "peer/net/pin_file.h"
#include "peer/net/posix_files.h"
#include "peer/net/posix_part_ledger.h"
#include "peer/net/posix_send_queue.h"
#include "peer/net/relay_client.h"

namespace duet::peer::gui {

// The wall clock, ms since the Unix epoch.
int64_t NowMs();

class App {
 public:
  explicit App(const GuiOptions& options);
  ~App();
  int Run();

 private:
  // --- flow ---
  void StartIdentity();
  void OnKeyGenerated(Result<crypto::Identity> identity);
  void OnSetupContinue();
  // The key was saved under the setup screen's passphrase (on the worker: scrypt takes a while),
  // or not: `saved` holds it back, or the error (then `held` still has it).
  void OnIdentitySaved(Result<crypto::Identity> saved,
                       std::shared_ptr<std::optional<crypto::Identity>> held);
  void OnConnectPressed();
  void Connect();
  void OnIdentityLoaded(Result<crypto::Identity> identity, bool for_connect);
  void ShowScreen(Screen s);
  void OnModelChanged();
  void FinishClient();
  // --- chat actions ---
  void Send(const std::string& text);
  void OpenVerify();
  void Trust();
  void Reject();
  void Leave();
  void Quit();
  // --- files (app_files.cc) ---
  // Each path is sent as a file, or, for a folder, whole (with its tree).
  void Attach(const std::vector<std::string>& paths);
  void AttachFile(const std::string& path);
  void AttachFolder(const std::string& path);
  // On the main thread: the session queued the file or folder on `card` (its id), or refused it.
  void OnQueued(size_t card, const Result<std::string>& id);
  void OnCardAction(size_t card, CardAction action);
  // Opens downloads_path_ for a new session. nullptr and a transcript warning when it cannot
  // be opened.
  void OpenDownloads();
  // "Change…" on the connect screen: a folder chooser (for tests, the path in
  // DUET_TEST_CHOOSE_FOLDER), then the folder is checked, used and remembered.
  void ChooseDownloads();
  // Sets downloads_path_ at start.
  void ResolveDownloads();
  // Runs `work` on the worker thread, then `done` with its result on the main thread.
  void RunOnWorker(std::function<Result<crypto::Identity>()> work,
                   std::function<void(Result<crypto::Identity>)> done);
  void Refresh();
  void DumpIfChanged();
  static int GlobalShortcuts(int event);

  GuiOptions options_;
  std::filesystem::path home_;
  UiQueue queue_{[] { Fl::awake(static_cast<void*>(nullptr)); }};
  ChatModel model_{NowMs};
  GuiListener listener_{queue_, model_, [this] { OnModelChanged(); }};
  std::optional<crypto::Identity> identity_;
  std::unique_ptr<PinStorage> pins_;
  // Where received files go: DUET_DOWNLOADS, else the remembered choice, else ~/Downloads or
  // $HOME; a choice made with "Change…" replaces it (and is remembered).
  std::string downloads_path_;
  // The parts Duet created (HOME/parts): opened first, so it outlives every folder using it.
  std::unique_ptr<PartLedgerStore> part_ledger_;
  std::unique_ptr<DownloadFolder> downloads_;   // outlives client_ (the session uses it)
  std::unique_ptr<SendQueueStore> send_queue_;  // likewise; files queued survive a restart
  std::unique_ptr<RelayClient> client_;
  std::thread worker_;
  std::vector<std::thread> openers_;  // open files to send; joined by ~App
  std::string key_state_ = "generating";
  bool leaving_ = false;  // Leave pressed: back to the connect screen when the session ends
  bool dump_ = false;
  std::string last_dump_;
  Screen screen_ = Screen::kConnect;
  std::string title_;

  Fl_Double_Window window_;
  SetupScreen* setup_ = nullptr;
  ConnectScreen* connect_ = nullptr;
  ChatScreen* chat_ = nullptr;
  std::unique_ptr<VerifyDialog> verify_;
  static App* instance_;
};

}  // namespace duet::peer::gui
