// `duet` without --cli: the window, connecting, and what the person does in a conversation.
#include <FL/Fl.H>
#include <FL/Fl_Preferences.H>

#include <chrono>
#include <cstdio>
#include <cstdlib>

#include "crypto/tls_endpoint.h"
#include "peer/core/error_codes.h"
#include "peer/core/names.h"
#include "peer/core/room_code.h"
#include "peer/gui/app_controller.h"
#include "peer/gui/theme.h"
#include "wire/app_protocol.h"
#include "wire/relay_protocol.h"
#include "wire/utf8.h"

namespace duet::peer::gui {
namespace {

constexpr int kWidth = 760;
constexpr int kHeight = 640;

// Errors that mean "this connection could not be made" (the relay is unreachable or refused us;
// `duet --cli` exits 3 on them): shown on the connect screen.
bool IsConnectError(const std::string& code) {
  return EndsSession(code) && ExitCodeFor(code) == kExitRelay;
}

}  // namespace

int64_t NowMs() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(system_clock::now().time_since_epoch()).count();
}

App* App::instance_ = nullptr;

App::App(const GuiOptions& options)
    : options_(options), home_(options.home), window_(kWidth, kHeight, "Duet") {
  instance_ = this;
  const char* dump = std::getenv("DUET_TEST_STATE");
  dump_ = dump != nullptr && std::string(dump) == "1";
  theme::Apply();

  // Remembered settings; flags win.
  Fl_Preferences prefs(home_.string().c_str(), "duet", "gui");
  char buf[256];
  prefs.get("relay", buf, "127.0.0.1:7878", sizeof buf);
  std::string relay = options_.relay.empty() ? buf : options_.relay;
  prefs.get("name", buf, "", sizeof buf);
  std::string name = options_.name.empty() ? buf : options_.name;
  if (name.empty()) {
    const char* user = std::getenv("USER");
    name = user != nullptr ? user : "";
  }
  prefs.get("room", buf, "", sizeof buf);
  std::string room = options_.room.empty() ? buf : options_.room;
  if (room.empty()) room = NewCode().text;

  window_.color(theme::kWindow);
  window_.begin();
  setup_ = new SetupScreen(0, 0, kWidth, kHeight, [this] { OnSetupContinue(); });
  connect_ = new ConnectScreen(
      0, 0, kWidth, kHeight, [this] { OnConnectPressed(); }, [] { return NewCode().text; },
      [this] { ChooseDownloads(); });
  connect_->OnCompletionsChanged([this] { Refresh(); });
  connect_->OnRequirePqChanged([this] { Refresh(); });
  chat_ =
      new ChatScreen(0, 0, kWidth, kHeight, model_,
                     ChatActions{[this](const std::string& t) { Send(t); },
                                 [this] { OpenVerify(); }, [this] { Trust(); }, [this] { Leave(); },
                                 [this](const std::vector<std::string>& paths) { Attach(paths); },
                                 [this](size_t card, CardAction a) { OnCardAction(card, a); }});
  window_.end();
  window_.resizable(&window_);
  window_.size_range(560, 480);
  window_.callback(
      [](Fl_Widget*, void* self) {
        // Escape closes dialogs, never the app.
        if (Fl::event() == FL_SHORTCUT && Fl::event_key() == FL_Escape) return;
        static_cast<App*>(self)->Quit();
      },
      this);
  connect_->relay().value(relay.c_str());
  connect_->room().value(room.c_str());
  connect_->name().value(name.c_str());
  int require_pq = 0;
  prefs.get("require_pq", require_pq, 0);
  connect_->require_pq().value(options_.require_pq || require_pq != 0);
  connect_->SetPostQuantumAvailable(crypto::HybridGroupAvailable());
  setup_->name().value(name.c_str());
  ResolveDownloads();

  verify_ = std::make_unique<VerifyDialog>([this] { Trust(); }, [this] { Reject(); });
  verify_->OnHidden([this] {
    if (screen_ == Screen::kChat) chat_->input().take_focus();
    Refresh();
  });
  Fl::add_handler(GlobalShortcuts);
}

