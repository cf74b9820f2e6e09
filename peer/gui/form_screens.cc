#include "peer/gui/form_screens.h"

#include <FL/Fl.H>
#include <FL/fl_draw.H>

#include <algorithm>

#include "peer/gui/theme.h"

namespace duet::peer::gui {
namespace {

constexpr int kFieldH = 34;
constexpr int kLabelH = 20;      // a field's label sits above it
constexpr int kDownloadsH = 34;  // the download folder line (two lines of small text)
constexpr int kCheckH = 24;      // the "post-quantum sessions only" box

void StyleTitle(Fl_Box& b) {
  b.labelfont(theme::kBold);
  b.labelsize(theme::kTitle + 4);
  b.labelcolor(theme::kText);
  b.align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT);
}

void StyleText(Fl_Box& b, Fl_Color c = theme::kMuted) {
  b.labelsize(theme::kSize);
  b.labelcolor(c);
  b.align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT | FL_ALIGN_TOP | FL_ALIGN_WRAP);
}

int TextHeight(const std::string& s, int w) {
  if (s.empty()) return 0;
  fl_font(theme::kFont, theme::kSize);
  int tw = w, th = 0;
  fl_measure(s.c_str(), tw, th);
  return th + 4;
}

}  // namespace

// --- CardScreen --------------------------------------------------------------------------------

CardScreen::CardScreen(int x, int y, int w, int h) : Fl_Group(x, y, w, h) {
  box(FL_FLAT_BOX);
  color(theme::kWindow);
}

void CardScreen::resize(int x, int y, int w, int h) {
  Fl_Widget::resize(x, y, w, h);
  const int cw = std::min(kCardW, w - 32);
  card_h_ = CardHeight();
  card_x_ = x + (w - cw) / 2;
  card_y_ = y + std::max(16, (h - card_h_) / 2);
  Layout(card_x_ + kPad, card_y_ + kPad, cw - 2 * kPad);
  redraw();
}

void CardScreen::draw() {
  fl_rectf(x(), y(), w(), h(), color());
  const int cw = std::min(kCardW, w() - 32);
  // A soft shadow, then the card.
  fl_draw_box(FL_RFLAT_BOX, card_x_ + 1, card_y_ + 3, cw, card_h_, fl_rgb_color(0xE2, 0xE5, 0xEB));
  fl_draw_box(FL_RFLAT_BOX, card_x_, card_y_, cw, card_h_, theme::kSurface);
  for (int i = 0; i < children(); ++i) {
    draw_child(*child(i));
    draw_outside_label(*child(i));
  }
}

// --- SetupScreen -------------------------------------------------------------------------------

SetupScreen::SetupScreen(int x, int y, int w, int h, std::function<void()> on_continue)
    : CardScreen(x, y, w, h),
      on_continue_(std::move(on_continue)),
      title_(x, y, 10, 10, "Welcome to Duet"),
      intro_(x, y, 10, 10,
             "Duet is a private line between two people on this network. It is making your "
             "identity key now: it stays on this computer and lets the other person check it "
             "is really you."),
      status_(x, y, 10, 10),
      progress_(x, y, 10, 10),
      name_(x, y, 10, 10, "Your name (the other person sees it)"),
      pass_(x, y, 10, 10, "Passphrase (optional)"),
      pass_hint_(x, y, 10, 10,
                 "Protects your key file on this computer. You will type it each time Duet "
                 "starts. Leave it empty for none."),
      error_(x, y, 10, 10),
      continue_(x, y, 10, 10, "Continue") {
  StyleTitle(title_);
  StyleText(intro_);
  StyleText(status_, theme::kText);
  status_.align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT);
  progress_.box(FL_RFLAT_BOX);
  progress_.color(theme::kPeerBubble);
  progress_.selection_color(theme::kAccent);
  progress_.minimum(0);
  progress_.maximum(100);
  theme::StyleInput(&name_);
  theme::StyleInput(&pass_);
  StyleText(pass_hint_);
  pass_hint_.labelsize(theme::kSmall);
  StyleText(error_, theme::kDanger);
  theme::StylePrimary(&continue_);
  continue_.shortcut(FL_Enter);
  continue_.callback([](Fl_Widget*, void* s) { static_cast<SetupScreen*>(s)->on_continue_(); },
                     this);
  end();
  SetGenerating();
}

