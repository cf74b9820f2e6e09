#include "peer/gui/transcript_view.h"

#include <FL/Fl.H>
#include <FL/fl_draw.H>

#include <algorithm>
#include <ctime>

#include "peer/gui/text_layout.h"
#include "peer/gui/theme.h"

namespace duet::peer::gui {
namespace {

constexpr int kMargin = 14;  // around the content
constexpr int kGap = 8;      // between items
constexpr int kPadX = 12;    // inside a bubble
constexpr int kPadY = 8;
constexpr int kMetaH = 14;  // the time / delivered line inside a bubble
constexpr int kTextSize = theme::kSize + 1;
constexpr int kWheelStep = 48;

using Kind = TranscriptLine::Kind;

int LineHeight(Kind kind) {
  fl_font(theme::kFont,
          kind == Kind::kSystem || kind == Kind::kWarning ? theme::kSmall + 1 : kTextSize);
  return fl_height() + 2;
}

int SizeFor(Kind kind) {
  return kind == Kind::kSystem || kind == Kind::kWarning ? theme::kSmall + 1 : kTextSize;
}

// Symbola's pictographs look small beside DejaVu at the same size.
constexpr int kEmojiExtra = 4;

int MeasureRuns(std::string_view text, int size) {
  int w = 0;
  for (const TextRun& run : SplitRuns(text)) {
    fl_font(run.emoji ? theme::kEmoji : theme::kFont, run.emoji ? size + kEmojiExtra : size);
    w += static_cast<int>(fl_width(run.text.data(), static_cast<int>(run.text.size())) + 0.5);
  }
  return w;
}

void DrawRuns(const std::string& text, int x, int y, int size) {
  for (const TextRun& run : SplitRuns(text)) {
    fl_font(run.emoji ? theme::kEmoji : theme::kFont, run.emoji ? size + kEmojiExtra : size);
    fl_draw(run.text.data(), static_cast<int>(run.text.size()), x, y);
    x += static_cast<int>(fl_width(run.text.data(), static_cast<int>(run.text.size())) + 0.5);
  }
}

std::string ClockTime(int64_t ms) {
  std::time_t t = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[8];
  std::strftime(buf, sizeof buf, "%H:%M", &tm);
  return buf;
}

// The small line under an own or peer message: "14:02 ✓✓" (delivered), "14:02 …" (pending).
std::string MetaText(const TranscriptLine& line) {
  std::string meta = ClockTime(line.time_ms);
  if (line.kind != Kind::kOwn) return meta;
  if (line.failed) return meta + "  not sent";
  return meta + (line.delivered ? "  ✓✓" : "  …");
}

}  // namespace

TranscriptView::TranscriptView(int x, int y, int w, int h, const ChatModel& model)
    : Fl_Group(x, y, w, h), model_(model), scrollbar_(x + w - 14, y, 14, h) {
  box(FL_FLAT_BOX);
  color(theme::kWindow);
  scrollbar_.type(FL_VERTICAL);
  scrollbar_.box(FL_FLAT_BOX);
  scrollbar_.color(theme::kWindow);
  scrollbar_.slider(FL_RFLAT_BOX);
  scrollbar_.selection_color(theme::kBorder);
  scrollbar_.linesize(kWheelStep);
  scrollbar_.callback(OnScroll, this);
  end();
  resizable(nullptr);
}

void TranscriptView::resize(int x, int y, int w, int h) {
  Fl_Widget::resize(x, y, w, h);
  scrollbar_.resize(x + w - scrollbar_.w(), y, scrollbar_.w(), h);
  laid_out_width_ = -1;
  if (follow_) top_ = INT32_MAX;  // clamped at the next layout
}

void TranscriptView::Refresh() {
  if (model_.version() == laid_out_version_) return;
  redraw();
}

int TranscriptView::MaxTop() const { return std::max(0, total_h_ - h()); }

void TranscriptView::Layout() {
  const auto& lines = model_.transcript();
  const int width = ContentWidth();
  if (model_.version() == laid_out_version_ && width == laid_out_width_ &&
      items_.size() == lines.size()) {
    return;
  }
  laid_out_version_ = model_.version();
  laid_out_width_ = width;
  items_.assign(lines.size(), Item{});
  int y = kMargin;
  const int bubble_max = std::max(120, (width - 2 * kMargin) * 7 / 10);
  const int notice_max = std::max(120, width - 6 * kMargin);
  for (size_t i = 0; i < lines.size(); ++i) {
    const TranscriptLine& line = lines[i];
    Item& item = items_[i];
    if (line.kind == Kind::kFile && line.card < model_.files().size()) {
      const FileCard& card = model_.files()[line.card];
      item.card = LayoutCard(card, previews_.Get(line.card, card), bubble_max);
      item.bubble_w = item.card.w;
      item.h = item.card.h;
      item.y = y;
      y += item.h + kGap;
      continue;
    }
    const bool notice = line.kind == Kind::kSystem || line.kind == Kind::kWarning;
    const int size = SizeFor(line.kind);
    const int text_max = (notice ? notice_max : bubble_max) - 2 * kPadX;
    item.lines =
        WrapText(line.text, text_max, [size](std::string_view s) { return MeasureRuns(s, size); });
    int widest = 0;
    for (const std::string& l : item.lines) widest = std::max(widest, MeasureRuns(l, size));
    if (!notice) {
      fl_font(theme::kFont, theme::kSmall - 1);
      widest = std::max(widest, static_cast<int>(fl_width(MetaText(line).c_str())));
    }
    item.bubble_w = widest + 2 * kPadX;
    item.h = static_cast<int>(item.lines.size()) * LineHeight(line.kind) + 2 * kPadY +
             (notice ? -4 : kMetaH);
    item.y = y;
    y += item.h + kGap;
  }
  total_h_ = y + kMargin - kGap;
  const int max_top = MaxTop();
  if (follow_ || top_ > max_top) top_ = max_top;
  scrollbar_.value(top_, h(), 0, std::max(total_h_, h()));
}

void TranscriptView::ScrollTo(int top) {
  top_ = std::clamp(top, 0, MaxTop());
  follow_ = top_ >= MaxTop();
  scrollbar_.value(top_, h(), 0, std::max(total_h_, h()));
  redraw();
}

void TranscriptView::OnScroll(Fl_Widget*, void* self) {
  auto* view = static_cast<TranscriptView*>(self);
  view->ScrollTo(view->scrollbar_.value());
}

int TranscriptView::ItemX(const TranscriptLine& line, const Item& item) const {
  const int cw = ContentWidth();
  const bool mine =
      line.kind == Kind::kOwn || (line.kind == Kind::kFile && line.card < model_.files().size() &&
                                  !model_.files()[line.card].incoming);
  if (mine) return x() + cw - kMargin - item.bubble_w;
  if (line.kind == Kind::kPeer || line.kind == Kind::kFile) return x() + kMargin;
  return x() + (cw - item.bubble_w) / 2;
}

std::map<std::string, std::vector<int>> TranscriptView::CardButtons() {
  Layout();
  std::map<std::string, std::vector<int>> out;
  const auto& lines = model_.transcript();
  for (size_t i = 0; i < items_.size() && i < lines.size(); ++i) {
    const Item& item = items_[i];
    const int ix = ItemX(lines[i], item), iy = y() + item.y - top_;
    for (const CardButton& b : item.card.buttons) {
      if (iy + b.y < y() || iy + b.y + b.h > y() + h()) continue;  // scrolled out of view
      out["file" + std::to_string(lines[i].card) + "_" + std::string(CardActionName(b.action))] = {
          ix + b.x, iy + b.y, b.w, b.h};
    }
  }
  return out;
}

bool TranscriptView::HitCard(int px, int py, size_t* card, CardAction* action) const {
  const auto& lines = model_.transcript();
  for (size_t i = 0; i < items_.size() && i < lines.size(); ++i) {
    const Item& item = items_[i];
    const int ix = ItemX(lines[i], item), iy = y() + item.y - top_;
    for (const CardButton& b : item.card.buttons) {
      if (px >= ix + b.x && px < ix + b.x + b.w && py >= iy + b.y && py < iy + b.y + b.h) {
        *card = lines[i].card;
        *action = b.action;
        return true;
      }
    }
  }
  return false;
}

int TranscriptView::handle(int event) {
  if (event == FL_MOUSEWHEEL && Fl::event_inside(this)) {
    ScrollTo(top_ + Fl::event_dy() * kWheelStep);
    return 1;
  }
  size_t card = 0;
  CardAction action{};
  if ((event == FL_PUSH || event == FL_RELEASE) && Fl::event_x() < scrollbar_.x() &&
      HitCard(Fl::event_x(), Fl::event_y(), &card, &action)) {
    // Acts on release over the same button, like a real button.
    if (event == FL_RELEASE && card_action_) card_action_(card, action);
    return 1;
  }
  return Fl_Group::handle(event);
}

void TranscriptView::DrawItem(const TranscriptLine& line, const Item& item, int top) {
  const int cw = ContentWidth();
  const int iy = y() + item.y - top;
  if (line.kind == Kind::kFile) {
    if (line.card >= model_.files().size()) return;
    const FileCard& card = model_.files()[line.card];
    DrawCard(card, item.card, previews_.Get(line.card, card), ItemX(line, item), iy,
             model_.now_ms());
    return;
  }
  const int size = SizeFor(line.kind);
  const int lh = LineHeight(line.kind);
  int bx = 0;
  Fl_Color fg = theme::kText;
  switch (line.kind) {
    case Kind::kOwn:
      bx = x() + cw - kMargin - item.bubble_w;
      fl_draw_box(FL_RFLAT_BOX, bx, iy, item.bubble_w, item.h,
                  line.failed ? theme::kDanger : theme::kAccent);
      fg = theme::kAccentText;
      break;
    case Kind::kPeer:
      bx = x() + kMargin;
      fl_draw_box(FL_RFLAT_BOX, bx, iy, item.bubble_w, item.h, theme::kPeerBubble);
      break;
    case Kind::kWarning:
      bx = x() + (cw - item.bubble_w) / 2;
      fl_draw_box(FL_RFLAT_BOX, bx, iy, item.bubble_w, item.h, theme::kDangerSoft);
      fg = theme::kDanger;
      break;
    case Kind::kSystem:
    case Kind::kFile:
      bx = x() + (cw - item.bubble_w) / 2;
      fg = theme::kMuted;
      break;
  }
  const bool notice = line.kind == Kind::kSystem || line.kind == Kind::kWarning;
  int ty = iy + (notice ? kPadY - 2 : kPadY);
  fl_color(fg);
  for (const std::string& l : item.lines) {
    fl_font(theme::kFont, size);
    DrawRuns(l, bx + kPadX, ty + lh - fl_descent() - 1, size);
    ty += lh;
  }
  if (notice) return;
  const std::string meta = MetaText(line);
  fl_font(theme::kFont, theme::kSmall - 1);
  fl_color(line.kind == Kind::kOwn ? fl_rgb_color(0xD6, 0xE2, 0xFD) : theme::kMuted);
  const int mw = static_cast<int>(fl_width(meta.c_str()));
  fl_draw(meta.c_str(), bx + item.bubble_w - kPadX - mw, iy + item.h - kPadY + 1);
}

void TranscriptView::draw() {
  Layout();
  fl_push_clip(x(), y(), w(), h());
  fl_rectf(x(), y(), ContentWidth(), h(), color());
  const auto& lines = model_.transcript();
  for (size_t i = 0; i < items_.size() && i < lines.size(); ++i) {
    const Item& item = items_[i];
    if (item.y + item.h < top_ || item.y > top_ + h()) continue;
    DrawItem(lines[i], item, top_);
  }
  fl_pop_clip();
  if (total_h_ > h()) {
    scrollbar_.show();
  } else {
    scrollbar_.hide();
    fl_rectf(scrollbar_.x(), y(), scrollbar_.w(), h(), color());
  }
  draw_child(scrollbar_);
}

}  // namespace duet::peer::gui
