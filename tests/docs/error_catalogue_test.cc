// docs/ERRORS.md against the code: every code the source can produce is listed; every listed
// sentence is the one the source prints; every code is reached by a named test (which mentions
// the code), and the codes no other test reaches are reached here, their text checked exactly.
#include "tests/docs/error_catalogue.h"

#include <gtest/gtest.h>

#include <algorithm>
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
  return std::regex_replace(all, std::regex("\"\\s*\\n\\s*\""), "");
}

// The codes the source can produce: Error{"CODE", ...}, RelayError {"CODE", ...} and the
// fallback for unknown relay codes.
std::set<std::string> SourceCodes(const std::string& src) {
  std::set<std::string> codes;
  const std::regex re(R"re((?:Error(?:\s+\w+)?\{|return \{|: )"([A-Z][A-Z0-9_]+)")re");
  for (auto it = std::sregex_iterator(src.begin(), src.end(), re); it != std::sregex_iterator();
       ++it) {
    codes.insert((*it)[1]);
  }
  return codes;
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
    const std::string literal = LiteralPart(r.sentence);
    // Each run of literal text between placeholders appears in the source as written.
    const std::regex placeholder("«[^»]*»");
    for (auto it = std::sregex_token_iterator(literal.begin(), literal.end(), placeholder, -1);
         it != std::sregex_token_iterator(); ++it) {
      const std::string piece = *it;
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
    const std::regex test_re(R"(TEST(?:_F|_P)?\((\w+),\s*(\w+)\))");
    for (auto it = std::sregex_iterator(text.begin(), text.end(), test_re);
         it != std::sregex_iterator(); ++it) {
      test_files[(*it)[1].str() + "." + (*it)[2].str()] = text;
    }
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
    EXPECT_TRUE(std::regex_search(it->second, std::regex("(^|[^A-Z_])" + r.code + "([^A-Z_]|$)")))
        << r.reached_by << " does not mention " << r.code;
  }
}

}  // namespace
}  // namespace duet::testing
