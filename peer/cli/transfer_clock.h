// Rate and time left of the transfers a printer shows, measured with the printer's own clock
// (the core has none). Not thread-safe: the printer calls it under its mutex.
#pragma once

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>

namespace duet::peer::cli {

class TransferClock {
 public:
  struct Figures {
    double rate = 0;    // bytes per second since the transfer (re)started
    double eta_s = -1;  // seconds left; -1 while unknown
  };

  void Start(const std::string& id, uint64_t offset) {
    starts_[id] = {std::chrono::steady_clock::now(), offset};
  }
  Figures Update(const std::string& id, uint64_t done, uint64_t size) {
    auto it = starts_.find(id);
    if (it == starts_.end())
      it = starts_.emplace(id, Mark{std::chrono::steady_clock::now(), done}).first;
    const double secs =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - it->second.when).count();
    Figures f;
    if (secs > 0 && done > it->second.bytes) {
      f.rate = static_cast<double>(done - it->second.bytes) / secs;
      f.eta_s = static_cast<double>(size - done) / f.rate;
    }
    return f;
  }
  void End(const std::string& id) { starts_.erase(id); }

 private:
  struct Mark {
    std::chrono::steady_clock::time_point when;
    uint64_t bytes = 0;
  };
  std::map<std::string, Mark> starts_;
};

// "950 B", "12.3 MB", "1.07 GB" (decimal units, like the rates).
inline std::string FormatBytes(double n) {
  const char* units[] = {"B", "kB", "MB", "GB", "TB"};
  int u = 0;
  while (n >= 1000 && u < 4) {
    n /= 1000;
    ++u;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), u == 0 ? "%.0f %s" : (n < 10 ? "%.2f %s" : "%.1f %s"), n,
                units[u]);
  return buf;
}

}  // namespace duet::peer::cli
