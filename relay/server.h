// duet-relay's server: accepts connections, pairs them by room, forwards DATA between partners,
// enforces the limits of RelayConfig, and shuts down cleanly on SIGINT/SIGTERM.
//
// Single-threaded: everything runs on the io_context it is given (one thread). It links wire/
// only: it never holds a key and never sees plaintext.
#pragma once

#include <asio.hpp>
#include <cstdio>
#include <memory>
#include <string>
#include <unordered_map>

#include "relay/config.h"
#include "relay/connection.h"
#include "relay/console.h"
#include "relay/join_limiter.h"
#include "relay/room_table.h"
#include "wire/result.h"

namespace duet::relay {

class Server {
 public:
  Server(asio::io_context& io, RelayConfig config, std::FILE* console_out);

  // Binds and listens. BIND_FAILED with the reason.
  Status Listen();
  uint16_t port() const { return port_; }
  const std::string& host() const { return config_.host; }
  // Prints the banner and starts accepting, the timers and the signal handler.
  void Start();
  const RelayConfig& config() const { return config_; }
  const Totals& totals() const { return totals_; }

  // --- called by connections ---
  bool OnJoin(Connection& conn, const std::string& room);
  // Cut-through forwarding of a DATA frame from `from` to `to` (null: its partner changed or
  // left, so the bytes are dropped). ForwardStart gets the header and the first `size`-`left`
  // payload bytes (at least the console's prefix), ForwardRest the following bytes.
  void ForwardStart(Connection& from, Connection* to, wire::ByteView bytes, uint32_t size,
                    uint32_t left);
  void ForwardRest(Connection& from, Connection* to, wire::ByteView bytes, uint32_t left);
  void OnOutputProgress(Connection& conn);
  // Output waiting for a connection at which neither it nor its partner is read any more
  // (backpressure; reading resumes below half of it).
  size_t pause_threshold() const;
  // Whether the relay is closing every connection (SIGINT/SIGTERM): frames are then padded.
  bool shutting_down() const { return shutting_down_; }
  void OnRefused(Connection& conn, const RelayError& error);
  void OnLeaving(Connection& conn);  // out of its room (before the close completes)
  void OnClosed(Connection& conn);

 private:
  void Accept();
  void Sweep();
  void Shutdown();
  void Unpair(Connection& conn);
  void ForwardBytes(Connection& to, wire::ByteView bytes, uint32_t left);

  asio::io_context& io_;
  RelayConfig config_;
  Console console_;
  asio::ip::tcp::acceptor acceptor_;
  asio::steady_timer sweep_timer_;
  asio::steady_timer retry_accept_timer_;
  asio::signal_set signals_;
  uint16_t port_ = 0;
  bool shutting_down_ = false;

  RoomTable rooms_;
  JoinLimiter joins_;
  std::unordered_map<ConnId, std::shared_ptr<Connection>> conns_;
  std::unordered_map<std::string, size_t> per_address_;  // connections by AddressKey
  ConnId next_id_ = 1;
  Totals totals_;
  std::chrono::steady_clock::time_point last_totals_;
};

}  // namespace duet::relay
