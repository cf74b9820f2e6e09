#include "peer/gui/text_layout.h"

#include "wire/utf8.h"

namespace duet::peer::gui {
namespace {

constexpr char kReplacement[] = "\xEF\xBF\xBD";  // U+FFFD

// Calls fn(bytes, cp) for each code point; invalid bytes come as U+FFFD.
template <typename Fn>
void ForEachCodepoint(std::string_view s, Fn fn) {
  for (size_t i = 0; i < s.size();) {
    uint32_t cp = 0;
    size_t n = wire::DecodeUtf8At(s, i, cp);
    if (n == 0) {
      fn(std::string_view(kReplacement), 0xFFFDu);
      ++i;
      continue;
    }
    fn(s.substr(i, n), cp);
    i += n;
  }
}

enum class Token { kSpace, kWord };

// Splits a paragraph (no '\n') into alternating runs of spaces and of other characters.
std::vector<std::pair<Token, std::string>> Tokenize(std::string_view para) {
  std::vector<std::pair<Token, std::string>> tokens;
  ForEachCodepoint(para, [&](std::string_view bytes, uint32_t cp) {
    Token kind = (cp == ' ' || cp == '\t') ? Token::kSpace : Token::kWord;
    if (tokens.empty() || tokens.back().first != kind) tokens.push_back({kind, {}});
    tokens.back().second += (cp == '\t') ? std::string_view(" ") : bytes;
  });
  return tokens;
}

void WrapParagraph(std::string_view para, int width, const MeasureFn& measure,
                   std::vector<std::string>& lines) {
  std::string line;
  int line_w = 0;
  auto emit = [&] {
    while (!line.empty() && line.back() == ' ') line.pop_back();  // spaces at a break vanish
    lines.push_back(std::move(line));
    line.clear();
    line_w = 0;
  };
  for (auto& [kind, text] : Tokenize(para)) {
    const int w = measure(text);
    if (line_w + w <= width) {
      line += text;
      line_w += w;
      continue;
    }
    if (kind == Token::kSpace) {
      if (!line.empty()) emit();
      continue;
    }
    if (!line.empty() && w <= width) {
      emit();
      line = text;
      line_w = w;
      continue;
    }
    // A word wider than what is left and than a whole line: break it between code points.
    ForEachCodepoint(text, [&](std::string_view bytes, uint32_t) {
      const int cw = measure(bytes);
      if (line_w + cw > width && !line.empty()) emit();
      line += bytes;
      line_w += cw;
    });
  }
  lines.push_back(std::move(line));
}

}  // namespace

bool IsEmojiCodepoint(uint32_t cp) {
  return (cp >= 0x1F000 && cp <= 0x1FAFF) ||  // pictographs, emoticons, transport, symbols
         (cp >= 0x2600 && cp <= 0x27BF) ||    // miscellaneous symbols, dingbats
         (cp >= 0x2B00 && cp <= 0x2BFF) ||    // arrows and stars (⭐)
         (cp >= 0xFE00 && cp <= 0xFE0F) ||    // variation selectors
         cp == 0x200D ||                      // zero-width joiner
         (cp >= 0xE0020 && cp <= 0xE007F);    // tag characters (flags)
}

std::vector<TextRun> SplitRuns(std::string_view text) {
  std::vector<TextRun> runs;
  ForEachCodepoint(text, [&](std::string_view bytes, uint32_t cp) {
    const bool emoji = IsEmojiCodepoint(cp);
    if (runs.empty() || runs.back().emoji != emoji) runs.push_back(TextRun{{}, emoji});
    runs.back().text += bytes;
  });
  return runs;
}

std::vector<std::string> WrapText(std::string_view text, int width, const MeasureFn& measure) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (;;) {
    size_t nl = text.find('\n', start);
    WrapParagraph(text.substr(start, nl == std::string_view::npos ? nl : nl - start), width,
                  measure, lines);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  return lines;
}

}  // namespace duet::peer::gui
