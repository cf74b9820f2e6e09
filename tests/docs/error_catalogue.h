// docs/ERRORS.md, read at test time: one row per (code, sentence) a user can meet.
#pragma once

#include <fstream>
#include <regex>
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

// The part of a sentence that is literal text Duet prints: after "e.g. " for open-ended rows.
inline std::string LiteralPart(const std::string& sentence) {
  const size_t eg = sentence.find("e.g. ");
  return eg == std::string::npos ? sentence : sentence.substr(eg + 5);
}

// The sentence as a whole-string regex: every «placeholder» matches anything.
inline std::regex SentencePattern(const std::string& sentence) {
  std::string re;
  const std::string open = "«", close = "»";
  for (size_t i = 0; i < sentence.size();) {
    if (sentence.compare(i, open.size(), open) == 0) {
      const size_t end = sentence.find(close, i);
      re += ".*";
      i = end + close.size();
      continue;
    }
    const char c = sentence[i++];
    if (std::string("\\^$.|?*+()[]{}").find(c) != std::string::npos) re += '\\';
    re += c;
  }
  return std::regex(re);
}

// True when some row of the catalogue has `e`'s code and a sentence `e.message` fits.
inline bool IsCatalogued(const std::vector<CatalogueRow>& rows, const Error& e) {
  for (const CatalogueRow& r : rows) {
    if (r.code != e.code) continue;
    if (std::regex_match(e.message, SentencePattern(LiteralPart(r.sentence)))) return true;
    if (r.sentence.find("e.g. ") != std::string::npos &&
        std::regex_match(e.message, SentencePattern(r.sentence.substr(0, r.sentence.find(',')))))
      return true;
  }
  return false;
}

}  // namespace duet::testing
