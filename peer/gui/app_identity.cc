// The identity key (made or unlocked off the main thread) and what the window shows.
#include <FL/Fl.H>
#include <openssl/crypto.h>

#include <cstdio>
#include <filesystem>

#include "peer/gui/app_controller.h"
#include "peer/gui/state_dump.h"
#include "peer/gui/x_id.h"

namespace duet::peer::gui {
namespace {

std::vector<int> Box(const Fl_Widget& w) { return {w.x(), w.y(), w.w(), w.h()}; }

}  // namespace

// --- the identity ------------------------------------------------------------------------------

void App::RunOnWorker(std::function<Result<crypto::Identity>()> work,
                      std::function<void(Result<crypto::Identity>)> done) {
  if (worker_.joinable()) worker_.join();
  worker_ = std::thread([this, work = std::move(work), done = std::move(done)]() mutable {
    auto result = std::make_shared<Result<crypto::Identity>>(work());
    queue_.Post([this, result, done = std::move(done)] {
      if (worker_.joinable()) worker_.join();  // it has finished: this task is its last act
      done(std::move(*result));
    });
  });
}

void App::StartIdentity() {
  if (!std::filesystem::exists(home_ / "identity.key")) {
    ShowScreen(options_.connect ? Screen::kConnect : Screen::kSetup);
    key_state_ = "generating";
    connect_->SetBusy(options_.connect);
    RunOnWorker([] { return crypto::Identity::Generate(); },
                [this](Result<crypto::Identity> id) { OnKeyGenerated(std::move(id)); });
    return;
  }
  ShowScreen(Screen::kConnect);
  key_state_ = "loading";
  RunOnWorker(
      [home = home_] { return crypto::Identity::Load(home, ""); },
      [this](Result<crypto::Identity> id) { OnIdentityLoaded(std::move(id), options_.connect); });
}

void App::OnKeyGenerated(Result<crypto::Identity> identity) {
  if (!identity) {
    key_state_ = "failed";
    setup_->SetError(identity.error().message);
    connect_->SetError(identity.error().message);
    return Refresh();
  }
  identity_.emplace(std::move(*identity));
  key_state_ = "ready";
  setup_->SetKeyReady(identity_->fingerprint().Grouped());
  if (options_.connect) {
    OnSetupContinue();
  } else {
    setup_->continue_button().take_focus();
  }
  Refresh();
}

void App::OnSetupContinue() {
  if (!identity_) return;  // not made yet, or being saved
  std::string pass = setup_->passphrase().value();
  setup_->passphrase().value("");
  key_state_ = "saving";
  // Sealing under a passphrase runs scrypt (128 MiB, about half a second): off the UI thread.
  // The identity goes with the work and comes back in its result (or in `held` on failure).
  auto held = std::make_shared<std::optional<crypto::Identity>>(std::move(identity_));
  identity_.reset();
  RunOnWorker(
      [held, home = home_, pass = std::move(pass)]() mutable -> Result<crypto::Identity> {
        Status saved = (*held)->Save(home, pass);
        OPENSSL_cleanse(pass.data(), pass.size());
        if (!saved) return saved.error();
        crypto::Identity id = std::move(**held);
        held->reset();
        return id;
      },
      [this, held](Result<crypto::Identity> saved) { OnIdentitySaved(std::move(saved), held); });
  Refresh();
}

void App::OnIdentitySaved(Result<crypto::Identity> saved,
                          std::shared_ptr<std::optional<crypto::Identity>> held) {
  key_state_ = "ready";
  if (!saved) {
    identity_ = std::move(*held);
    setup_->SetError(saved.error().message);
    return Refresh();
  }
  identity_.emplace(std::move(*saved));
  if (!options_.connect) connect_->name().value(setup_->name().value());
  connect_->SetFingerprint(identity_->fingerprint().Grouped());
  ShowScreen(Screen::kConnect);
  if (options_.connect) Connect();
  Refresh();
}

void App::OnIdentityLoaded(Result<crypto::Identity> identity, bool for_connect) {
  connect_->SetBusy(false);
  if (!identity) {
    const std::string& code = identity.error().code;
    const bool locked = code == "KEY_PASSPHRASE_NEEDED" || code == "KEY_WRONG_PASSPHRASE";
    key_state_ = locked ? "locked" : "failed";
    if (locked) connect_->ShowPassphrase(true);
    // At start a locked key is no error: the passphrase field appears and says what it needs.
    if (!locked || for_connect) connect_->SetError(identity.error().message);
    if (locked) connect_->passphrase().take_focus();
    return Refresh();
  }
  identity_.emplace(std::move(*identity));
  key_state_ = "ready";
  connect_->SetFingerprint(identity_->fingerprint().Grouped());
  if (for_connect) Connect();
  Refresh();
}

// --- showing -----------------------------------------------------------------------------------

void App::Refresh() {
  if (screen_ == Screen::kChat) chat_->Refresh();
  std::string title = screen_ == Screen::kChat    ? model_.Title()
                      : screen_ == Screen::kSetup ? "Duet — welcome"
                                                  : "Duet — connect";
  if (title != title_) {
    title_ = title;
    window_.copy_label(title_.c_str());
  }
  window_.redraw();
  DumpIfChanged();
}

void App::DumpIfChanged() {
  if (!dump_) return;
  ShownState s;
  s.screen = screen_ == Screen::kSetup ? "setup" : screen_ == Screen::kConnect ? "connect" : "chat";
  s.title = title_;
  s.key = key_state_;
  s.error = screen_ == Screen::kConnect ? connect_->error() : "";
  if (screen_ == Screen::kConnect) s.completions = connect_->completions();
  s.require_pq = connect_->require_pq().value() != 0;
  s.pq_available = connect_->require_pq().active() != 0;
  s.xid = XWindowId(&window_);
  if (verify_->shown()) {
    s.dialog = "verify";
    s.sas = verify_->sas();
    s.key_agreement = verify_->key_agreement();
    s.dialog_xid = XWindowId(verify_.get());
    s.widgets["match"] = Box(verify_->match_button());
    s.widgets["mismatch"] = Box(verify_->mismatch_button());
  }
  s.widgets["input"] = Box(chat_->input());
  s.widgets["send"] = Box(chat_->send_button());
  s.widgets["attach"] = Box(chat_->attach_button());
  if (screen_ == Screen::kChat) {
    s.widgets.merge(chat_->transcript_view().CardButtons());
    for (size_t i = 0; i < model_.files().size(); ++i) {
      s.previews.push_back(chat_->transcript_view().preview_shown(i));
    }
  }
  s.widgets["verify"] = Box(chat_->verify_button());
  if (chat_->banner_shown()) s.widgets["accept_key"] = Box(chat_->accept_key_button());
  if (screen_ == Screen::kChat && chat_->offers_bar_shown()) {
    s.widgets["accept_all"] = Box(chat_->accept_all_button());
    s.widgets["decline_all"] = Box(chat_->decline_all_button());
    s.accept_all = chat_->accept_all_button().label();
  }
  s.widgets["connect"] = Box(connect_->connect_button());
  s.widgets["code"] = Box(connect_->room());
  s.widgets["change_downloads"] = Box(connect_->change_downloads_button());
  s.widgets["require_pq"] = Box(connect_->require_pq());
  s.downloads = downloads_path_;
  s.widgets["continue"] = Box(setup_->continue_button());
  std::string line = DumpState(s, model_);
  if (line == last_dump_) return;
  last_dump_ = line;
  std::printf("STATE %s\n", line.c_str());
  std::fflush(stdout);
}

}  // namespace duet::peer::gui
