// The relay's limits and options, with their defaults. Every limit has a flag (relay/main.cc).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

#include "relay/address_key.h"
#include "wire/relay_protocol.h"

namespace duet::relay {

struct RelayConfig {
  std::string host = "0.0.0.0";
  uint16_t port = 7878;
  uint32_t max_frame = wire::relay::kDefaultMaxFrame;  // DATA payload cap, checked before buffering
  // Output waiting for a connection at which neither it nor its partner is read, until it
  // drains to half; capped at Server's kPauseAt (256 KiB), which the memory bound assumes.
  size_t max_output = 256u << 10;
  std::chrono::milliseconds join_timeout{10'000};
  std::chrono::milliseconds idle_timeout{300'000};
  std::chrono::milliseconds slow_consumer_timeout{60'000};  // output stuck this long: close
  size_t max_connections = 2'048;        // x 2,566 KiB worst case each: 5.0 GiB (README)
  size_t max_per_address = 64;           // so that one host cannot take every slot
  int ipv6_prefix = kDefaultIpv6Prefix;  // IPv6 bits an address counts by (relay/address_key.h)
  double join_rate = 5;                  // JOINs per second per address (0: no limit) ...
  double join_burst = 20;                // ... after a burst of this many
  size_t join_rate_entries = 16'384;     // addresses the JOIN limit remembers at once
  size_t max_rooms = 1'024;
  bool quiet = false;                   // no per-frame lines
  bool log_json = false;                // one JSON object per line
  int max_frame_lines_per_second = 50;  // above this, frame lines are coalesced
  std::chrono::milliseconds stats_interval{10'000};
};

}  // namespace duet::relay
