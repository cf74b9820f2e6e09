#include "tests/peer/cli/cli_harness.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace duet::testing {

using nlohmann::json;

void ExpectConsoleHoldsNone(Relay& relay, const std::vector<std::string>& secrets) {
  relay.proc->Signal(SIGTERM);
  ASSERT_TRUE(relay.proc->Wait().has_value());
  const std::string console = relay.proc->Transcript();
  EXPECT_NE(console.find("a→b"), std::string::npos) << console;
  for (const std::string& secret : secrets) {
    EXPECT_EQ(console.find(secret), std::string::npos) << secret;
  }
}

Relay StartRelay(const std::string& listen) {
  Relay r;
  r.proc = std::make_unique<Process>(
      std::vector<std::string>{BinDir() + "/duet-relay", "--listen", listen});
  auto line = r.proc->WaitForLine("listening on ", 10s);
  EXPECT_TRUE(line.has_value()) << r.proc->Transcript();
  if (line) r.addr = line->substr(line->find("listening on ") + 13);
  return r;
}

std::unique_ptr<Process> StartPeer(const std::string& addr, const std::string& name,
                                   const std::string& home, const std::string& room,
                                   std::vector<std::string> extra) {
  std::vector<std::string> argv = {
      BinDir() + "/duet", "--cli", "--json", "--relay", addr, "--room", room,
      "--name",           name,    "--home", home};
  if (std::find(extra.begin(), extra.end(), "--wait") == extra.end()) {
    extra.insert(extra.end(), {"--wait", "10"});
  }
  argv.insert(argv.end(), extra.begin(), extra.end());
  return std::make_unique<Process>(argv);
}

std::optional<json> Event(Process& p, const std::string& kind, size_t n) {
  const std::string needle = "\"event\":\"" + kind + "\"";
  if (!p.WaitForCount(needle, n + 1, 30s)) return std::nullopt;
  size_t seen = 0;
  for (const std::string& line : p.lines()) {
    if (line.find(needle) == std::string::npos) continue;
    if (seen++ == n) return json::parse(line, nullptr, false);
  }
  return std::nullopt;
}

}  // namespace duet::testing
