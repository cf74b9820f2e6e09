// The connect screen's code field: an Fl_Input that, while a word of a code is being typed, shows
// the code words it could become in a list just under it (code_completion.h decides what).
// Tab, or Enter while the list shows, or a click on a word puts it in; Up and Down move the
// selection; Escape hides the list.
//
// Main thread only. The list is a separate widget, a later child of the same group than the
// field (so it is drawn over the fields below and gets clicks first); it must outlive the field.
#pragma once

#include <FL/Fl_Hold_Browser.H>
#include <FL/Fl_Input.H>

#include <functional>
#include <string>
#include <vector>

#include "peer/core/code_completion.h"

namespace duet::peer::gui {

class CodeField : public Fl_Input {
 public:
  CodeField(int x, int y, int w, int h, const char* label);

  // Attaches the list (hidden until there is something to offer) and styles it.
  void AttachList(Fl_Hold_Browser* list);
  // Called after the list appeared, disappeared or changed (for the test state dump).
  void OnListChanged(std::function<void()> fn) { on_list_changed_ = std::move(fn); }
  // The words the list shows now; empty while it is hidden.
  std::vector<std::string> shown_completions() const;

  int handle(int event) override;
  void resize(int x, int y, int w, int h) override;

 private:
  bool list_shown() const { return list_ != nullptr && list_->Fl_Widget::visible(); }
  // Recomputes what to offer from the text and the cursor.
  void Update();
  // Puts the word on line `line` (1-based) of the list into the field.
  void Accept(int line);
  void Move(int by);
  void Hide();
  void PlaceList();

  Fl_Hold_Browser* list_ = nullptr;
  CodeCompletion at_;
  std::function<void()> on_list_changed_;
};

}  // namespace duet::peer::gui
