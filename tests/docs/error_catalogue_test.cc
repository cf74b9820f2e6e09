// docs/ERRORS.md against the code: every code the source can produce is listed; every listed
// sentence is the one the source prints; every code is reached by a named test (which mentions
// the code), and the codes no other test reaches are reached here, their text checked exactly.
#include "tests/docs/error_catalogue.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <map>
#include <set>

namespace duet::testing {
namespace {

namespace fs = std::filesystem;

std::string ReadAll(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// Every source file of the product, with adjacent string literals joined ("a "\n  "b" -> "a b"),
// so that a sentence split over lines can be found whole.
std::string ProductSource() {
  std::string all;
  for (const char* dir : {"wire", "crypto", "relay", "peer"}) {
    for (const auto& e : fs::recursive_directory_iterator(fs::path(DUET_SOURCE_DIR) / dir)) {
      const std::string ext = e.path().extension().string();
      if (ext == ".cc" || ext == ".h") all += ReadAll(e.path()) + "\n";
    }
  }
  std::string joined;
  for (size_t i = 0; i < all.size(); ++i) {
    if (all[i] == '"') {
      size_t j = i + 1;
      while (j < all.size() && (all[j] == ' ' || all[j] == '\n')) ++j;
      if (j < all.size() && all[j] == '"' && all.find('\n', i + 1) < j) {
        i = j;  // skip the closing quote, the line break and the next opening quote
        continue;
      }
    }
    joined += all[i];
  }
  return joined;
}

bool IsCodeChar(char c) { return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_'; }

bool EndsWith(const std::string& s, const std::string& tail) {
  return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

// The codes the source can produce: Error{"CODE", ...}, Error name{"CODE", ...}, the relay's
// return {"CODE", ...} and the fallback for unknown relay codes (... : "CODE").
std::set<std::string> SourceCodes(const std::string& src) {
  std::set<std::string> codes;
  for (size_t i = src.find('"'); i != std::string::npos; i = src.find('"', i + 1)) {
    size_t j = i + 1;
    while (j < src.size() && IsCodeChar(src[j])) ++j;
    if (j == i + 1 || j >= src.size() || src[j] != '"' || src[i + 1] < 'A' || src[i + 1] > 'Z') {
      continue;
    }
    std::string before = src.substr(i >= 40 ? i - 40 : 0, i >= 40 ? 40 : i);
    bool is_code = EndsWith(before, "return {") || EndsWith(before, ": ");
    if (EndsWith(before, "{")) {
      before.pop_back();
      size_t k = before.size();  // "Error name{": step over the name
      while (k > 0 &&
             (std::isalnum(static_cast<unsigned char>(before[k - 1])) || before[k - 1] == '_'))
        --k;
      std::string head = before.substr(0, k);
      while (!head.empty() && head.back() == ' ') head.pop_back();
      is_code =
          is_code || EndsWith(before, "Error") || (k < before.size() && EndsWith(head, "Error"));
    }
    if (is_code) codes.insert(src.substr(i + 1, j - i - 1));
    i = j;
  }
  return codes;
}

// Whether `text` holds `word` with no code character on either side.
bool MentionsWord(const std::string& text, const std::string& word) {
  for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
    const bool left = at == 0 || !IsCodeChar(text[at - 1]);
    const size_t end = at + word.size();
    if (left && (end == text.size() || !IsCodeChar(text[end]))) return true;
  }
  return false;
}

// "Suite.Name" of every TEST, TEST_F and TEST_P in `text`.
std::vector<std::string> TestNames(const std::string& text) {
  std::vector<std::string> names;
  for (size_t at = text.find("TEST"); at != std::string::npos; at = text.find("TEST", at + 1)) {
    size_t p = at + 4;
    if (text.compare(p, 2, "_F") == 0 || text.compare(p, 2, "_P") == 0) p += 2;
    if (p >= text.size() || text[p] != '(') continue;
    const size_t comma = text.find(',', p);
    const size_t close = text.find(')', p);
    if (comma == std::string::npos || close == std::string::npos || comma > close) continue;
    std::string suite = text.substr(p + 1, comma - p - 1);
    std::string name = text.substr(comma + 1, close - comma - 1);
    name.erase(0, name.find_first_not_of(' '));
    names.push_back(suite + "." + name);
  }
  return names;
}

TEST(ErrorCatalogue, ListsEveryCodeTheSourceCanProduceAndNoOther) {
  const std::vector<CatalogueRow> rows = ReadCatalogue();
  ASSERT_GT(rows.size(), 50u) << "docs/ERRORS.md not found or not parsed";
  std::set<std::string> listed;
  for (const CatalogueRow& r : rows) listed.insert(r.code);
  const std::set<std::string> produced = SourceCodes(ProductSource());
  for (const std::string& code : produced)
    EXPECT_TRUE(listed.count(code)) << code << " is not in docs/ERRORS.md";
  for (const std::string& code : listed)
    EXPECT_TRUE(produced.count(code)) << code << " is listed but never produced";
}

TEST(ErrorCatalogue, EverySentenceIsTheOneTheSourcePrints) {
  const std::string src = ProductSource();
  for (const CatalogueRow& r : ReadCatalogue()) {
    // Each run of literal text between placeholders appears in the source as written.
    for (const std::string& piece : LiteralRuns(LiteralPart(r.sentence))) {
      if (piece.empty()) continue;
      EXPECT_NE(src.find(piece), std::string::npos) << r.code << ": \"" << piece << "\"";
    }
    EXPECT_FALSE(r.what_to_do.empty()) << r.code;
  }
}

// The test named in "Reached by" exists and mentions the code (as "CODE" in its file).
TEST(ErrorCatalogue, EveryCodeIsReachedByANamedTest) {
  std::map<std::string, std::string> test_files;  // "Suite.Name" -> file text
  for (const auto& e : fs::recursive_directory_iterator(fs::path(DUET_SOURCE_DIR) / "tests")) {
    if (e.path().extension() != ".cc") continue;
    const std::string text = ReadAll(e.path());
    for (const std::string& name : TestNames(text)) test_files[name] = text;
  }
  // OpenSSL failing where it should not; a damaged certificate, which Duet silently remakes.
  const std::set<std::string> unreachable_from_outside = {"CRYPTO_ERROR", "CERT_DAMAGED"};
  for (const CatalogueRow& r : ReadCatalogue()) {
    if (r.reached_by.rfind("—", 0) == 0) {
      EXPECT_TRUE(unreachable_from_outside.count(r.code)) << r.code << " has no test";
      continue;
    }
    auto it = test_files.find(r.reached_by);
    ASSERT_NE(it, test_files.end()) << r.code << ": no test " << r.reached_by;
    EXPECT_TRUE(MentionsWord(it->second, r.code)) << r.reached_by << " does not mention " << r.code;
  }
}

}  // namespace
}  // namespace duet::testing
