// Drives a real `duet` desktop app for the GUI tests: starts it with DUET_TEST_STATE=1, reads the
// "STATE {json}" lines it prints on every visible change, and sends it real X events with
// xdotool (keys and clicks go through the X server to FLTK like a person's would).
#pragma once

#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "tests/support/process.h"

namespace duet::testing {

class GuiApp {
 public:
  // `home`: identity and pins; `args`: more flags (--relay, --room, --name, --connect, ...);
  // `env`: more environment ("NAME=value").
  GuiApp(const std::string& home, std::vector<std::string> args, std::vector<std::string> env = {});

  // Waits (bounded) for a state for which `pred` holds, looking at every state printed since
  // the last call that matched; returns it, or nullopt (the test fails with the transcript).
  std::optional<nlohmann::json> WaitState(const std::function<bool(const nlohmann::json&)>& pred,
                                          std::chrono::milliseconds timeout = 60s);
  const nlohmann::json& last() const { return last_; }

  // Real X events, to the app's main window (or its dialog).
  void Type(const std::string& text);
  void Key(const std::string& keys);  // xdotool key names, e.g. "Return", "ctrl+k"
  void Click(const std::string& widget);
  void ClickInDialog(const std::string& widget);

  Process& process() { return *proc_; }

 private:
  void Xdotool(std::vector<std::string> args);

  std::unique_ptr<Process> proc_;
  size_t next_line_ = 0;
  nlohmann::json last_;
};

// True when the transcript has a line from `who` ("me", "peer", "system", "warning") whose
// text contains `text`.
bool HasLine(const nlohmann::json& state, const std::string& who, const std::string& text);

}  // namespace duet::testing
