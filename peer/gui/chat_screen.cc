#include "peer/gui/chat_screen.h"

#include <FL/Fl.H>
#include <FL/Fl_Native_File_Chooser.H>
#include <FL/fl_draw.H>

#include <cstdlib>

#include "peer/gui/theme.h"

namespace duet::peer::gui {
namespace {

constexpr int kHeaderH = 64;
constexpr int kComposerH = 78;
constexpr int kOffersBarH = 48;
constexpr int kPad = 14;

// The badge: colour and label for the peer's trust.
Fl_Color BadgeColor(const ChatModel& m) {
  if (!m.has_peer()) return theme::kBorder;
  switch (m.peer().trust) {
    case TrustLevel::kVerified: return theme::kGood;
    case TrustLevel::kChanged: return theme::kDanger;
    case TrustLevel::kKnown: return theme::kAccent;
    case TrustLevel::kNew: return theme::kWarn;
  }
  return theme::kBorder;
}

Fl_Color StateColor(SessionState s) {
  switch (s) {
    case SessionState::kSecure: return theme::kGood;
    case SessionState::kClosed: return theme::kDanger;
    case SessionState::kPeerLeft:
    case SessionState::kReconnecting: return theme::kWarn;
    default: return theme::kMuted;
  }
}

// The first character of a name (a whole UTF-8 sequence), for the avatar.
std::string Initial(const std::string& name) {
  if (name.empty()) return "?";
  size_t n = 1;
  while (n < name.size() && (static_cast<unsigned char>(name[n]) & 0xC0) == 0x80) ++n;
  std::string s = name.substr(0, n);
  if (s.size() == 1) s[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(s[0])));
  return s;
}

}  // namespace

