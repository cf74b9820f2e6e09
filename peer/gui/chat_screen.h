// The chat window's content: a header (peer, trust badge, connection state, Verify and Leave),
// the key-change or session-ended banner, the transcript, the offers bar (Accept all, Decline
// all: shown while two or more incoming files wait for an answer), and the composer.
//
// Main thread only. Reads the ChatModel (which must outlive it) in Refresh(); what the person
// does goes out through ChatActions.
#pragma once

#include <FL/Fl_Box.H>
#include <FL/Fl_Button.H>
#include <FL/Fl_Group.H>

#include <functional>
#include <string>
#include <vector>

#include "peer/gui/banner.h"
#include "peer/gui/chat_model.h"
#include "peer/gui/message_input.h"
#include "peer/gui/transcript_view.h"

namespace duet::peer::gui {

struct ChatActions {
  std::function<void(const std::string& text)> send;
  std::function<void()> verify;      // open the verify dialog
  std::function<void()> accept_key;  // accept a changed key (after comparing)
  std::function<void()> leave;       // end this session (BYE), back to the connect screen
  // Files picked with Attach or dropped on the window (local paths).
  std::function<void(const std::vector<std::string>& paths)> attach;
  // A button on a file card.
  std::function<void(size_t card, CardAction action)> card;
};

class ChatScreen : public Fl_Group {
 public:
  ChatScreen(int x, int y, int w, int h, const ChatModel& model, ChatActions actions);

  void Refresh();
  MessageInput& input() { return input_; }
  Fl_Button& send_button() { return send_; }
  Fl_Button& verify_button() { return verify_; }
  Fl_Button& attach_button() { return attach_; }
  TranscriptView& transcript_view() { return transcript_; }
  // The banner's "Accept new key" (shown with the key-change warning).
  Fl_Button& accept_key_button() { return banner_.button(1); }
  // The offers bar: "Accept all (N)" and "Decline all", each pressing the cards' own button on
  // every waiting offer (actions.card).
  Fl_Button& accept_all_button() { return accept_all_; }
  Fl_Button& decline_all_button() { return decline_all_; }
  bool offers_bar_shown() const { return offers_bar_.visible(); }
  const TranscriptView& transcript() const { return transcript_; }
  bool banner_shown() const { return banner_.visible(); }
  // Sends what is in the input line (Enter, Ctrl+Enter, the Send button).
  void SendInput();
  // Attach: a file chooser (or, for tests, the path in DUET_TEST_ATTACH), then actions.attach.
  void Attach();

  int handle(int event) override;
  void resize(int x, int y, int w, int h) override;
  void draw() override;

 private:
  void Layout();
  // `action` (Accept or Decline) on every offer waiting now.
  void AnswerAll(CardAction action);

  const ChatModel& model_;
  ChatActions actions_;
  std::string name_, badge_, trust_detail_, state_;
  Fl_Box header_;
  Fl_Box avatar_;
  Fl_Box name_box_;
  Fl_Box badge_box_;
  Fl_Box state_box_;
  Fl_Button verify_;
  Fl_Button leave_;
  Banner banner_;
  TranscriptView transcript_;
  Fl_Box offers_bar_;
  Fl_Button accept_all_;
  Fl_Button decline_all_;
  std::string offers_text_, accept_all_label_;
  Fl_Box composer_;
  MessageInput input_;
  Fl_Button attach_;
  Fl_Button send_;
  std::string avatar_label_;
  uint64_t shown_version_ = UINT64_MAX;
};

}  // namespace duet::peer::gui