App::~App() {
  Fl::remove_handler(GlobalShortcuts);
  if (client_) {
    client_->Stop();
    client_->Wait();
  }
  if (worker_.joinable()) worker_.join();
  for (std::thread& t : openers_) t.join();
  instance_ = nullptr;
}

int App::GlobalShortcuts(int event) {
  if (event != FL_SHORTCUT || instance_ == nullptr) return 0;
  if (Fl::event_state(FL_CTRL) && (Fl::event_key() == 'q' || Fl::event_key() == 'Q')) {
    instance_->Quit();
    return 1;
  }
  return 0;
}

int App::Run() {
  StartIdentity();
  if (!options_.position.empty()) {
    int x = 0, y = 0;
    if (std::sscanf(options_.position.c_str(), "%d,%d", &x, &y) == 2) window_.position(x, y);
  }
  window_.show();
  Refresh();
  while (window_.shown()) {
    Fl::wait();
    queue_.RunPending();
  }
  return 0;
}

// --- connecting --------------------------------------------------------------------------------

void App::OnConnectPressed() {
  if (identity_) return Connect();
  if (key_state_ != "locked") return;  // still loading or generating: Connect waits for it
  std::string pass = connect_->passphrase().value();
  connect_->passphrase().value("");
  connect_->SetBusy(true);
  connect_->SetError("");
  RunOnWorker(
      [home = home_, pass]() mutable {
        Result<crypto::Identity> id = crypto::Identity::Load(home, pass);
        OPENSSL_cleanse(pass.data(), pass.size());
        return id;
      },
      [this](Result<crypto::Identity> id) { OnIdentityLoaded(std::move(id), true); });
  OPENSSL_cleanse(pass.data(), pass.size());
}

void App::Connect() {
  Result<RelayAddress> relay = ParseRelayAddress(connect_->relay().value());
  Result<Code> room = RoomFromInput(connect_->room().value());
  std::string name = connect_->name().value();
  std::string problem;
  if (!relay) {
    problem = relay.error().message;
  } else if (std::string_view(connect_->room().value()).empty()) {
    problem = "Type the code the other person read out, or press New code for a fresh one.";
  } else if (!room) {
    problem = room.error().message;
  } else if (Status ok = CheckOwnName(name); !ok) {
    problem = ok.error().message;
  }
  if (!problem.empty()) {
    connect_->SetBusy(false);
    connect_->SetError(problem);
    return Refresh();
  }
  if (!pins_) {
    Result<std::unique_ptr<PinStorage>> pins = OpenPinFile(home_ / "pins");
    if (!pins) {
      connect_->SetError(pins.error().message);
      return Refresh();
    }
    pins_ = std::move(*pins);
  }
  const bool require_pq = connect_->require_pq().value() != 0;
  if (Status pq = require_pq ? crypto::CheckPostQuantumAvailable() : Ok(); !pq) {
    connect_->SetError(pq.error().message);
    return Refresh();
  }
  Fl_Preferences prefs(home_.string().c_str(), "duet", "gui");
  prefs.set("relay", connect_->relay().value());
  prefs.set("require_pq", require_pq ? 1 : 0);
  // A code is used up by its first session and its words are a secret: only a plain room name is
  // remembered.
  prefs.set("room", room->text.empty() ? room->nameplate.c_str() : "");
  prefs.set("name", name.c_str());
  prefs.flush();

  connect_->SetError("");
  connect_->SetBusy(true);
  SessionConfig config;
  config.name = name;
  config.room = room->nameplate;
  config.code = room->text;
  config.identity = &*identity_;
  config.pins = pins_.get();
  config.require_post_quantum = require_pq;
  config.stall_after_ms = static_cast<int64_t>(options_.stall_after_seconds * 1000);
  config.lost_after_ms = static_cast<int64_t>(options_.lost_after_seconds * 1000);
  config.now_ms = NowMs;
  OpenDownloads();
  config.downloads = downloads_.get();
  config.accept_limits = options_.accept_limits;
  if (!send_queue_) send_queue_ = OpenSendQueue(home_ / "send-queue");
  config.send_queue = send_queue_.get();
  RelayClientOptions net;
  net.relay = *relay;
  leaving_ = false;
  model_.BeginSession(room->text.empty() ? room->nameplate : room->text);
  client_ = std::make_unique<RelayClient>(net, std::move(config), listener_);
  client_->Start();
  ShowScreen(Screen::kChat);
  chat_->input().take_focus();
  Refresh();
}

