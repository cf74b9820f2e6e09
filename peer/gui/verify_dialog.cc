#include "peer/gui/verify_dialog.h"

#include "peer/gui/theme.h"

namespace duet::peer::gui {
namespace {

constexpr int kW = 560;
constexpr int kH = 600;
constexpr int kPad = 26;

void Caption(Fl_Box& b) {
  b.labelsize(theme::kSmall);
  b.labelfont(theme::kBold);
  b.labelcolor(theme::kMuted);
  b.align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT);
}

void Code(Fl_Box& b, int size) {
  b.box(FL_RFLAT_BOX);
  b.color(theme::kWindow);
  b.labelfont(theme::kMono);
  b.labelsize(size);
  b.labelcolor(theme::kText);
  b.align(FL_ALIGN_INSIDE | FL_ALIGN_CENTER | FL_ALIGN_WRAP);
}

// "12345 67890 ..." (12 groups) as three lines of four groups.
std::string InRows(const std::string& groups, int per_row) {
  std::string out;
  int n = 0;
  for (char c : groups) {
    if (c == ' ' && ++n % per_row == 0) {
      out += '\n';
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

VerifyDialog::VerifyDialog(std::function<void()> on_match, std::function<void()> on_mismatch)
    : Fl_Double_Window(kW, kH, "Verify"),
      on_match_(std::move(on_match)),
      on_mismatch_(std::move(on_mismatch)),
      title_(kPad, kPad, kW - 2 * kPad, 30),
      intro_(kPad, 62, kW - 2 * kPad, 44),
      sas_label_(kPad, 114, 300, 18),
      sas_box_(kPad, 134, kW - 2 * kPad, 84),
      safety_label_(kPad, 232, 400, 18),
      safety_box_(kPad, 252, kW - 2 * kPad, 84),
      own_label_(kPad, 348, 300, 18, "YOUR FINGERPRINT"),
      own_box_(kPad, 368, kW - 2 * kPad, 44),
      peer_label_box_(kPad, 420, 300, 18),
      peer_box_(kPad, 440, kW - 2 * kPad, 44),
      pq_label_(kPad, 492, 300, 18, "KEY AGREEMENT"),
      pq_box_(kPad, 510, kW - 2 * kPad, 20),
      later_(kPad, kH - kPad - 38, 90, 38, "Not now"),
      mismatch_(kW - kPad - 310, kH - kPad - 38, 160, 38, "They don't match"),
      match_(kW - kPad - 140, kH - kPad - 38, 140, 38, "They match") {
  color(theme::kSurface);
  title_.labeltype(theme::kPlainLabel);
  peer_label_box_.labeltype(theme::kPlainLabel);
  title_.labelfont(theme::kBold);
  title_.labelsize(theme::kTitle);
  title_.align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT);
  intro_.labelsize(theme::kSize);
  intro_.labelcolor(theme::kMuted);
  intro_.align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT | FL_ALIGN_TOP | FL_ALIGN_WRAP);
  Caption(sas_label_);
  Code(sas_box_, 46);
  sas_box_.labelfont(theme::kBold);
  sas_box_.color(fl_rgb_color(0xEA, 0xF0, 0xFE));
  sas_box_.labelcolor(theme::kAccent);
  Caption(safety_label_);
  Code(safety_box_, 18);
  Caption(own_label_);
  Code(own_box_, 12);
  Caption(peer_label_box_);
  Code(peer_box_, 12);
  Caption(pq_label_);
  pq_box_.labelsize(theme::kSize);
  pq_box_.align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT);
  theme::StyleSecondary(&later_);
  later_.callback([](Fl_Widget*, void* s) { static_cast<VerifyDialog*>(s)->hide(); }, this);
  theme::StyleDanger(&mismatch_);
  mismatch_.callback(
      [](Fl_Widget*, void* s) {
        auto* d = static_cast<VerifyDialog*>(s);
        d->hide();
        d->on_mismatch_();
      },
      this);
  theme::StylePrimary(&match_);
  match_.color(theme::kGood);
  match_.selection_color(fl_darker(theme::kGood));
  match_.callback(
      [](Fl_Widget*, void* s) {
        auto* d = static_cast<VerifyDialog*>(s);
        d->hide();
        d->on_match_();
      },
      this);
  end();
  set_modal();
}

void VerifyDialog::hide() {
  const bool was_shown = shown();
  Fl_Double_Window::hide();
  if (was_shown && on_hidden_) on_hidden_();
}

void VerifyDialog::Open(const PeerInfo& peer, Fl_Window* parent) {
  const bool changed = peer.trust == TrustLevel::kChanged;
  title_text_ = (changed ? "Check " : "Verify ") + peer.name + (changed ? "'s new key" : "");
  title_.label(title_text_.c_str());
  label(title_text_.c_str());
  sas_ = peer.sas;
  sas_box_.label(sas_.c_str());
  safety_ = InRows(peer.safety_number, 4);
  safety_box_.label(safety_.c_str());
  own_fp_ = InRows(peer.own_fingerprint_grouped, 8);
  own_box_.label(own_fp_.c_str());
  peer_fp_ = InRows(peer.fingerprint_grouped, 8);
  peer_box_.label(peer_fp_.c_str());
  peer_label_ = "FINGERPRINT OF " + peer.name;
  for (char& c : peer_label_) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  peer_label_box_.label(peer_label_.c_str());
  // Whether a recording of this session stays closed to a future quantum computer.
  key_agreement_ = peer.key_agreement + (peer.post_quantum
                                             ? "  ·  post-quantum: yes"
                                             : "  ·  post-quantum: no (needs OpenSSL 3.5 or "
                                               "later on both machines)");
  pq_box_.label(key_agreement_.c_str());
  pq_box_.labelcolor(peer.post_quantum ? theme::kGood : theme::kMuted);
  match_.label(changed ? "Accept new key" : "They match");
  // Checked by the code: nothing to compare (the PAKE proved the key); the digits stay for a
  // second check by whoever wants one.
  const bool by_code = peer.code_checked && peer.trust == TrustLevel::kVerified;
  intro_text_ = by_code ? "Verified — checked by the code you exchanged. There is nothing to "
                          "compare; the numbers below are an optional second check."
                        : "Read the code to each other, in person or by phone. If it is the same "
                          "on both screens, nobody is between you.";
  intro_.label(intro_text_.c_str());
  intro_.labelcolor(by_code ? theme::kGood : theme::kMuted);
  sas_label_.label(by_code ? "SHORT CODE (optional)" : "SHORT CODE");
  safety_label_.label(by_code ? "SAFETY NUMBER (optional; the same in every session)"
                              : "SAFETY NUMBER (the same in every session)");
  later_.label(by_code ? "Close" : "Not now");
  if (by_code)
    match_.hide();
  else
    match_.show();
  if (parent != nullptr) {
    position(parent->x() + (parent->w() - w()) / 2, parent->y() + (parent->h() - h()) / 2);
  }
  show();
}

}  // namespace duet::peer::gui
