#include "peer/gui/banner.h"

#include <FL/fl_draw.H>

#include "peer/gui/theme.h"

namespace duet::peer::gui {
namespace {
constexpr int kPad = 14;
constexpr int kButtonH = 32;
}  // namespace

Banner::Banner(int x, int y, int w, int h)
    : Fl_Group(x, y, w, h), title_box_(x, y, w, 10), text_box_(x, y, w, 10) {
  box(FL_FLAT_BOX);
  title_box_.labeltype(theme::kPlainLabel);
  text_box_.labeltype(theme::kPlainLabel);
  title_box_.labelfont(theme::kBold);
  title_box_.labelsize(theme::kSize + 2);
  title_box_.align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT);
  text_box_.labelsize(theme::kSize);
  text_box_.align(FL_ALIGN_INSIDE | FL_ALIGN_LEFT | FL_ALIGN_TOP | FL_ALIGN_WRAP);
  for (auto& b : buttons_) {
    b = new Fl_Button(x, y, 10, kButtonH);
    theme::StyleSecondary(b);
  }
  end();
}

void Banner::Set(Fl_Color background, Fl_Color accent, const std::string& title,
                 const std::string& text) {
  title_ = title;
  text_ = text;
  color(background);
  title_box_.label(title_.c_str());
  title_box_.labelcolor(accent);
  text_box_.label(text_.c_str());
  text_box_.labelcolor(theme::kText);
  resize(x(), y(), w(), h());
  redraw();
}

int Banner::NeededHeight(int w) {
  fl_font(theme::kFont, theme::kSize);
  int tw = w - 2 * kPad, th = 0;
  fl_measure(text_.c_str(), tw, th);
  return kPad + 24 + th + 10 + kButtonH + kPad;
}

void Banner::resize(int x, int y, int w, int h) {
  Fl_Widget::resize(x, y, w, h);
  title_box_.resize(x + kPad, y + kPad, w - 2 * kPad, 24);
  text_box_.resize(x + kPad, y + kPad + 24, w - 2 * kPad, h - 2 * kPad - 24 - kButtonH - 10);
  int bx = x + w - kPad;
  for (Fl_Button* b : buttons_) {
    if (b->label() == nullptr || *b->label() == '\0') {
      b->hide();
      continue;
    }
    fl_font(b->labelfont(), b->labelsize());
    const int bw = static_cast<int>(fl_width(b->label())) + 32;
    bx -= bw;
    b->resize(bx, y + h - kPad - kButtonH, bw, kButtonH);
    b->show();
    bx -= 8;
  }
}

}  // namespace duet::peer::gui