void SetupScreen::Layout(int cx, int cy, int cw) {
  title_.resize(cx, cy, cw, 34);
  intro_.resize(cx, cy + 44, cw, 84);
  status_.resize(cx, cy + 134, cw, 22);
  progress_.resize(cx, cy + 160, cw, 8);
  name_.resize(cx, cy + 186 + kLabelH, cw, kFieldH);
  pass_.resize(cx, cy + 250 + kLabelH, cw, kFieldH);
  pass_hint_.resize(cx, cy + 308, cw, 34);
  error_.resize(cx, cy + 348, cw - 140, 40);
  continue_.resize(cx + cw - 130, cy + card_h_ - 2 * kPad - 40, 130, 40);
}

void SetupScreen::Pulse(void* self) {
  auto* s = static_cast<SetupScreen*>(self);
  if (!s->generating_) return;
  // RSA key generation reports no progress: an honest "busy" bar that sweeps and restarts.
  float v = s->progress_.value() + 4;
  s->progress_.value(v > 100 ? 0 : v);
  Fl::repeat_timeout(0.05, Pulse, self);
}

void SetupScreen::SetGenerating() {
  status_text_ = "Creating your identity key…";
  status_.label(status_text_.c_str());
  generating_ = true;
  progress_.value(0);
  continue_.deactivate();
  Fl::remove_timeout(Pulse, this);
  Fl::add_timeout(0.05, Pulse, this);
}

void SetupScreen::SetKeyReady(const std::string& fingerprint_grouped) {
  generating_ = false;
  Fl::remove_timeout(Pulse, this);
  progress_.value(100);
  progress_.selection_color(theme::kGood);
  status_text_ = "✓  Your key is ready: " + fingerprint_grouped.substr(0, 19) + " …";
  status_.label(status_text_.c_str());
  status_.labelcolor(theme::kGood);
  continue_.activate();
  redraw();
}

void SetupScreen::SetError(const std::string& sentence) {
  error_text_ = sentence;
  error_.label(error_text_.c_str());
  if (!sentence.empty() && generating_) {  // generation itself failed
    generating_ = false;
    Fl::remove_timeout(Pulse, this);
  }
  redraw();
}

// --- ConnectScreen -----------------------------------------------------------------------------

ConnectScreen::ConnectScreen(int x, int y, int w, int h, std::function<void()> on_connect,
                             std::function<std::string()> new_room_code,
                             std::function<void()> on_change_downloads)
    : CardScreen(x, y, w, h),
      on_connect_(std::move(on_connect)),
      new_room_code_(std::move(new_room_code)),
      on_change_downloads_(std::move(on_change_downloads)),
      title_(x, y, 10, 10, "Duet"),
      tagline_(x, y, 10, 10,
               "An end-to-end encrypted line between two people. The relay passes the bytes "
               "along but cannot read them."),
      relay_(x, y, 10, 10, "Relay address (host:port)"),
      room_(x, y, 10, 10, "Code: a number and three words, e.g. 7301-acorn-gravy-petal"),
      new_code_(x, y, 10, 10, "New code"),
      name_(x, y, 10, 10, "Your name"),
      pass_(x, y, 10, 10, "Passphrase of your key"),
      downloads_(x, y, 10, 10),
      change_downloads_(x, y, 10, 10, "Change…"),
      require_pq_(x, y, 10, 10, "Post-quantum sessions only (X25519MLKEM768)"),
      error_(x, y, 10, 10),
      connect_(x, y, 10, 10, "Connect"),
      fingerprint_(x, y, 10, 10),
      completions_(x, y, 10, 10) {
  StyleTitle(title_);
  StyleText(tagline_);
  theme::StyleInput(&relay_);
  theme::StyleInput(&room_);
  room_.tooltip("Both of you type the same code; Tab completes a word");
  room_.AttachList(&completions_);
  theme::StyleInput(&name_);
  theme::StyleInput(&pass_);
  theme::StyleSecondary(&new_code_);
  new_code_.tooltip("Make a fresh code to read out to the other person");
  new_code_.callback(
      [](Fl_Widget*, void* s) {
        auto* self = static_cast<ConnectScreen*>(s);
        self->room_code_ = self->new_room_code_();
        self->room_.value(self->room_code_.c_str());
      },
      this);
  StyleText(downloads_);
  downloads_.labelsize(theme::kSmall);
  downloads_.align(downloads_.align() | FL_ALIGN_CLIP);  // a long path without spaces
  theme::StyleSecondary(&change_downloads_);
  change_downloads_.tooltip("Choose the folder received files are saved into");
  change_downloads_.callback(
      [](Fl_Widget*, void* s) { static_cast<ConnectScreen*>(s)->on_change_downloads_(); }, this);
  require_pq_.labelsize(theme::kSmall);
  require_pq_.labelcolor(theme::kText);
  require_pq_.color(theme::kSurface);
  require_pq_.callback(
      [](Fl_Widget*, void* s) {
        auto* self = static_cast<ConnectScreen*>(s);
        if (self->on_require_pq_) self->on_require_pq_();
      },
      this);
  StyleText(error_, theme::kDanger);
  theme::StylePrimary(&connect_);
  connect_.shortcut(FL_Enter);
  connect_.callback([](Fl_Widget*, void* s) { static_cast<ConnectScreen*>(s)->on_connect_(); },
                    this);
  StyleText(fingerprint_);
  fingerprint_.labelsize(theme::kSmall);
  end();
  pass_.hide();
}

