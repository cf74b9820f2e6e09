#include "peer/gui/code_field.h"

#include <FL/Fl.H>
#include <FL/fl_draw.H>

#include "peer/gui/theme.h"

namespace duet::peer::gui {

CodeField::CodeField(int x, int y, int w, int h, const char* label) : Fl_Input(x, y, w, h, label) {}

void CodeField::AttachList(Fl_Hold_Browser* list) {
  list_ = list;
  list_->box(FL_BORDER_BOX);
  list_->color(theme::kSurface);
  list_->selection_color(theme::kAccent);
  list_->textfont(theme::kFont);
  list_->textsize(theme::kSize);
  list_->has_scrollbar(0);
  // A click must not take the focus from the field (the person goes on typing).
  list_->clear_visible_focus();
  list_->when(FL_WHEN_RELEASE_ALWAYS);
  list_->callback(
      [](Fl_Widget* w, void* self) {
        auto* field = static_cast<CodeField*>(self);
        const int line = static_cast<Fl_Hold_Browser*>(w)->value();
        if (line > 0 && Fl::event() == FL_RELEASE) field->Accept(line);
      },
      this);
  list_->hide();
}

std::vector<std::string> CodeField::shown_completions() const {
  if (!list_shown()) return {};
  return at_.matches;
}

int CodeField::handle(int event) {
  if (event == FL_KEYBOARD && list_shown()) {
    switch (Fl::event_key()) {
      case FL_Tab:
      case FL_Enter:
      case FL_KP_Enter: Accept(list_->value() > 0 ? list_->value() : 1); return 1;
      case FL_Up: Move(-1); return 1;
      case FL_Down: Move(+1); return 1;
      case FL_Escape: Hide(); return 1;
      default: break;
    }
  }
  if (event == FL_UNFOCUS && Fl::belowmouse() != list_) Hide();
  const int used = Fl_Input::handle(event);
  // Every key that may have changed the text or moved the cursor (a non-letter ends the word).
  if (event == FL_KEYBOARD || event == FL_PASTE) Update();
  return used;
}

void CodeField::resize(int x, int y, int w, int h) {
  Fl_Input::resize(x, y, w, h);
  if (list_shown()) PlaceList();
}

void CodeField::Update() {
  if (list_ == nullptr) return;
  const std::vector<std::string> before = shown_completions();
  at_ = CompletionsAt(value(), static_cast<size_t>(Fl_Input_::position()));
  if (at_.matches.empty()) return Hide();
  if (at_.matches != before) {
    list_->clear();
    for (const std::string& w : at_.matches) list_->add(w.c_str());
    list_->value(1);  // Tab takes the first unless the person moves
  }
  PlaceList();
  list_->show();
  parent()->redraw();
  if (at_.matches != before && on_list_changed_) on_list_changed_();
}

void CodeField::PlaceList() {
  const int rows = static_cast<int>(at_.matches.size());
  // Tall enough for every row (the browser's lines are the font's height and a pixel).
  fl_font(list_->textfont(), list_->textsize());
  list_->resize(x(), y() + h(), w(), rows * (fl_height() + 1) + 4);
}

void CodeField::Accept(int line) {
  if (line < 1 || static_cast<size_t>(line) > at_.matches.size()) return;
  const FieldEdit edit = AcceptCompletion(value(), at_, at_.matches[line - 1]);
  value(edit.text.c_str());
  // (Only when the click took it: FL_FOCUS after a Tab selects the whole text.)
  if (Fl::focus() != this) take_focus();
  Fl_Input_::position(static_cast<int>(edit.cursor));
  Update();  // hides the list (the word is complete), or offers the next word's
}

void CodeField::Move(int by) {
  const int n = list_->size();
  int line = list_->value() + by;
  if (line < 1) line = n;
  if (line > n) line = 1;
  list_->value(line);
}

void CodeField::Hide() {
  if (!list_shown()) return;
  list_->hide();
  at_.matches.clear();
  parent()->redraw();
  if (on_list_changed_) on_list_changed_();
}

}  // namespace duet::peer::gui
