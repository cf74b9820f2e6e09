#include "peer/core/code_completion.h"

#include <algorithm>
#include <cctype>

#include "peer/core/room_code.h"

namespace duet::peer {
namespace {

bool IsLetter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsSeparator(char c) { return c == '-' || c == ' '; }

// How many secret words come before `end`, or -1 when text[0, end) is not the start of a code
// (digits, a separator, then words, each followed by separators).
int WordsBefore(std::string_view text, size_t end) {
  size_t i = 0;
  while (i < end && IsDigit(text[i])) ++i;
  if (i == 0 || i == end || !IsSeparator(text[i])) return -1;
  int words = 0;
  while (i < end) {
    if (IsSeparator(text[i])) {
      ++i;
      continue;
    }
    if (!IsLetter(text[i])) return -1;
    while (i < end && IsLetter(text[i])) ++i;
    ++words;
  }
  return words;
}

}  // namespace

CodeCompletion CompletionsAt(std::string_view text, size_t cursor, size_t max) {
  CodeCompletion c;
  cursor = std::min(cursor, text.size());
  size_t start = cursor, end = cursor;
  while (start > 0 && IsLetter(text[start - 1])) --start;
  while (end < text.size() && IsLetter(text[end])) ++end;
  c.word_start = start;
  c.word_end = end;
  // Only the letters before the cursor are what the person has typed of this word so far.
  if (start == cursor) return c;
  const int before = WordsBefore(text, start);
  if (before < 0 || static_cast<size_t>(before) >= kCodeSecretWords) return c;
  c.word_index = static_cast<size_t>(before);
  std::string prefix(text.substr(start, cursor - start));
  for (char& ch : prefix) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  for (std::string_view w : CompleteCodeWord(prefix, max)) c.matches.emplace_back(w);
  // A finished word (the only one it can become, typed out in full): nothing left to offer.
  if (c.matches.size() == 1 && c.matches[0] == prefix && end == cursor) {
    c.finished = prefix;
    c.matches.clear();
  }
  return c;
}

FieldEdit AcceptCompletion(std::string_view text, const CodeCompletion& at, std::string_view word) {
  FieldEdit e;
  e.text.append(text.substr(0, at.word_start));
  e.text.append(word);
  e.cursor = e.text.size();
  const std::string_view rest = text.substr(std::min(at.word_end, text.size()));
  if (at.word_index + 1 < kCodeSecretWords) {
    if (rest.empty() || !IsSeparator(rest[0])) e.text += '-';
    ++e.cursor;  // past the separator, ready for the next word
  }
  e.text.append(rest);
  return e;
}

}  // namespace duet::peer
