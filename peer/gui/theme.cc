#include "peer/gui/theme.h"

#include <FL/Fl.H>
#include <FL/Fl_Button.H>
#include <FL/Fl_Input_.H>
#include <FL/fl_draw.H>

namespace duet::peer::gui::theme {
namespace {

void DrawPlain(const Fl_Label* label, int x, int y, int w, int h, Fl_Align align) {
  fl_font(label->font, label->size);
  fl_color(label->color);
  fl_draw(label->value, x, y, w, h, align, label->image, /*draw_symbols=*/0);
}

void MeasurePlain(const Fl_Label* label, int& w, int& h) {
  fl_font(label->font, label->size);
  fl_measure(label->value, w, h, /*draw_symbols=*/0);
}

}  // namespace

void Apply() {
  Fl::scheme("gtk+");
  uchar r, g, b;
  Fl::get_color(kWindow, r, g, b);
  Fl::background(r, g, b);
  Fl::get_color(kSurface, r, g, b);
  Fl::background2(r, g, b);
  Fl::get_color(kText, r, g, b);
  Fl::foreground(r, g, b);
  Fl::set_color(FL_SELECTION_COLOR, 0xBF, 0xD4, 0xFB);
  // Symbola covers every emoji in one face; a colour bitmap font cannot be scaled by Xft.
  Fl::set_font(kEmoji, "Symbola");
  Fl::set_labeltype(kPlainLabel, DrawPlain, MeasurePlain);
  FL_NORMAL_SIZE = kSize;
}

void StylePrimary(Fl_Button* b) {
  b->box(FL_RFLAT_BOX);
  b->down_box(FL_RFLAT_BOX);
  b->color(kAccent);
  b->selection_color(fl_darker(kAccent));
  b->labelcolor(kAccentText);
  b->labelfont(kBold);
  b->labelsize(kSize);
  b->clear_visible_focus();
}

void StyleSecondary(Fl_Button* b) {
  b->box(FL_GTK_UP_BOX);
  b->color(kSurface);
  b->labelcolor(kText);
  b->labelsize(kSize);
  b->clear_visible_focus();
}

void StyleDanger(Fl_Button* b) {
  StylePrimary(b);
  b->color(kDanger);
  b->selection_color(fl_darker(kDanger));
}

void StyleInput(Fl_Input_* in) {
  in->box(FL_GTK_DOWN_BOX);
  in->color(kSurface);
  in->textsize(kSize + 1);
  in->textfont(kFont);
  in->labelsize(kSmall);
  in->labelcolor(kMuted);
  in->align(FL_ALIGN_TOP_LEFT);
}

}  // namespace duet::peer::gui::theme