ChatScreen::ChatScreen(int x, int y, int w, int h, const ChatModel& model, ChatActions actions)
    : Fl_Group(x, y, w, h),
      model_(model),
      actions_(std::move(actions)),
      header_(x, y, w, kHeaderH),
      avatar_(x, y, 40, 40),
      name_box_(x, y, 10, 10),
      badge_box_(x, y, 10, 10),
      state_box_(x, y, 10, 10),
      verify_(x, y, 10, 10, "Verify…"),
      leave_(x, y, 10, 10, "Leave"),
      banner_(x, y, w, 100),
      transcript_(x, y, w, 100, model),
      offers_bar_(x, y, w, kOffersBarH),
      accept_all_(x, y, 10, 10),
      decline_all_(x, y, 10, 10, "Decline all"),
      composer_(x, y, w, kComposerH),
      input_(x, y, 10, 10),
      attach_(x, y, 10, 10, "Attach…"),
      send_(x, y, 10, 10, "Send") {
  box(FL_FLAT_BOX);
  color(theme::kWindow);
  header_.box(FL_FLAT_BOX);
  header_.color(theme::kSurface);
  avatar_.box(FL_OFLAT_BOX);
  avatar_.labelfont(theme::kBold);
  avatar_.labelsize(18);
  avatar_.labelcolor(theme::kAccentText);
  name_box_.labeltype(theme::kPlainLabel);
  avatar_.labeltype(theme::kPlainLabel);
  name_box_.labelfont(theme::kBold);
  name_box_.labelsize(17);
  name_box_.align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT);
  badge_box_.box(FL_RFLAT_BOX);
  badge_box_.labelfont(theme::kBold);
  badge_box_.labelsize(theme::kSmall - 1);
  badge_box_.labelcolor(theme::kAccentText);
  state_box_.labelsize(theme::kSmall + 1);
  state_box_.align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT);
  theme::StyleSecondary(&verify_);
  verify_.shortcut(FL_CTRL + 'k');
  verify_.tooltip("Compare the security codes with the other person (Ctrl+K)");
  verify_.callback([](Fl_Widget*, void* s) { static_cast<ChatScreen*>(s)->actions_.verify(); },
                   this);
  theme::StyleSecondary(&leave_);
  leave_.tooltip("End this conversation and go back to the connect screen");
  leave_.callback([](Fl_Widget*, void* s) { static_cast<ChatScreen*>(s)->actions_.leave(); }, this);

  banner_.button(0).callback(
      [](Fl_Widget*, void* s) { static_cast<ChatScreen*>(s)->actions_.leave(); }, this);
  banner_.button(1).callback(
      [](Fl_Widget*, void* s) { static_cast<ChatScreen*>(s)->actions_.accept_key(); }, this);
  banner_.button(2).callback(
      [](Fl_Widget*, void* s) { static_cast<ChatScreen*>(s)->actions_.verify(); }, this);
  theme::StylePrimary(&banner_.button(1));
  banner_.hide();

  offers_bar_.box(FL_NO_BOX);  // on the screen's own background, under a hairline
  offers_bar_.labeltype(theme::kPlainLabel);
  offers_bar_.labelsize(theme::kSmall + 1);
  offers_bar_.labelcolor(theme::kText);
  offers_bar_.align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT);
  theme::StylePrimary(&accept_all_);
  accept_all_.tooltip("Accept every file waiting for an answer");
  accept_all_.callback(
      [](Fl_Widget*, void* s) { static_cast<ChatScreen*>(s)->AnswerAll(CardAction::kAccept); },
      this);
  theme::StyleSecondary(&decline_all_);
  decline_all_.tooltip("Decline every file waiting for an answer");
  decline_all_.callback(
      [](Fl_Widget*, void* s) { static_cast<ChatScreen*>(s)->AnswerAll(CardAction::kDecline); },
      this);
  offers_bar_.hide();
  accept_all_.hide();
  decline_all_.hide();

  composer_.box(FL_FLAT_BOX);
  composer_.color(theme::kSurface);
  theme::StyleInput(&input_);
  input_.tooltip("Enter sends, Shift+Enter starts a new line");
  input_.callback([](Fl_Widget*, void* s) { static_cast<ChatScreen*>(s)->SendInput(); }, this);
  theme::StyleSecondary(&attach_);
  attach_.tooltip("Send a file (or drop files or folders on the window)");
  attach_.callback([](Fl_Widget*, void* s) { static_cast<ChatScreen*>(s)->Attach(); }, this);
  transcript_.OnCardAction([this](size_t card, CardAction a) {
    if (actions_.card) actions_.card(card, a);
  });
  theme::StylePrimary(&send_);
  send_.callback([](Fl_Widget*, void* s) { static_cast<ChatScreen*>(s)->SendInput(); }, this);
  end();
  resizable(nullptr);
  Refresh();
}

void ChatScreen::SendInput() {
  if (!model_.can_send()) return;
  std::string text = input_.value();
  // Trailing newlines and spaces are almost always an accident of Shift+Enter.
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  if (text.empty()) return;
  input_.value("");
  actions_.send(text);
}

void ChatScreen::Attach() {
  if (!model_.can_send() || !actions_.attach) return;
  // Tests drive the same path without the native dialog, which xdotool cannot fill reliably.
  if (const char* path = std::getenv("DUET_TEST_ATTACH"); path != nullptr && *path != '\0') {
    return actions_.attach({path});
  }
  Fl_Native_File_Chooser chooser;
  chooser.title("Send a file");
  chooser.type(Fl_Native_File_Chooser::BROWSE_MULTI_FILE);
  if (chooser.show() != 0) return;  // cancelled or failed
  std::vector<std::string> paths;
  for (int i = 0; i < chooser.count(); ++i) paths.push_back(chooser.filename(i));
  if (!paths.empty()) actions_.attach(paths);
}

void ChatScreen::AnswerAll(CardAction action) {
  if (!actions_.card) return;
  // The indices are taken first: each answer changes the model (the card stops waiting).
  for (size_t card : model_.WaitingOffers()) actions_.card(card, action);
}

