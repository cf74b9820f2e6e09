// The verify dialog: the short authentication string (large, to read aloud), the safety number
// and both fingerprints, with "They match" and "They don't match". For a changed key it says so
// and "They match" accepts the new key. For a key the code already checked it says so and asks
// nothing: the digits stay, labelled optional, with "They don't match" for whoever compares anyway.
//
// Main thread only. Modal; Escape closes it without a decision.
#pragma once

#include <FL/Fl_Box.H>
#include <FL/Fl_Button.H>
#include <FL/Fl_Double_Window.H>

#include <functional>
#include <string>

#include "peer/core/listener.h"

namespace duet::peer::gui {

class VerifyDialog : public Fl_Double_Window {
 public:
  VerifyDialog(std::function<void()> on_match, std::function<void()> on_mismatch);

  // Fills the dialog for `peer` and shows it centred over `parent`.
  void Open(const PeerInfo& peer, Fl_Window* parent);
  void Close() { hide(); }
  // Called after the dialog closed, however it closed (a button, Escape, Close()).
  void OnHidden(std::function<void()> fn) { on_hidden_ = std::move(fn); }
  void hide() override;
  // The SAS as shown (for the test state dump).
  const std::string& sas() const { return sas_; }
  // The key agreement line as shown ("X25519MLKEM768 · post-quantum: yes").
  const std::string& key_agreement() const { return key_agreement_; }
  Fl_Button& match_button() { return match_; }
  Fl_Button& mismatch_button() { return mismatch_; }

 private:
  std::function<void()> on_match_, on_mismatch_, on_hidden_;
  std::string title_text_, intro_text_, sas_, safety_, own_fp_, peer_fp_, peer_label_;
  std::string key_agreement_;
  Fl_Box title_, intro_, sas_label_, sas_box_, safety_label_, safety_box_;
  Fl_Box own_label_, own_box_, peer_label_box_, peer_box_, pq_label_, pq_box_;
  Fl_Button later_, mismatch_, match_;
};

}  // namespace duet::peer::gui