// Called on the main thread after the model took a session event.
void App::OnModelChanged() {
  if (model_.ended() && client_) {
    FinishClient();
    const bool refused = IsConnectError(model_.end_code()) && !model_.has_peer();
    if (leaving_ || refused) {
      connect_->SetError(refused ? model_.end_reason() : "");
      ShowScreen(Screen::kConnect);
    }
  }
  if (verify_->shown() && (!model_.has_peer() || model_.state() != SessionState::kSecure)) {
    verify_->Close();
  }
  Refresh();
}

// The session is over: its I/O thread has ended or is ending; join it.
void App::FinishClient() {
  client_->Wait();
  client_.reset();
  connect_->SetBusy(false);
}

void App::ShowScreen(Screen s) {
  screen_ = s;
  setup_->hide();
  connect_->hide();
  chat_->hide();
  Fl_Group* shown = s == Screen::kSetup     ? static_cast<Fl_Group*>(setup_)
                    : s == Screen::kConnect ? static_cast<Fl_Group*>(connect_)
                                            : static_cast<Fl_Group*>(chat_);
  shown->resize(0, 0, window_.w(), window_.h());
  shown->show();
  window_.resizable(shown);
  if (s == Screen::kSetup) setup_->name().take_focus();
  if (s == Screen::kConnect) connect_->connect_button().take_focus();
}

// --- chat actions ------------------------------------------------------------------------------

void App::Send(const std::string& text) {
  if (!client_) return;
  const size_t index = model_.AddOwn(text);
  client_->Post([this, index, text](Session& s) {
    Result<std::string> id = s.SendText(text);
    queue_.Post([this, index, id = std::move(id)] {
      if (id)
        model_.AttachId(index, *id);
      else
        model_.MarkFailed(index, id.error());
      Refresh();
    });
  });
  Refresh();
}

void App::OpenVerify() {
  if (!model_.has_peer() || model_.state() != SessionState::kSecure) return;
  verify_->Open(model_.peer(), &window_);
  Refresh();
}

void App::Trust() {
  if (!client_ || !model_.has_peer()) return;
  // The key the window shows: if the relay forced another session since, nothing is trusted.
  client_->Post([this, shown = model_.peer().fingerprint](Session& s) {
    Status st = s.TrustPeer(shown);
    if (!st) {
      queue_.Post([this, e = st.error()] {
        model_.OnError(e, false);
        Refresh();
      });
    }
  });
}

void App::Reject() {
  if (!client_) return;
  client_->Post([this](Session& s) {
    Status st = s.RejectPeer();
    if (!st) {
      queue_.Post([this, e = st.error()] {
        model_.OnError(e, false);
        Refresh();
      });
    }
  });
}

void App::Leave() {
  if (client_) {
    leaving_ = true;
    client_->Stop();  // BYE; OnModelChanged returns to the connect screen when it has ended
    return;
  }
  connect_->SetError("");
  ShowScreen(Screen::kConnect);
  Refresh();
}

void App::Quit() {
  // Closing the window says goodbye (BYE and close_notify) before the app exits; the I/O thread
  // gives up on a relay that does not take it within a few seconds.
  if (client_) {
    client_->Stop();
    client_->Wait();
    client_.reset();
  }
  verify_->hide();
  window_.hide();
}

int RunGui(const GuiOptions& options) {
  Fl::lock();  // turns on Fl::awake() for the worker and I/O threads
  App app(options);
  return app.Run();
}

}  // namespace duet::peer::gui
