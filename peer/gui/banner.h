// A coloured panel across the chat window: a bold title, a sentence or two, and up to three
// buttons. Used for the key-change warning and for a session that ended.
//
// Main thread only.
#pragma once

#include <FL/Fl_Box.H>
#include <FL/Fl_Button.H>
#include <FL/Fl_Group.H>

#include <array>
#include <string>

namespace duet::peer::gui {

class Banner : public Fl_Group {
 public:
  Banner(int x, int y, int w, int h);

  void Set(Fl_Color background, Fl_Color accent, const std::string& title, const std::string& text);
  // Button i (0..2, right to left); an empty label hides it.
  Fl_Button& button(int i) { return *buttons_[static_cast<size_t>(i)]; }
  // The height this banner needs at width `w` (the text wraps).
  int NeededHeight(int w);
  void resize(int x, int y, int w, int h) override;

 private:
  std::string title_, text_;
  Fl_Box title_box_;
  Fl_Box text_box_;
  std::array<Fl_Button*, 3> buttons_{};
};

}  // namespace duet::peer::gui
