#include "peer/cli/code_prompt.h"

#include <histedit.h>
#include <unistd.h>

#include <cctype>
#include <memory>
#include <string>

namespace duet::peer::cli {
namespace {

constexpr char kPrompt[] = "Code: ";

char* Prompt(EditLine*) { return const_cast<char*>(kPrompt); }

// Tab: completes the letters before the cursor to a code word.
unsigned char CompleteWord(EditLine* el, int) {
  const LineInfo* li = el_line(el);
  const char* start = li->cursor;
  while (start > li->buffer && std::isalpha(static_cast<unsigned char>(start[-1]))) --start;
  const std::string prefix = [&] {
    std::string p(start, li->cursor);
    for (char& c : p) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return p;
  }();
  if (prefix.empty()) return CC_ERROR;
  const std::vector<std::string_view> words = CompleteCodeWord(prefix, 64);
  if (words.empty()) return CC_ERROR;
  // As far as every match agrees.
  std::string common(words.front());
  for (std::string_view w : words) {
    size_t n = 0;
    while (n < common.size() && n < w.size() && common[n] == w[n]) ++n;
    common.resize(n);
  }
  std::string insert = common.substr(prefix.size());
  if (words.size() == 1) {
    // The hyphen before the next word, unless this was the last one.
    size_t words_before = 0;
    bool in_word = false;
    for (const char* p = li->buffer; p < start; ++p) {
      const bool letter = std::isalpha(static_cast<unsigned char>(*p)) != 0;
      if (letter && !in_word) ++words_before;
      in_word = letter;
    }
    const bool at_end = li->cursor == li->lastchar;
    if (words_before + 1 < kCodeSecretWords && at_end) insert += '-';
  }
  if (!insert.empty()) el_insertstr(el, insert.c_str());
  if (words.size() == 1) return CC_REFRESH;
  std::string list = "\n";
  for (std::string_view w : words) list += std::string(w) + "  ";
  list += "\n";
  std::fputs(list.c_str(), stdout);
  return CC_REDISPLAY;
}

struct EditLineDeleter {
  void operator()(EditLine* el) const { el_end(el); }
};

Error NotEntered() {
  return Error{"CODE_NOT_ENTERED",
               "No code was entered. Ask the other person for the code Duet showed them, then "
               "run Duet again."};
}

}  // namespace

Result<Code> AskForCode(FILE* in, FILE* out) {
  if (isatty(fileno(in)) == 0) {
    std::string line;
    for (int c = std::fgetc(in); c != EOF && c != '\n'; c = std::fgetc(in)) {
      if (line.size() < 256) line += static_cast<char>(c);
    }
    if (line.empty() && std::feof(in)) return NotEntered();
    return ParseCode(line);
  }
  std::unique_ptr<EditLine, EditLineDeleter> el(el_init("duet", in, out, stderr));
  if (!el) return NotEntered();
  el_set(el.get(), EL_PROMPT, &Prompt);
  el_set(el.get(), EL_EDITOR, "emacs");
  el_set(el.get(), EL_ADDFN, "duet-complete", "Complete a code word", &CompleteWord);
  el_set(el.get(), EL_BIND, "^I", "duet-complete", nullptr);
  std::fputs(
      "Type the code the other person read out: its number, then its words (Tab completes "
      "them).\n",
      out);
  std::fflush(out);
  for (;;) {
    int count = 0;
    const char* line = el_gets(el.get(), &count);
    if (line == nullptr || count <= 0) return NotEntered();
    std::string typed(line, static_cast<size_t>(count));
    while (!typed.empty() && (typed.back() == '\n' || typed.back() == '\r')) typed.pop_back();
    if (typed.find_first_not_of(" \t") == std::string::npos) continue;
    Result<Code> code = ParseCode(typed);
    if (code) return code;
    std::fprintf(out, "%s\n", code.error().message.c_str());
  }
}

}  // namespace duet::peer::cli
