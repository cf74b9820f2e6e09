// How a file card is drawn in the transcript, and its inline image preview.
//
// Main thread only (FLTK drawing and images). The buttons of a card are drawn, not widgets:
// the transcript hit-tests them (CardButton) so they scroll with the card.
#pragma once

#include <FL/Fl_Image.H>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "peer/gui/file_card.h"

namespace duet::peer::gui {

enum class CardAction { kAccept, kDecline, kCancel, kOpen, kShowInFolder };
std::string_view CardActionName(CardAction a);

struct CardButton {
  CardAction action;
  int x = 0, y = 0, w = 0, h = 0;  // relative to the card's top left
};

// Decoded previews, one per card, made once when the file is complete (and small enough).
class PreviewCache {
 public:
  // The preview of `card` (index `index`), loading it the first time; nullptr when none.
  Fl_Image* Get(size_t index, const FileCard& card);
  bool shown(size_t index) const;

 private:
  std::map<size_t, std::unique_ptr<Fl_Image>> images_;  // nullptr: tried, nothing to show
};

// Width and height of the card, and where its buttons are.
struct CardLayout {
  int w = 0, h = 0;
  int preview_w = 0, preview_h = 0;
  std::vector<CardButton> buttons;
};
CardLayout LayoutCard(const FileCard& card, Fl_Image* preview, int max_w);
void DrawCard(const FileCard& card, const CardLayout& layout, Fl_Image* preview, int x, int y,
              int64_t now_ms);

}  // namespace duet::peer::gui
