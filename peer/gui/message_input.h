// The line where a person writes: Enter (or Ctrl+Enter) sends, Shift+Enter breaks the line.
// Sending calls the widget's callback; the owner reads value() and clears it.
//
// Main thread only.
#pragma once

#include <FL/Fl_Multiline_Input.H>

namespace duet::peer::gui {

class MessageInput : public Fl_Multiline_Input {
 public:
  MessageInput(int x, int y, int w, int h);
  int handle(int event) override;
};

}  // namespace duet::peer::gui
