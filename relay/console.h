// The relay's console: what a person watching it sees. One line per join, pair, leave and
// refusal, one per forwarded frame (time, room, direction, size, hex of the first bytes), and
// periodic totals. It can only print what the relay saw: room codes, addresses, sizes and
// ciphertext. Under load, frame lines are capped per second and the rest summed up in one line,
// so the console never slows forwarding.
//
// Output never blocks the caller: lines go to a bounded buffer that a writer thread empties.
// When whoever reads the console cannot keep up (a full pipe, a stopped terminal), lines beyond
// the buffer are dropped and counted, and a line says so once output flows again.
//
// The public methods are called from the relay's one I/O thread; the writer thread is internal.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>

#include "relay/config.h"
#include "wire/codec.h"

namespace duet::relay {

struct Totals {
  uint64_t connections = 0;  // open now
  uint64_t rooms = 0;        // open now
  uint64_t accepted = 0;
  uint64_t refused = 0;
  uint64_t frames = 0;
  uint64_t bytes = 0;
  uint64_t dropped = 0;  // DATA with no partner (a race with PEER_LEFT)
};

class Console {
 public:
  Console(const RelayConfig& config, std::FILE* out);
  ~Console();  // writes out what is buffered, then stops the writer thread
  Console(const Console&) = delete;
  Console& operator=(const Console&) = delete;

  void Listening(const std::string& host, uint16_t port);  // always the first line, plain text
  void Banner(const RelayConfig& config);
  void Join(const std::string& room, const std::string& addr);
  void Pair(const std::string& room, const std::string& a, const std::string& b);
  void Leave(const std::string& room, const std::string& addr);
  void Refused(const std::string& addr, const std::string& code, const std::string& detail);
  // A DATA frame of `size` payload bytes starts being forwarded; `prefix` holds its first bytes
  // (at least kHexPrefixBytes of them, or the whole payload when it is shorter).
  void Frame(const std::string& room, bool a_to_b, size_t size, wire::ByteView prefix);
  static constexpr size_t kHexPrefixBytes = 16;
  void ShowTotals(const Totals& t, const char* label);
  // Once a second: the summary line of frames not shown.
  void Tick();

 private:
  void Line(const std::string& event, const std::string& text, const std::string& json_fields);
  void Emit(std::string line);
  void WriterLoop();

  static constexpr size_t kMaxBuffered = 1 << 20;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string buffer_;          // guarded by mu_
  uint64_t dropped_lines_ = 0;  // guarded by mu_
  bool stopping_ = false;       // guarded by mu_
  std::thread writer_;

  std::FILE* out_;
  bool quiet_;
  bool json_;
  int max_lines_;
  int lines_this_second_ = 0;
  uint64_t hidden_frames_ = 0;
  uint64_t hidden_bytes_ = 0;
};

}  // namespace duet::relay
