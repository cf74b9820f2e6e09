#include "peer/gui/message_input.h"

#include <FL/Fl.H>

namespace duet::peer::gui {

MessageInput::MessageInput(int x, int y, int w, int h) : Fl_Multiline_Input(x, y, w, h) {
  wrap(1);
  when(FL_WHEN_NEVER);  // the callback means "send", nothing else
}

int MessageInput::handle(int event) {
  if (event == FL_KEYBOARD && (Fl::event_key() == FL_Enter || Fl::event_key() == FL_KP_Enter)) {
    if (Fl::event_state(FL_SHIFT)) {
      insert("\n");
    } else if (active_r()) {
      do_callback();
    }
    return 1;
  }
  return Fl_Multiline_Input::handle(event);
}

}  // namespace duet::peer::gui
