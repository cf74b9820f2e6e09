// One peer's TCP connection to the relay.
//
// Memory: an idle connection holds no buffers. It waits for readability (async_wait) and only
// then reads into a buffer, which it lets go again once it holds no partial frame; output is
// buffered only while there is some. Reads are capped by the frame limit, which is checked on
// the header before the payload is buffered.
//
// Flow: one write in flight; output beyond the cap pauses the partner's reading (backpressure)
// until this side drains below half the cap. The server owns connections (shared_ptr); handlers
// hold a shared_ptr so a closed connection outlives its last callback.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "relay/errors.h"
#include "relay/room_table.h"
#include "wire/codec.h"

namespace duet::relay {

class Server;
using SteadyTime = std::chrono::steady_clock::time_point;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  enum class State { kJoining, kJoined, kClosing, kClosed };

  Connection(Server& server, asio::ip::tcp::socket socket, ConnId id, std::string addr);

  void Start();
  // Appends bytes to the output and starts writing.
  void Enqueue(wire::ByteView bytes);
  // Sends ERROR (code, sentence), stops reading, and closes once it is written (the server
  // forces the close if it is not written in time).
  void SendError(const RelayError& error);
  // Closes now; the server forgets the connection.
  void Close();
  void MarkJoined() { state_ = State::kJoined; }
  // Lets go of buffers that hold nothing (the server calls it for connections gone quiet).
  void TrimIdle();
  void Pause() { paused_ = true; }
  void Resume();

  ConnId id() const { return id_; }
  const std::string& addr() const { return addr_; }
  State state() const { return state_; }
  size_t pending_output() const { return out_pending_.size() + out_writing_.size(); }

  // Set by the server when the connection joins or pairs.
  std::string room;
  Connection* partner = nullptr;  // valid while paired; cleared on either side's close
  bool first_in_room = false;     // side "a" on the console, TLS server

  SteadyTime created_at;
  SteadyTime last_input;
  SteadyTime output_since;  // when the output last went from empty to non-empty, or progressed
  SteadyTime closing_since;

 private:
  void WaitReadable();
  void ReadAvailable();
  // Parses complete frames from the input; false when the connection was closed or refused.
  bool ProcessInput();
  bool HandleFrame(uint8_t type, wire::ByteView payload, wire::ByteView whole);
  void WriteMore();
  void FinishClose();

  Server& server_;
  asio::ip::tcp::socket socket_;
  ConnId id_;
  std::string addr_;
  State state_ = State::kJoining;

  std::unique_ptr<uint8_t[]> in_;
  size_t in_cap_ = 0;
  size_t in_len_ = 0;
  size_t last_read_ = 0;
  wire::Bytes out_pending_;
  wire::Bytes out_writing_;
  bool reading_ = false;
  bool writing_ = false;
  bool paused_ = false;
  bool write_failed_ = false;  // the socket refused a write; a close is posted
};

}  // namespace duet::relay