int ChatScreen::handle(int event) {
  switch (event) {
    // The whole screen takes drops (files anywhere, not only onto the input line).
    case FL_DND_ENTER:
    case FL_DND_DRAG:
    case FL_DND_RELEASE: return model_.can_send() ? 1 : 0;
    case FL_DND_LEAVE: return 1;
    case FL_PASTE: {
      // What was dropped on us: files are sent, text goes into the input line.
      if (Fl::event_text() == nullptr || !model_.can_send()) return 1;
      const std::string_view text(Fl::event_text(), static_cast<size_t>(Fl::event_length()));
      std::vector<std::string> paths = ParseDroppedPaths(text);
      if (!paths.empty()) {
        if (actions_.attach) actions_.attach(paths);
      } else {
        input_.insert(text.data(), static_cast<int>(text.size()));
        input_.take_focus();
      }
      return 1;
    }
    default: break;
  }
  return Fl_Group::handle(event);
}

void ChatScreen::Refresh() {
  const ChatModel& m = model_;
  name_ = m.has_peer() ? m.peer().name : "Waiting for someone";
  badge_ = m.BadgeLabel();
  trust_detail_ = m.TrustDetail();
  badge_box_.tooltip(trust_detail_.empty() ? nullptr : trust_detail_.c_str());
  state_ = "●  " + m.StateLabel();
  avatar_label_ = m.has_peer() ? Initial(m.peer().name) : "…";
  avatar_.label(avatar_label_.c_str());
  avatar_.color(m.has_peer() ? BadgeColor(m) : theme::kBorder);
  name_box_.label(name_.c_str());
  badge_box_.label(badge_.c_str());
  badge_box_.color(BadgeColor(m));
  state_box_.label(state_.c_str());
  state_box_.labelcolor(StateColor(m.state()));
  if (m.has_peer() && m.state() == SessionState::kSecure) {
    verify_.activate();
  } else {
    verify_.deactivate();
  }
  leave_.label(m.ended() ? "New connection" : "Leave");

  if (m.key_change_pending() && !m.ended()) {
    const std::string& contact = m.peer().contact.empty() ? m.peer().name : m.peer().contact;
    const std::string held = m.held() == 0 ? std::string()
                                           : " It has sent " + std::to_string(m.held()) +
                                                 (m.held() == 1 ? " item" : " items") +
                                                 ", held unread until you decide.";
    banner_.Set(
        theme::kDangerSoft, theme::kDanger,
        "⚠  " + (m.peer().name == contact ? contact + "'s key has changed"
                                          : "\"" + m.peer().name + "\" claims to be " + contact),
        "This is not the key you saw before. Either " + contact +
            " reinstalled Duet or set it up on another computer, or someone is "
            "between you and reading everything. Nothing you type will be sent, and "
            "nothing it sends is shown, until you compare the codes with them (in person "
            "or by phone) and accept the new key, or disconnect." +
            held);
    banner_.button(2).label("Compare codes…");
    banner_.button(1).label("Accept new key");
    banner_.button(0).label("Disconnect");
    banner_.show();
  } else if (m.ended()) {
    banner_.Set(theme::kWarnSoft, theme::kText, "This conversation has ended",
                m.end_reason().empty() ? "You left the room." : m.end_reason());
    banner_.button(2).label("");
    banner_.button(1).label("");
    banner_.button(0).label("New connection");
    banner_.show();
  } else {
    banner_.hide();
  }
  if (m.can_send()) {
    input_.activate();
    send_.activate();
    attach_.activate();
  } else {
    input_.deactivate();
    send_.deactivate();
    attach_.deactivate();
  }
  input_.color(m.can_send() ? theme::kSurface : theme::kWindow);  // visibly closed
  // One offer (a file or a folder) is answered on its card; from two on, a bar answers them all.
  const std::vector<size_t> offers = m.WaitingOffers();
  const size_t waiting = offers.size();
  if (waiting >= 2) {
    size_t folders = 0;
    for (size_t card : offers) folders += m.files()[card].folder ? 1 : 0;
    const size_t files = waiting - folders;
    auto count = [](size_t n, const char* one) {
      return std::to_string(n) + " " + one + (n == 1 ? "" : "s");
    };
    offers_text_ = (folders == 0 ? count(files, "file")
                    : files == 0 ? count(folders, "folder")
                                 : count(files, "file") + " and " + count(folders, "folder")) +
                   " are waiting for your answer";
    accept_all_label_ = "Accept all (" + std::to_string(waiting) + ")";
    offers_bar_.label(offers_text_.c_str());
    accept_all_.label(accept_all_label_.c_str());
    offers_bar_.show();
    accept_all_.show();
    decline_all_.show();
  } else {
    offers_bar_.hide();
    accept_all_.hide();
    decline_all_.hide();
  }
  Layout();
  transcript_.Refresh();
  redraw();
}

