#include "peer/cli/code_prompt.h"

#include <histedit.h>
#include <unistd.h>

#include <cerrno>
#include <memory>
#include <string>

#include "peer/core/code_completion.h"

namespace duet::peer::cli {
namespace {

constexpr char kPrompt[] = "Code: ";

char* Prompt(EditLine*) { return const_cast<char*>(kPrompt); }

// Tab: completes the word under the cursor (peer/core/code_completion.h decides what). One match
// replaces the word (with the hyphen before the next one); several are completed as far as they
// agree, and listed.
unsigned char CompleteWord(EditLine* el, int) {
  const LineInfo* li = el_line(el);
  const std::string_view text(li->buffer, static_cast<size_t>(li->lastchar - li->buffer));
  const size_t cursor = static_cast<size_t>(li->cursor - li->buffer);
  CodeCompletion at = CompletionsAt(text, cursor, 64);
  if (!at.finished.empty()) at.matches = {at.finished};  // a whole word: Tab moves on
  if (at.matches.empty()) return CC_ERROR;
  // Edit from the end of the word: libedit deletes and inserts before its cursor.
  el_cursor(el, static_cast<int>(at.word_end) - static_cast<int>(cursor));
  if (at.matches.size() == 1) {
    const FieldEdit edit = AcceptCompletion(text, at, at.matches.front());
    const size_t kept_after = text.size() - at.word_end;
    el_deletestr(el, static_cast<int>(at.word_end - at.word_start));
    el_insertstr(
        el, edit.text.substr(at.word_start, edit.text.size() - kept_after - at.word_start).c_str());
    el_cursor(el, static_cast<int>(edit.cursor) -
                      static_cast<int>(edit.text.size() - kept_after));  // past a kept separator
    return CC_REFRESH;
  }
  std::string common = at.matches.front();
  for (const std::string& w : at.matches) {
    size_t n = 0;
    while (n < common.size() && n < w.size() && common[n] == w[n]) ++n;
    common.resize(n);
  }
  const size_t typed = at.word_end - at.word_start;
  if (common.size() > typed) el_insertstr(el, common.substr(typed).c_str());
  std::string list = "\n";
  for (const std::string& w : at.matches) list += w + "  ";
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
    // One byte at a time from the descriptor, not through stdio's buffer: the lines after the
    // code are the messages, and the terminal client reads them from the descriptor too
    // (peer/cli/line_reader.h).
    std::string line;
    bool at_end = false;
    for (;;) {
      char c = 0;
      const ssize_t n = ::read(fileno(in), &c, 1);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {
        at_end = true;
        break;
      }
      if (c == '\n') break;
      if (line.size() < 256) line += c;
    }
    if (line.empty() && at_end) return NotEntered();
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
