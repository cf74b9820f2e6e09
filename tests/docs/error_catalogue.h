// docs/ERRORS.md, read at test time: one row per (code, sentence) a user can meet.
#pragma once

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "wire/result.h"

namespace duet::testing {

struct CatalogueRow {
  std::string code;
  std::string sentence;  // with «placeholders»; "«x», e.g. EXAMPLE" for open-ended ones
  std::string what_to_do;
  std::string reached_by;  // Suite.Name, or "—" with a reason
};

inline std::string Trim(const std::string& s) {
  const size_t a = s.find_first_not_of(' ');
  const size_t b = s.find_last_not_of(' ');
  return a == std::string::npos ? std::string() : s.substr(a, b - a + 1);
}

// The table rows of docs/ERRORS.md (lines "| `CODE` | sentence | what to do | reached by |").
inline std::vector<CatalogueRow> ReadCatalogue() {
  std::ifstream in(std::string(DUET_SOURCE_DIR) + "/docs/ERRORS.md");
  std::vector<CatalogueRow> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("| `", 0) != 0) continue;
    std::vector<std::string> cells;
    std::stringstream ss(line.substr(1));
    std::string cell;
    while (std::getline(ss, cell, '|')) cells.push_back(Trim(cell));
    if (cells.size() < 4) continue;
    std::string code = cells[0];
    code.erase(std::remove(code.begin(), code.end(), '`'), code.end());
    rows.push_back({code, cells[1], cells[2], cells[3]});
  }
  return rows;
}

// The literal runs of a sentence between its «placeholders» (an empty run where a placeholder
// starts or ends the sentence).
inline std::vector<std::string> LiteralRuns(const std::string& sentence) {
  const std::string open = "«", close = "»";
  std::vector<std::string> runs(1);
  for (size_t i = 0; i < sentence.size();) {
    if (sentence.compare(i, open.size(), open) == 0) {
      const size_t end = sentence.find(close, i);
      i = end == std::string::npos ? sentence.size() : end + close.size();
      runs.emplace_back();
      continue;
    }
    runs.back() += sentence[i++];
  }
  return runs;
}

// Whether `text` is `sentence` with each «placeholder» standing for any text (std::regex is
// avoided: g++ 12 warns inside it under ASan, and the build treats warnings as errors).
inline bool FitsSentence(const std::string& text, const std::string& sentence) {
  const std::vector<std::string> runs = LiteralRuns(sentence);
  if (runs.size() == 1) return text == runs[0];
  if (text.compare(0, runs.front().size(), runs.front()) != 0) return false;
  size_t pos = runs.front().size();
  for (size_t i = 1; i + 1 < runs.size(); ++i) {
    const size_t at = text.find(runs[i], pos);
    if (at == std::string::npos) return false;
    pos = at + runs[i].size();
  }
  const std::string& last = runs.back();
  return text.size() >= pos + last.size() &&
         text.compare(text.size() - last.size(), last.size(), last) == 0;
}

// True when some row of the catalogue has `e`'s code and a sentence `e.message` fits; an
// open-ended row ("«x», e.g. ...") fits any message of its code.
inline bool IsCatalogued(const std::vector<CatalogueRow>& rows, const Error& e) {
  for (const CatalogueRow& r : rows) {
    if (r.code != e.code) continue;
    if (r.sentence.find("e.g. ") != std::string::npos) return true;
    if (FitsSentence(e.message, r.sentence)) return true;
  }
  return false;
}

}  // namespace duet::testing
