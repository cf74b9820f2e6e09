// The two screens before a conversation, each a card centred in the window:
//  - SetupScreen (first run): display name and an optional passphrase, while the identity key
//    is generated in the background with a progress bar; Continue when the key is ready.
//  - ConnectScreen: relay address, the code (with a button that makes a fresh one, and its words
//    completed as they are typed), display name, the passphrase when the key has one, "post-
//    quantum sessions only" (greyed where OpenSSL has no ML-KEM), and Connect. Problems show as
//    a sentence.
//
// Main thread only. What the person does goes out through the callbacks.
#pragma once

#include <FL/Fl_Box.H>
#include <FL/Fl_Button.H>
#include <FL/Fl_Check_Button.H>
#include <FL/Fl_Group.H>
#include <FL/Fl_Hold_Browser.H>
#include <FL/Fl_Input.H>
#include <FL/Fl_Progress.H>
#include <FL/Fl_Secret_Input.H>

#include <functional>
#include <string>
#include <vector>

#include "peer/gui/code_field.h"

namespace duet::peer::gui {

// A card: a white rounded panel; children are placed by the screen's Layout().
class CardScreen : public Fl_Group {
 public:
  CardScreen(int x, int y, int w, int h);
  void draw() override;
  void resize(int x, int y, int w, int h) override;

 protected:
  virtual int CardHeight() const = 0;
  virtual void Layout(int cx, int cy, int cw) = 0;
  static constexpr int kCardW = 470;
  static constexpr int kPad = 28;
  int card_x_ = 0, card_y_ = 0, card_h_ = 0;
};

class SetupScreen : public CardScreen {
 public:
  SetupScreen(int x, int y, int w, int h, std::function<void()> on_continue);

  // Key generation: running (the bar pulses), done (with the fingerprint), or failed.
  void SetGenerating();
  void SetKeyReady(const std::string& fingerprint_grouped);
  void SetError(const std::string& sentence);
  Fl_Input& name() { return name_; }
  Fl_Secret_Input& passphrase() { return pass_; }
  Fl_Button& continue_button() { return continue_; }

 protected:
  int CardHeight() const override { return 490; }
  void Layout(int cx, int cy, int cw) override;

 private:
  static void Pulse(void* self);
  std::function<void()> on_continue_;
  std::string status_text_, error_text_;
  Fl_Box title_, intro_, status_;
  Fl_Progress progress_;
  Fl_Input name_;
  Fl_Secret_Input pass_;
  Fl_Box pass_hint_, error_;
  Fl_Button continue_;
  bool generating_ = false;
};

class ConnectScreen : public CardScreen {
 public:
  ConnectScreen(int x, int y, int w, int h, std::function<void()> on_connect,
                std::function<std::string()> new_room_code,
                std::function<void()> on_change_downloads);

  Fl_Input& relay() { return relay_; }
  Fl_Input& room() { return room_; }
  // The code words the completion list shows now (empty while it is hidden), and a hook called
  // when that changes.
  std::vector<std::string> completions() const { return room_.shown_completions(); }
  void OnCompletionsChanged(std::function<void()> fn) { room_.OnListChanged(std::move(fn)); }
  Fl_Input& name() { return name_; }
  Fl_Secret_Input& passphrase() { return pass_; }
  Fl_Button& connect_button() { return connect_; }
  Fl_Button& change_downloads_button() { return change_downloads_; }
  // "Post-quantum sessions only" (--require-pq). `available`: this machine's OpenSSL has ML-KEM;
  // without it the box is greyed and says why (a box already ticked stays so, and Connect then
  // says PQ_UNAVAILABLE).
  Fl_Check_Button& require_pq() { return require_pq_; }
  void SetPostQuantumAvailable(bool available);
  // Called when the person ticks or unticks it.
  void OnRequirePqChanged(std::function<void()> fn) { on_require_pq_ = std::move(fn); }
  // The folder received files are saved into, shown under the fields.
  void SetDownloads(const std::string& path);
  // The passphrase field shows only for a key that has one.
  void ShowPassphrase(bool show);
  void SetError(const std::string& sentence);
  const std::string& error() const { return error_text_; }
  void SetBusy(bool busy);
  void SetFingerprint(const std::string& grouped);

 protected:
  int CardHeight() const override;
  void Layout(int cx, int cy, int cw) override;

 private:
  std::function<void()> on_connect_;
  std::function<std::string()> new_room_code_;
  std::function<void()> on_change_downloads_;
  std::function<void()> on_require_pq_;
  std::string error_text_, fingerprint_text_, room_code_, downloads_text_;
  Fl_Box title_, tagline_;
  Fl_Input relay_;
  CodeField room_;
  Fl_Button new_code_;
  Fl_Input name_;
  Fl_Secret_Input pass_;
  Fl_Box downloads_;
  Fl_Button change_downloads_;
  Fl_Check_Button require_pq_;
  Fl_Box error_;
  Fl_Button connect_;
  Fl_Box fingerprint_;
  Fl_Hold_Browser completions_;  // last: drawn over the fields under the code field
};

}  // namespace duet::peer::gui