int ConnectScreen::CardHeight() const {
  const int cw = std::min(kCardW, w() - 32) - 2 * kPad;
  return 2 * kPad + 34 + 56 + 3 * (kLabelH + kFieldH + 12) +
         (pass_.visible() ? kLabelH + kFieldH + 12 : 0) + kDownloadsH + 12 + kCheckH + 8 +
         TextHeight(error_text_, cw) + 8 + 40 + 14 + 34;
}

void ConnectScreen::Layout(int cx, int cy, int cw) {
  int y = cy;
  title_.resize(cx, y, cw, 34);
  y += 40;
  tagline_.resize(cx, y, cw, 44);
  y += 50;
  auto field = [&](Fl_Input& in, int width) {
    in.resize(cx, y + kLabelH, width, kFieldH);
    y += kLabelH + kFieldH + 12;
  };
  field(relay_, cw);
  new_code_.resize(cx + cw - 100, y + kLabelH, 100, kFieldH);
  field(room_, cw - 108);
  field(name_, cw);
  if (pass_.visible()) field(pass_, cw);
  downloads_.resize(cx, y, cw - 108, kDownloadsH);
  change_downloads_.resize(cx + cw - 100, y + (kDownloadsH - 30) / 2, 100, 30);
  y += kDownloadsH + 12;
  require_pq_.resize(cx, y, cw, kCheckH);
  y += kCheckH + 8;
  const int eh = TextHeight(error_text_, cw);
  error_.resize(cx, y, cw, eh);
  y += eh + 8;
  connect_.resize(cx + cw - 140, y, 140, 40);
  y += 54;
  fingerprint_.resize(cx, y, cw, 34);
}

void ConnectScreen::ShowPassphrase(bool show) {
  if (show == static_cast<bool>(pass_.visible())) return;
  if (show)
    pass_.show();
  else
    pass_.hide();
  resize(x(), y(), w(), h());
}

void ConnectScreen::SetError(const std::string& sentence) {
  error_text_ = sentence;
  error_.label(error_text_.c_str());
  resize(x(), y(), w(), h());
}

void ConnectScreen::SetBusy(bool busy) {
  if (busy) {
    connect_.label("Connecting…");
    connect_.deactivate();
  } else {
    connect_.label("Connect");
    connect_.activate();
  }
}

void ConnectScreen::SetPostQuantumAvailable(bool available) {
  if (available) {
    require_pq_.activate();
    require_pq_.tooltip(
        "Refuse any session whose keys are not agreed with X25519MLKEM768 (the other side needs "
        "OpenSSL 3.5 or later too)");
  } else {
    require_pq_.deactivate();
    require_pq_.tooltip("This machine's OpenSSL has no ML-KEM (3.5 or later has it, as on Debian "
                        "13), so its sessions use X25519");
  }
}

void ConnectScreen::SetDownloads(const std::string& path) {
  downloads_text_ = "Received files are saved in " + path;
  downloads_.label(downloads_text_.c_str());
  redraw();
}

void ConnectScreen::SetFingerprint(const std::string& grouped) {
  fingerprint_text_ = grouped.empty() ? "" : "Your key: " + grouped;
  fingerprint_.label(fingerprint_text_.c_str());
  redraw();
}

}  // namespace duet::peer::gui
