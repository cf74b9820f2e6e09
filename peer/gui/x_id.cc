#include "peer/gui/x_id.h"

#include <FL/Fl_Window.H>
#include <FL/x.H>

namespace duet::peer::gui {

unsigned long XWindowId(Fl_Window* window) {
  if (window == nullptr || !window->shown()) return 0;
  return static_cast<unsigned long>(fl_xid(window));
}

}  // namespace duet::peer::gui