void ChatScreen::resize(int x, int y, int w, int h) {
  Fl_Widget::resize(x, y, w, h);
  Layout();
}

void ChatScreen::Layout() {
  const int X = x(), Y = y(), W = w(), H = h();
  header_.resize(X, Y, W, kHeaderH);
  avatar_.resize(X + kPad, Y + 12, 40, 40);
  fl_font(name_box_.labelfont(), name_box_.labelsize());
  const int name_w = std::min(W / 2, static_cast<int>(fl_width(name_.c_str())) + 4);
  name_box_.resize(X + kPad + 52, Y + 10, name_w, 24);
  fl_font(badge_box_.labelfont(), badge_box_.labelsize());
  const int badge_w = badge_.empty() ? 0 : static_cast<int>(fl_width(badge_.c_str())) + 18;
  badge_box_.resize(X + kPad + 52 + name_w + 8, Y + 13, badge_w, 19);
  if (badge_.empty())
    badge_box_.hide();
  else
    badge_box_.show();
  state_box_.resize(X + kPad + 52, Y + 34, W / 2, 20);
  fl_font(leave_.labelfont(), leave_.labelsize());
  const int leave_w = static_cast<int>(fl_width(leave_.label())) + 28;
  leave_.resize(X + W - kPad - leave_w, Y + 16, leave_w, 32);
  verify_.resize(leave_.x() - 8 - 96, Y + 16, 96, 32);

  int top = Y + kHeaderH + 1;
  if (banner_.visible()) {
    const int bh = banner_.NeededHeight(W);
    banner_.resize(X, top, W, bh);
    top += bh;
  }
  const int composer_y = Y + H - kComposerH;
  int bottom = composer_y - 1;
  if (offers_bar_.visible()) {
    bottom -= kOffersBarH;
    offers_bar_.resize(X + kPad, bottom, W - 2 * kPad, kOffersBarH);
    fl_font(decline_all_.labelfont(), decline_all_.labelsize());
    const int decline_w = static_cast<int>(fl_width(decline_all_.label())) + 28;
    decline_all_.resize(X + W - kPad - decline_w, bottom + 8, decline_w, kOffersBarH - 16);
    fl_font(accept_all_.labelfont(), accept_all_.labelsize());
    const int accept_w = static_cast<int>(fl_width(accept_all_.label())) + 28;
    accept_all_.resize(decline_all_.x() - 8 - accept_w, bottom + 8, accept_w, kOffersBarH - 16);
    bottom -= 1;  // hairline
  }
  transcript_.resize(X, top, W, bottom - top);
  composer_.resize(X, composer_y, W, kComposerH);
  send_.resize(X + W - kPad - 88, composer_y + 14, 88, kComposerH - 28);
  attach_.resize(send_.x() - 8 - 92, composer_y + 14, 92, kComposerH - 28);
  input_.resize(X + kPad, composer_y + 12, attach_.x() - kPad - X - kPad, kComposerH - 24);
}

void ChatScreen::draw() {
  Fl_Group::draw();
  // Hairlines under the header and above the composer.
  fl_color(theme::kBorder);
  fl_xyline(x(), y() + kHeaderH, x() + w());
  fl_xyline(x(), composer_.y() - 1, x() + w());
  if (offers_bar_.visible()) fl_xyline(x(), offers_bar_.y() - 1, x() + w());
}

}  // namespace duet::peer::gui
