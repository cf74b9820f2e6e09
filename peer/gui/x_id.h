// The X window id of a shown FLTK window (for the test hook), kept in its own file because
// <FL/x.H> brings in Xlib, whose `Status` macro breaks duet::Status.
#pragma once

class Fl_Window;

namespace duet::peer::gui {
unsigned long XWindowId(Fl_Window* window);
}  // namespace duet::peer::gui
