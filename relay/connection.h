// One peer's TCP connection to the relay.
//
// Memory: an idle connection holds no buffers. It waits for readability (async_wait) and only
// then reads into a buffer of kInputBuffer bytes, which it lets go again once it holds no partial
// frame; output is buffered only while there is some. Each frame type has a payload cap, checked
// on the header before any of the payload is buffered (CheckHeader); only DATA may be large, and
// it is forwarded as it comes, so at most kMaxKeptInput bytes of a frame wait between reads.
//
// Flow: one write in flight. Once a connection's output reaches the pause point (forwarded DATA
// and the relay's own frames alike), neither it nor its partner is read (backpressure) until it
// drains below half of it. A read never takes more than fits under the pause point (ReadLimit)
// once something waits to be written, and the read that crosses it pauses both sides at once,
// so the output holds at most the larger of kInputBuffer and the pause point + kMinRead. Output
// stuck too long is the server's
// slow-consumer timeout.
//
// Cut-through: a DATA frame is forwarded as its bytes arrive, not once it is whole, so a large
// frame is neither buffered nor delayed. Once its header (and the first bytes the console shows)
// are in, the frame is bound to the partner of that moment; if the partner changes before the
// frame ends, the rest is dropped. The receiving side keeps its output framed: frames the relay
// itself sends wait until a partner's frame that is part-way into the output is complete. The
// server owns connections (shared_ptr); handlers hold a shared_ptr so a closed connection outlives
// its last callback.
#pragma once

#include <asio.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "relay/errors.h"
#include "relay/room_table.h"
#include "wire/codec.h"
#include "wire/frame.h"
#include "wire/relay_protocol.h"

namespace duet::relay {

class Server;
using SteadyTime = std::chrono::steady_clock::time_point;

// The largest payload a peer's frame may declare, by type, before the relay buffers any of it
// (wire/PROTOCOL.md, "Framing"): JOIN before joining, PING after; DATA (up to --max-frame) is
// forwarded cut-through and never held whole.
inline constexpr uint32_t kMaxJoinPayload = 4 + 2 + 1 + wire::relay::kMaxRoomLength;  // 71
// What ProcessInput may keep of a frame between reads: a JOIN, a PING or a DATA header with the
// console's prefix, whichever is largest (the DATA prefix is Console::kHexPrefixBytes).
inline constexpr size_t kMaxKeptInput = wire::kFrameHeaderSize + kMaxJoinPayload;
// The input buffer, allocated while a connection has data to read, and the smallest read. Reads
// of 512 KiB (when nothing waits to be written) keep bulk forwarding at socat's speed; with
// 256 KiB the relay spent about a quarter more CPU per GiB and moved 10-20% less.
inline constexpr size_t kInputBuffer = 512 * 1024;
inline constexpr size_t kMinRead = 4096;

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  enum class State { kJoining, kJoined, kClosing, kClosed };

  Connection(Server& server, asio::ip::tcp::socket socket, ConnId id, std::string addr);

