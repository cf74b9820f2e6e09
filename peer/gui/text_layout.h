// Text layout for the transcript: word wrapping and font runs. Pure (widths come from a
// callback), so it is tested without a display.
//
// FLTK 1.3 draws a string with one font and has no fallback for glyphs that font lacks, so
// emoji are drawn with an emoji font: a line is split into runs, each drawn with its own font.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace duet::peer::gui {

// Pictographs, emoji presentation selectors and their joiners (drawn with the emoji font).
bool IsEmojiCodepoint(uint32_t cp);

struct TextRun {
  std::string text;
  bool emoji = false;
};
// Consecutive code points of the same kind, in order. Invalid bytes become U+FFFD.
std::vector<TextRun> SplitRuns(std::string_view text);

// Width in pixels of `text` as drawn (all of its runs).
using MeasureFn = std::function<int(std::string_view text)>;

// Breaks `text` into lines at most `width` pixels wide: at '\n', else between words, and
// inside a word only when the word alone is wider than a line. Never returns zero lines.
std::vector<std::string> WrapText(std::string_view text, int width, const MeasureFn& measure);

}  // namespace duet::peer::gui
