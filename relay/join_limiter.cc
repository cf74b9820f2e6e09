#include "relay/join_limiter.h"

#include <algorithm>

namespace duet::relay {

JoinLimiter::JoinLimiter(double rate, double burst, size_t max_entries)
    : rate_(rate), burst_(std::max(burst, 1.0)), max_entries_(std::max<size_t>(max_entries, 1)) {}

double JoinLimiter::Refilled(const Bucket& b, Time now) const {
  const double seconds = std::chrono::duration<double>(now - b.updated).count();
  return std::min(burst_, b.tokens + seconds * rate_);
}

void JoinLimiter::Expire(Time now) {
  while (!lru_.empty() && Refilled(lru_.front(), now) >= burst_) {
    by_addr_.erase(lru_.front().addr);
    lru_.pop_front();
  }
}

bool JoinLimiter::Allow(const std::string& addr, Time now) {
  if (rate_ <= 0) return true;
  Expire(now);
  auto it = by_addr_.find(addr);
  Bucket b{addr, burst_, now};
  if (it != by_addr_.end()) {
    b.tokens = Refilled(*it->second, now);
    lru_.erase(it->second);
    by_addr_.erase(it);
  } else if (by_addr_.size() >= max_entries_) {
    by_addr_.erase(lru_.front().addr);  // full of busy addresses: the stalest starts over
    lru_.pop_front();
  }
  const bool allowed = b.tokens >= 1;
  if (allowed) b.tokens -= 1;
  lru_.push_back(std::move(b));
  by_addr_[lru_.back().addr] = std::prev(lru_.end());
  return allowed;
}

}  // namespace duet::relay
