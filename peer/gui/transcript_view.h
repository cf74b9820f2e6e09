// The conversation: own messages as accent bubbles on the right (with time and a delivered
// mark), the peer's as grey bubbles on the left, notices centred. It follows new lines unless
// the person scrolled up to read; scrolling back to the bottom follows again.
//
// Main thread only. Reads the ChatModel, which must outlive it.
#pragma once

#include <FL/Fl_Group.H>
#include <FL/Fl_Scrollbar.H>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "peer/gui/chat_model.h"
#include "peer/gui/file_card_view.h"

namespace duet::peer::gui {

class TranscriptView : public Fl_Group {
 public:
  TranscriptView(int x, int y, int w, int h, const ChatModel& model);

  // The model changed: lay out again and follow the end if the person was there.
  void Refresh();
  // Whether new lines scroll into view (false after the person scrolled up).
  bool following() const { return follow_; }
  // A button on a file card was clicked.
  void OnCardAction(std::function<void(size_t card, CardAction)> fn) { card_action_ = fn; }
  // The buttons of the file cards in view, in window coordinates: "file<card>_<action>" (for
  // the test state dump). Lays out first.
  std::map<std::string, std::vector<int>> CardButtons();
  bool preview_shown(size_t card) const { return previews_.shown(card); }

  void draw() override;
  int handle(int event) override;
  void resize(int x, int y, int w, int h) override;

 private:
  struct Item {
    int y = 0;  // top, in content coordinates
    int h = 0;
    int bubble_w = 0;
    std::vector<std::string> lines;
    CardLayout card;  // kFile
  };

  void Layout();
  void ScrollTo(int top);
  int ContentWidth() const { return w() - scrollbar_.w(); }
  int MaxTop() const;
  void DrawItem(const TranscriptLine& line, const Item& item, int top);
  static void OnScroll(Fl_Widget* w, void* self);

  int ItemX(const TranscriptLine& line, const Item& item) const;
  // The card button under window point (x, y), if any.
  bool HitCard(int x, int y, size_t* card, CardAction* action) const;

  const ChatModel& model_;
  std::function<void(size_t, CardAction)> card_action_;
  PreviewCache previews_;
  Fl_Scrollbar scrollbar_;
  std::vector<Item> items_;
  int total_h_ = 0;
  int top_ = 0;
  bool follow_ = true;
  uint64_t laid_out_version_ = UINT64_MAX;
  int laid_out_width_ = -1;
};

}  // namespace duet::peer::gui
