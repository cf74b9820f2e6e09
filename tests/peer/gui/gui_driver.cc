#include "tests/peer/gui/gui_driver.h"

#include <gtest/gtest.h>

namespace duet::testing {

using nlohmann::json;
using Clock = std::chrono::steady_clock;

GuiApp::GuiApp(const std::string& home, std::vector<std::string> args,
               std::vector<std::string> env) {
  std::vector<std::string> argv = {BinDir() + "/duet", "--home", home};
  argv.insert(argv.end(), args.begin(), args.end());
  // (The suppressions matter only in SANITIZE=address builds; see the file.)
  env.push_back("DUET_TEST_STATE=1");
  env.push_back("LSAN_OPTIONS=suppressions=" DUET_SOURCE_DIR "/tests/peer/gui/lsan.supp");
  proc_ = std::make_unique<Process>(argv, std::move(env));
}

std::optional<json> GuiApp::WaitState(const std::function<bool(const json&)>& pred,
                                      std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    const auto& lines = proc_->lines();
    for (; next_line_ < lines.size(); ++next_line_) {
      if (lines[next_line_].rfind("STATE ", 0) != 0) continue;
      json state = json::parse(lines[next_line_].substr(6), nullptr, false);
      if (state.is_discarded()) continue;
      last_ = state;
      if (pred(state)) {
        ++next_line_;
        return state;
      }
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0) return std::nullopt;
    // Waits for the next state line (or the deadline).
    const size_t states = proc_->Count("STATE ");
    proc_->WaitForCount("STATE ", states + 1, left);
  }
}

void GuiApp::Xdotool(std::vector<std::string> args) {
  args.insert(args.begin(), "/usr/bin/xdotool");
  Process x(args);
  auto code = x.Wait(20s);
  ASSERT_TRUE(code.has_value() && *code == 0) << "xdotool failed: " << x.Transcript();
}

void GuiApp::Type(const std::string& text) {
  Xdotool({"windowfocus", "--sync", std::to_string(last_["xid"].get<unsigned long>()), "type",
           "--delay", "8", text});
}

void GuiApp::Key(const std::string& keys) {
  Xdotool(
      {"windowfocus", "--sync", std::to_string(last_["xid"].get<unsigned long>()), "key", keys});
}

namespace {
std::vector<std::string> ClickArgs(const json& state, const std::string& window_key,
                                   const std::string& widget) {
  const json& box = state["widgets"][widget];
  const int x = box[0].get<int>() + box[2].get<int>() / 2;
  const int y = box[1].get<int>() + box[3].get<int>() / 2;
  // Raised first: without a window manager the apps' windows may overlap.
  const std::string window = std::to_string(state[window_key].get<unsigned long>());
  return {"windowraise",     window,  "mousemove", "--window", window, std::to_string(x),
          std::to_string(y), "click", "1"};
}
}  // namespace

void GuiApp::Click(const std::string& widget) { Xdotool(ClickArgs(last_, "xid", widget)); }

void GuiApp::ClickInDialog(const std::string& widget) {
  Xdotool(ClickArgs(last_, "dialog_xid", widget));
}

bool HasLine(const json& state, const std::string& who, const std::string& text) {
  for (const json& line : state["transcript"]) {
    if (line["who"] == who && line["text"].get<std::string>().find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

}  // namespace duet::testing