  void Start();
  // A whole frame of the relay's own (WAITING, PAIRED, PONG, PEER_LEFT): sent now, or held back
  // while a partner's DATA frame is part-way into the output.
  void SendFrame(wire::ByteView frame);
  // Bytes of a partner's DATA frame; `left` bytes of that frame are still to come. Bytes
  // `from_input` are a view into the partner's input buffer: they may be held as a view until
  // the partner's frame loop ends (FlushDeferred), so that the frames of one read go out in one
  // write.
  void AppendForwarded(wire::ByteView bytes, uint32_t left, bool from_input = true);
  // Writes the bytes held as a view (see AppendForwarded); the sender's frame loop calls it
  // before its input buffer changes.
  void FlushDeferred();
  // Whether a partner's DATA frame is part-way into the output.
  bool mid_frame() const { return partial_left_ > 0; }
  // The partner stopped part-way through a frame to us: fill it up with zero bytes so that the
  // output stays framed (the peer's TLS rejects the record; the relay's next frame parses).
  // Used only while the relay shuts down (bounded by then: no more input is read).
  void PadPartialFrame();
  // The DATA frame this connection is forwarding: body bytes still to come, and the id of the
  // connection it goes to (0: it is being dropped).
  uint32_t forward_left() const { return fwd_left_; }
  ConnId forward_to() const { return fwd_to_; }
  // Sends ERROR (code, sentence), stops reading, and closes once it is written (the server
  // forces the close if it is not written in time). While a partner's frame is part-way into the
  // output it closes at once without the ERROR, unless the relay is shutting down.
  void SendError(const RelayError& error);
  // Closes now; the server forgets the connection.
  void Close();
  // Closes once the current handler returns: for use inside another connection's frame loop,
  // which may hold views into buffers that a close would end.
  void CloseSoon();
  void MarkJoined() { state_ = State::kJoined; }
  // Lets go of buffers that hold nothing (the server calls it for connections gone quiet).
  void TrimIdle();
  void Pause() { paused_ = true; }
  // Reads again, unless this side's output or its partner's is still at half the pause point.
  void Resume();

  ConnId id() const { return id_; }
  const std::string& addr() const { return addr_; }
  State state() const { return state_; }
  size_t pending_output() const {
    return deferred_.size() + out_pending_.size() + out_writing_.size();
  }

  // Set by the server when the connection joins or pairs.
  std::string room;
  std::string address_key;  // what the per-address limits count it under (relay/address_key.h)
  Connection* partner = nullptr;  // valid while paired; cleared on either side's close
  bool first_in_room = false;     // side "a" on the console, TLS server

  SteadyTime created_at;
  SteadyTime last_input;
  SteadyTime output_since;  // when the output last went from empty to non-empty, or progressed
  SteadyTime closing_since;

 private:
  void WaitReadable();
  void ReadAvailable();
  // Handles complete frames and forwards DATA as it arrives; false when the connection was
  // closed or refused.
  bool ProcessInput();
  // The refusal for a frame header, by state and type (the per-type payload caps), or none.
  std::optional<RelayError> CheckHeader(const wire::FrameHeader& h) const;
  bool HandleFrame(uint8_t type, wire::ByteView payload);
  // Whether this side's output, or its partner's, holds `limit` bytes or more.
  bool Backlogged(size_t limit) const;
  // The most one read may take: the whole buffer while neither side's output holds anything
  // (most of it goes straight into the partner's socket), otherwise what fits under the pause
  // point, since what is read can come back out as output (forwarded DATA, PONGs), but at least
  // kMinRead.
  size_t ReadLimit() const;
  // Appends bytes to the output and starts writing (`defer`: see AppendForwarded).
  void Enqueue(wire::ByteView bytes, bool defer = false);
  // Writes what the socket takes now (nothing may be queued); returns the rest.
  wire::ByteView WriteNow(wire::ByteView bytes);
  // Writes what this side's frame loop forwarded to the partner, then pauses this side if the
  // partner has too much output waiting.
  void FlushForwarded();
  // The partner the current DATA frame goes to, or null when it is being dropped.
  Connection* ForwardTarget() const;
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
  wire::ByteView deferred_;  // forwarded bytes in the partner's input buffer, written first
  wire::Bytes out_pending_;
  wire::Bytes out_writing_;
  bool reading_ = false;
  bool writing_ = false;
  bool paused_ = false;
  bool write_failed_ = false;  // the socket refused a write, or a close is posted
  uint32_t fwd_left_ = 0;      // as sender: body bytes of the current DATA frame to come
  ConnId fwd_to_ = 0;          // as sender: where the current DATA frame goes (0: dropped)
  uint32_t partial_left_ = 0;  // as receiver: bytes of a partner's frame still to come
  wire::Bytes held_;           // as receiver: the relay's own frames waiting for that frame
};

}  // namespace duet::relay
