// The conversation: own messages as accent bubbles on the right (with time and a delivered
// mark), the peer's as grey bubbles on the left, notices centred. It follows new lines unless
// the person scrolled up to read; scrolling back to the bottom follows again.
//
// Main thread only. Reads the ChatModel, which must outlive it.
#pragma once

#include <FL/Fl_Group.H>
#include <FL/Fl_Scrollbar.H>

#include <cstdint>
#include <string>
#include <vector>

#include "peer/gui/chat_model.h"

namespace duet::peer::gui {

class TranscriptView : public Fl_Group {
 public:
  TranscriptView(int x, int y, int w, int h, const ChatModel& model);

  // The model changed: lay out again and follow the end if the person was there.
  void Refresh();
  // Whether new lines scroll into view (false after the person scrolled up).
  bool following() const { return follow_; }

  void draw() override;
  int handle(int event) override;
  void resize(int x, int y, int w, int h) override;

 private:
  struct Item {
    int y = 0;  // top, in content coordinates
    int h = 0;
    int bubble_w = 0;
    std::vector<std::string> lines;
  };

  void Layout();
  void ScrollTo(int top);
  int ContentWidth() const { return w() - scrollbar_.w(); }
  int MaxTop() const;
  void DrawItem(const TranscriptLine& line, const Item& item, int top);
  static void OnScroll(Fl_Widget* w, void* self);

  const ChatModel& model_;
  Fl_Scrollbar scrollbar_;
  std::vector<Item> items_;
  int total_h_ = 0;
  int top_ = 0;
  bool follow_ = true;
  uint64_t laid_out_version_ = UINT64_MAX;
  int laid_out_width_ = -1;
};

}  // namespace duet::peer::gui
