// A token bucket per source address for JOINs: one address may join `burst` rooms at once and
// then `rate` per second. Pure (time comes in as an argument), so tests drive it without waiting.
//
// Memory is bounded: an address's entry is forgotten once its bucket is full again (it then
// behaves exactly like a new address), and at most `max_entries` are kept; past that, the entry
// touched longest ago is dropped (that address starts over with a full bucket). Not thread-safe:
// the relay's one thread owns it.
#pragma once

#include <chrono>
#include <cstddef>
#include <list>
#include <string>
#include <unordered_map>

namespace duet::relay {

class JoinLimiter {
 public:
  using Time = std::chrono::steady_clock::time_point;

  // `rate` JOINs per second, `burst` at once; a rate of 0 disables the limit.
  JoinLimiter(double rate, double burst, size_t max_entries);

  // Whether `addr` may join now; takes one token when it may.
  bool Allow(const std::string& addr, Time now);
  size_t entries() const { return by_addr_.size(); }

 private:
  struct Bucket {
    std::string addr;
    double tokens = 0;
    Time updated;
  };
  using Lru = std::list<Bucket>;  // least recently touched first

  // Forgets the buckets that have filled up again since they were last touched.
  void Expire(Time now);
  double Refilled(const Bucket& b, Time now) const;

  double rate_;
  double burst_;
  size_t max_entries_;
  Lru lru_;
  std::unordered_map<std::string, Lru::iterator> by_addr_;
};

}  // namespace duet::relay
