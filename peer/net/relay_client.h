// The peer's connection to duet-relay: the only peer code that touches the network.
//
// RelayClient owns an Asio I/O thread and the Session it drives. It opens a TCP connection to the
// relay, feeds the session the bytes it reads and writes the bytes the session gives it, ticks
// the session once a second, and when a connection is lost opens a new one with exponential
// backoff and jitter (the session then runs a fresh handshake and resends what is pending).
// After pairings that failed (Session::failed_pairings), it waits 1, 2, 5, 10, then 30 s
// between tries; every backoff starts over only after a secure session.
//
// Threading: the Session and the SessionListener calls live on the I/O thread. Front ends reach
// the session only through Post(), which is thread-safe; the listener must hand events to its
// own thread if it needs to (the GUI does so with Fl::awake).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "peer/core/session.h"

namespace duet::peer {

struct RelayAddress {
  std::string host;
  uint16_t port = 0;
};

// Parses "HOST:PORT" or "[V6]:PORT" (port 1..65535). BAD_RELAY_ADDRESS.
Result<RelayAddress> ParseRelayAddress(std::string_view text);

struct RelayClientOptions {
  RelayAddress relay;
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds backoff_initial{250};
  std::chrono::milliseconds backoff_max{8000};
  // When the very first connection fails, end (RELAY_UNREACHABLE, fatal) instead of retrying:
  // a relay that never answered is more likely a typo than an outage.
  bool give_up_if_first_connect_fails = true;
  // Bytes the session produced that may wait behind the write in flight. A relay that stops
  // taking data while the peer keeps producing (a PONG for each PING) would otherwise grow the
  // queue without end. More than this waiting while not one byte was written for a second, or
  // 8 times this waiting at all, drops the connection (OUTPUT_OVERFLOW); Duet reconnects and
  // what was not delivered is sent again.
  size_t max_queued_bytes = 8u << 20;
};

class RelayClient {
 public:
  RelayClient(RelayClientOptions options, SessionConfig config, SessionListener& listener);
  ~RelayClient();  // stops and joins the I/O thread
  RelayClient(const RelayClient&) = delete;
  RelayClient& operator=(const RelayClient&) = delete;

  // Starts the I/O thread and the first connection.
  void Start();
  // Runs `fn` with the session on the I/O thread, then writes what the session produced.
  void Post(std::function<void(Session&)> fn);
  // Finishes delivering: waits (at most `deadline`) until every pending message has its
  // receipt and every file in flight is saved, then quits (BYE, close_notify) and lets the I/O
  // thread end.
  void Drain(std::chrono::milliseconds deadline);
  // Quits now.
  void Stop();
  // Blocks until the I/O thread has ended (after a quit or a fatal error).
  void Wait();

  // Only after Wait() returned (or from inside Post): the session.
  const Session& session() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace duet::peer
