// Completing the words of a code as it is typed ("7301-acorn-gravy-petal", peer/core/room_code.h):
// the desktop app's code field (peer/gui/code_field.h) and the terminal's --join prompt
// (peer/cli/code_prompt.h) both ask here. Pure: text and cursor in, text and cursor out.
//
// Rules. A word is completed only where a code is being typed: digits (the nameplate), then a
// space or hyphen, then at most kCodeSecretWords words. The word under the cursor is the run of
// ASCII letters around it; the list offers the listed words starting with it (case ignored). It
// offers nothing when the word is empty, matches no listed word, or is already the only word it
// could become, nor in a plain room name.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace duet::peer {

inline constexpr size_t kMaxCompletions = 6;

struct CodeCompletion {
  std::vector<std::string> matches;  // what the list shows, in order; empty: no list
  size_t word_start = 0;             // the partial word is text[word_start, word_end)
  size_t word_end = 0;
  size_t word_index = 0;  // which secret word it is: 0, 1 or 2
  // The word under the cursor is already whole (no list): the listed word it is, to accept it
  // (the terminal's Tab then moves on to the next word); empty otherwise.
  std::string finished;
};

// What to offer for `text` with the cursor at byte `cursor` (clamped to the text).
CodeCompletion CompletionsAt(std::string_view text, size_t cursor, size_t max = kMaxCompletions);

struct FieldEdit {
  std::string text;
  size_t cursor = 0;
};

// The field after choosing `word` for `at` (from CompletionsAt on the same text): the partial
// word is replaced, and a '-' follows unless it was the last word. A separator already after the
// word is kept (not doubled) and the cursor goes past it.
FieldEdit AcceptCompletion(std::string_view text, const CodeCompletion& at, std::string_view word);

}  // namespace duet::peer
