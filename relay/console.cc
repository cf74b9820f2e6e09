#include "relay/console.h"

#include <chrono>
#include <ctime>
#include <utility>

#include "wire/hex.h"

namespace duet::relay {
namespace {

std::string Now() {
  using namespace std::chrono;
  auto now = system_clock::now();
  std::time_t t = system_clock::to_time_t(now);
  int ms = static_cast<int>(duration_cast<milliseconds>(now.time_since_epoch()).count() % 1000);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec, ms);
  return buf;
}

// Room codes and addresses are [A-Za-z0-9._-:[]]: nothing to escape, but be safe.
std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    if (static_cast<unsigned char>(c) < 0x20) continue;
    out += c;
  }
  return out + "\"";
}

}  // namespace

Console::Console(const RelayConfig& config, std::FILE* out)
    : out_(out),
      quiet_(config.quiet),
      json_(config.log_json),
      max_lines_(config.max_frame_lines_per_second) {
  writer_ = std::thread([this] { WriterLoop(); });
}

Console::~Console() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  writer_.join();
}

void Console::Emit(std::string line) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (buffer_.size() + line.size() > kMaxBuffered) {
      ++dropped_lines_;  // the reader is too slow: drop rather than block forwarding
      return;
    }
    buffer_ += line;
  }
  cv_.notify_one();
}

void Console::WriterLoop() {
  std::unique_lock<std::mutex> lock(mu_);
  for (;;) {
    cv_.wait(lock, [this] { return stopping_ || !buffer_.empty(); });
    if (buffer_.empty() && stopping_) return;
    std::string chunk;
    chunk.swap(buffer_);
    uint64_t dropped = std::exchange(dropped_lines_, 0);
    lock.unlock();
    if (dropped > 0) {
      std::fprintf(out_, "(the console could not keep up: %llu lines were dropped)\n",
                   static_cast<unsigned long long>(dropped));
    }
    std::fwrite(chunk.data(), 1, chunk.size(), out_);
    std::fflush(out_);
    lock.lock();
  }
}

void Console::Line(const std::string& event, const std::string& text,
                   const std::string& json_fields) {
  if (json_) {
    Emit("{\"time\":\"" + Now() + "\",\"event\":\"" + event + "\"" +
         (json_fields.empty() ? "" : "," + json_fields) + "}\n");
  } else {
    Emit(Now() + "  " + text + "\n");
  }
}

void Console::Listening(const std::string& host, uint16_t port) {
  Emit("listening on " + host + ":" + std::to_string(port) + "\n");
}

namespace {
// A flag's value as the user would type it: 5, 0.5.
std::string Number(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}
std::string JoinRateText(const RelayConfig& c) {
  if (c.join_rate <= 0) return "unlimited";
  return Number(c.join_rate) + "/s (burst " + Number(c.join_burst) + ")";
}
}  // namespace

void Console::Banner(const RelayConfig& c) {
  Line("start",
       "duet-relay: blind relay for Duet. It pairs two peers per room and forwards bytes it "
       "cannot read; it holds no keys and keeps no history.",
       "");
  Line("limits",
       "limits: frame " + std::to_string(c.max_frame) + " B, output " +
           std::to_string(c.max_output) + " B/connection, join timeout " +
           std::to_string(c.join_timeout.count()) + " ms, idle timeout " +
           std::to_string(c.idle_timeout.count()) + " ms, connections " +
           std::to_string(c.max_connections) + " (" + std::to_string(c.max_per_address) +
           " per address), rooms " + std::to_string(c.max_rooms) + ", joins " + JoinRateText(c) +
           " per address",
       "\"max_frame\":" + std::to_string(c.max_frame) +
           ",\"max_output\":" + std::to_string(c.max_output) +
           ",\"max_connections\":" + std::to_string(c.max_connections) + ",\"max_per_address\":" +
           std::to_string(c.max_per_address) + ",\"max_rooms\":" + std::to_string(c.max_rooms) +
           ",\"join_rate\":" + Number(c.join_rate) + ",\"join_burst\":" + Number(c.join_burst));
}

void Console::Join(const std::string& room, const std::string& addr) {
  Line("join", "join   room=" + room + " from " + addr + " (waiting)",
       "\"room\":" + JsonString(room) + ",\"addr\":" + JsonString(addr));
}

void Console::Pair(const std::string& room, const std::string& a, const std::string& b) {
  Line("pair", "pair   room=" + room + " a=" + a + " b=" + b,
       "\"room\":" + JsonString(room) + ",\"a\":" + JsonString(a) + ",\"b\":" + JsonString(b));
}

void Console::Leave(const std::string& room, const std::string& addr) {
  Line("leave", "leave  room=" + room + " " + addr,
       "\"room\":" + JsonString(room) + ",\"addr\":" + JsonString(addr));
}

void Console::Refused(const std::string& addr, const std::string& code, const std::string& detail) {
  Line("refused", "refuse " + addr + " " + code + ": " + detail,
       "\"addr\":" + JsonString(addr) + ",\"code\":" + JsonString(code));
}

void Console::Frame(const std::string& room, bool a_to_b, size_t size, wire::ByteView prefix) {
  if (quiet_) return;
  if (lines_this_second_ >= max_lines_) {
    ++hidden_frames_;
    hidden_bytes_ += size;
    return;
  }
  ++lines_this_second_;
  const std::string dir = a_to_b ? "a→b" : "b→a";
  const std::string hex = wire::ToHex(prefix.first(std::min(prefix.size(), kHexPrefixBytes)));
  char size_text[32];
  std::snprintf(size_text, sizeof(size_text), "%7zu B", size);
  Line("frame", "frame  room=" + room + " " + dir + " " + size_text + "  " + hex + "…",
       "\"room\":" + JsonString(room) + ",\"dir\":\"" + (a_to_b ? "a>b" : "b>a") +
           "\",\"bytes\":" + std::to_string(size) + ",\"hex\":\"" + hex + "\"");
}

void Console::Tick() {
  if (hidden_frames_ > 0) {
    Line("coalesced",
         "frame  … and " + std::to_string(hidden_frames_) + " more frames (" +
             std::to_string(hidden_bytes_) + " B of ciphertext) in the last second",
         "\"frames\":" + std::to_string(hidden_frames_) +
             ",\"bytes\":" + std::to_string(hidden_bytes_));
  }
  hidden_frames_ = hidden_bytes_ = 0;
  lines_this_second_ = 0;
}

void Console::ShowTotals(const Totals& t, const char* label) {
  Line(label,
       std::string(label) + ": " + std::to_string(t.connections) + " connections, " +
           std::to_string(t.rooms) + " rooms, " + std::to_string(t.accepted) + " accepted, " +
           std::to_string(t.refused) + " refused, " + std::to_string(t.frames) + " frames / " +
           std::to_string(t.bytes) + " B forwarded",
       "\"connections\":" + std::to_string(t.connections) +
           ",\"rooms\":" + std::to_string(t.rooms) + ",\"accepted\":" + std::to_string(t.accepted) +
           ",\"refused\":" + std::to_string(t.refused) + ",\"frames\":" + std::to_string(t.frames) +
           ",\"bytes\":" + std::to_string(t.bytes));
}

}  // namespace duet::relay
