#include "relay/connection.h"

#include <algorithm>
#include <cstring>

#include "relay/console.h"
#include "relay/server.h"
#include "wire/frame.h"
#include "wire/relay_protocol.h"

namespace duet::relay {

namespace rp = wire::relay;

namespace {

constexpr size_t kReadBudget = 4 * 1024 * 1024;  // per wake-up, so no connection starves others
constexpr size_t kSmallRead = 4096;              // below this, an emptied buffer is let go
static_assert(kMaxKeptInput >= wire::kFrameHeaderSize + Console::kHexPrefixBytes);
static_assert(kMaxKeptInput >= wire::kFrameHeaderSize + rp::kMaxPingPayload);
static_assert(kInputBuffer >= kMaxKeptInput + kMinRead);

}  // namespace

Connection::Connection(Server& server, asio::ip::tcp::socket socket, ConnId id, std::string addr)
    : server_(server), socket_(std::move(socket)), id_(id), addr_(std::move(addr)) {
  created_at = last_input = output_since = std::chrono::steady_clock::now();
}

void Connection::Start() {
  std::error_code ec;
  socket_.non_blocking(true, ec);
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  WaitReadable();
}

void Connection::WaitReadable() {
  if (reading_ || paused_ || (state_ != State::kJoining && state_ != State::kJoined)) return;
  reading_ = true;
  socket_.async_wait(asio::ip::tcp::socket::wait_read,
                     [self = shared_from_this()](std::error_code ec) {
                       self->reading_ = false;
                       if (self->state_ == State::kClosed) return;
                       if (ec) return self->Close();
                       self->ReadAvailable();
                     });
}

bool Connection::Backlogged(size_t limit) const {
  return pending_output() >= limit || (partner != nullptr && partner->pending_output() >= limit);
}

void Connection::Resume() {
  if (!paused_ || Backlogged(server_.pause_threshold() / 2)) return;
  paused_ = false;
  WaitReadable();
}

size_t Connection::ReadLimit() const {
  const size_t cap = server_.pause_threshold();
  const size_t backlog =
      std::max(pending_output(), partner != nullptr ? partner->pending_output() : 0);
  if (backlog == 0) return kInputBuffer;
  return backlog + kMinRead >= cap ? kMinRead : cap - backlog;
}

void Connection::ReadAvailable() {
  size_t budget = kReadBudget;
  while (budget > 0 && (state_ == State::kJoining || state_ == State::kJoined) && !paused_) {
    if (!in_) {
      // Allocate only now that there is data to read. It never grows: what ProcessInput keeps
      // at the front (a partial header, JOIN or PING) is at most kMaxKeptInput bytes.
      in_.reset(new uint8_t[kInputBuffer]);
      in_cap_ = kInputBuffer;
    }
    std::error_code ec;
    const size_t offered = std::min(in_cap_ - in_len_, ReadLimit());
    size_t n = socket_.read_some(asio::buffer(in_.get() + in_len_, offered), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) break;
    if (ec) return Close();  // end of stream or a reset: the peer left
    in_len_ += n;
    last_read_ = n;
    budget -= std::min(budget, n);
    last_input = std::chrono::steady_clock::now();
    if (!ProcessInput()) return;
    if (n < offered) break;  // the socket is drained
  }
  if (in_len_ == 0 && last_read_ < kSmallRead) {
    in_.reset();  // a small exchange: hold no buffer while idle
    in_cap_ = 0;
  }
  WaitReadable();
}

void Connection::TrimIdle() {
  if (in_len_ == 0 && in_) {
    in_.reset();
    in_cap_ = 0;
  }
  if (!writing_ && out_pending_.empty()) {
    wire::Bytes().swap(out_pending_);
    wire::Bytes().swap(out_writing_);
  }
}

bool Connection::ProcessInput() {
  // What this loop forwards is written once, at its end: one write for all the frames of a read
  // rather than one per frame. The partner's deferred bytes are views into in_, so they are
  // written before in_ changes and whichever way the loop ends.
  struct FlushPartner {
    Connection& self;
    ~FlushPartner() { self.FlushForwarded(); }
  } flush_partner{*this};
  size_t pos = 0;
  while (pos < in_len_) {
    wire::ByteView rest(in_.get() + pos, in_len_ - pos);
    if (fwd_left_ > 0) {
      // More of a DATA frame already under way: pass on what is here.
      const uint32_t n = static_cast<uint32_t>(std::min<size_t>(rest.size(), fwd_left_));
      fwd_left_ -= n;
      pos += n;
      server_.ForwardRest(*this, ForwardTarget(), rest.first(n), fwd_left_);
      if (state_ != State::kJoined) return false;
      continue;
    }
    if (rest.size() < wire::kFrameHeaderSize) break;
    wire::FrameHeader h = wire::ParseFrameHeader(rest);
    if (std::optional<RelayError> refusal = CheckHeader(h)) {
      SendError(*refusal);
      return false;
    }
    const size_t body_here = rest.size() - wire::kFrameHeaderSize;
    if (state_ == State::kJoined && h.type == static_cast<uint8_t>(rp::FrameType::kData) &&
        h.length > 0) {
      // Cut-through: start as soon as the bytes the console shows are here.
      if (body_here < std::min<size_t>(h.length, Console::kHexPrefixBytes)) break;
      const size_t n = std::min<size_t>(body_here, h.length);
      fwd_to_ = partner != nullptr ? partner->id() : 0;
      fwd_left_ = h.length - static_cast<uint32_t>(n);
      pos += wire::kFrameHeaderSize + n;
      server_.ForwardStart(*this, ForwardTarget(), rest.first(wire::kFrameHeaderSize + n), h.length,
                           fwd_left_);
      if (state_ != State::kJoined) return false;
      continue;
    }
    if (body_here < h.length) break;  // the rest is still coming
    wire::ByteView whole = rest.first(wire::kFrameHeaderSize + h.length);
    pos += whole.size();
    if (!HandleFrame(h.type, whole.subspan(wire::kFrameHeaderSize))) return false;
    if (state_ != State::kJoining && state_ != State::kJoined) return false;
  }
  FlushForwarded();
  if (pos > 0) {
    std::memmove(in_.get(), in_.get() + pos, in_len_ - pos);
    in_len_ -= pos;
  }
  return true;
}

void Connection::FlushForwarded() {
  if (partner != nullptr) partner->FlushDeferred();
  // Backpressure: stop reading this side until the partner's output drains, and also while its
  // own output is backed up (a peer that sends PINGs and reads no PONGs). The partner stops too,
  // now rather than after its next read: else that read (its PINGs, answered into the same
  // output) could take the output past the pause point a second time.
  if (!Backlogged(server_.pause_threshold())) return;
  Pause();
  if (partner != nullptr) partner->Pause();
}

Connection* Connection::ForwardTarget() const {
  return partner != nullptr && partner->id() == fwd_to_ ? partner : nullptr;
}

std::optional<RelayError> Connection::CheckHeader(const wire::FrameHeader& h) const {
  const auto t = static_cast<rp::FrameType>(h.type);
  if (state_ == State::kJoining) {
    if (t == rp::FrameType::kData) return BadFrame("DATA arrived before JOIN; join a room first.");
    if (t != rp::FrameType::kJoin) {
      return BadFrame("The first frame must be JOIN; is this a Duet client?");
    }
    if (h.length > kMaxJoinPayload)
      return BadFrame("The JOIN frame is longer than any valid JOIN.");
    return std::nullopt;
  }
  switch (t) {
    case rp::FrameType::kData:
      if (h.length > server_.config().max_frame) {
        return FrameTooLarge(h.length, server_.config().max_frame);
      }
      return std::nullopt;
    case rp::FrameType::kPing:
      if (h.length > rp::kMaxPingPayload) return FrameTooLarge(h.length, rp::kMaxPingPayload);
      return std::nullopt;
    case rp::FrameType::kJoin: return BadFrame("This connection already joined a room.");
    default:
      return BadFrame("Frame type " + std::to_string(h.type) + " is not one a peer may send.");
  }
}

bool Connection::HandleFrame(uint8_t type, wire::ByteView payload) {
  const auto t = static_cast<rp::FrameType>(type);
  if (state_ == State::kJoining) {
    Result<rp::Join> join = rp::DecodeJoin(payload);
    if (!join) {
      SendError(RelayError{join.error().code == "BAD_VERSION" ? "BAD_VERSION" : "BAD_FRAME",
                           join.error().message});
      return false;
    }
    return server_.OnJoin(*this, join->room);
  }
  if (state_ != State::kJoined) return false;
  switch (t) {
    case rp::FrameType::kData:
      if (payload.empty()) {
        SendError(BadFrame("A DATA frame must carry at least one byte."));
        return false;
      }
      return true;  // unreachable: a non-empty DATA frame in a room is forwarded cut-through
    case rp::FrameType::kPing:
      // While a partner's frame is part-way into our output, PONGs are held back; one held
      // PONG answers every PING of that time, so a peer cannot make the relay hold PONGs
      // without bound while its partner stalls part-way through a frame.
      if (partial_left_ == 0 || held_.empty()) SendFrame(rp::EncodePong(payload));
      return true;
    default: return true;  // unreachable: CheckHeader let through DATA and PING only
  }
}

void Connection::Enqueue(wire::ByteView bytes, bool defer) {
  if (state_ == State::kClosed || write_failed_) return;
  if (defer && !deferred_.empty() && bytes.data() == deferred_.data() + deferred_.size()) {
    deferred_ = wire::ByteView(deferred_.data(), deferred_.size() + bytes.size());
    return;
  }
  FlushDeferred();
  if (pending_output() == 0) {
    output_since = std::chrono::steady_clock::now();
    if (defer) {
      deferred_ = bytes;  // the sender's ProcessInput writes it (FlushDeferred) before it returns
      return;
    }
    bytes = WriteNow(bytes);
    if (bytes.empty()) return;
  }
  out_pending_.insert(out_pending_.end(), bytes.begin(), bytes.end());
  if (!writing_) WriteMore();
}

void Connection::FlushDeferred() {
  if (deferred_.empty()) return;
  wire::ByteView bytes = deferred_;
  deferred_ = {};
  if (state_ == State::kClosed || write_failed_) return;
  bytes = WriteNow(bytes);
  if (bytes.empty()) return;
  out_pending_.insert(out_pending_.end(), bytes.begin(), bytes.end());
  if (!writing_) WriteMore();
}

wire::ByteView Connection::WriteNow(wire::ByteView bytes) {
  // Nothing is queued, so write straight from the caller's buffer (the sender's input buffer)
  // and queue only what the kernel did not take. Saves a copy per forwarded byte.
  std::error_code ec;
  size_t n = socket_.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
  if (ec && ec != asio::error::would_block && ec != asio::error::try_again) {
    // The peer is gone. Close later, not here: the caller may be in the middle of another
    // connection's frame loop (closing sends PEER_LEFT back to it).
    CloseSoon();
    return {};
  }
  if (ec) n = 0;
  bytes = bytes.subspan(n);
  if (bytes.empty() && state_ == State::kClosing && !writing_) FinishClose();
  return bytes;
}

void Connection::SendFrame(wire::ByteView frame) {
  if (partial_left_ > 0) {
    held_.insert(held_.end(), frame.begin(), frame.end());
    return;
  }
  Enqueue(frame);
}

void Connection::AppendForwarded(wire::ByteView bytes, uint32_t left, bool from_input) {
  Enqueue(bytes, from_input);
  partial_left_ = left;
  if (left == 0 && !held_.empty()) {
    wire::Bytes held;
    held.swap(held_);
    Enqueue(held);
  }
}

void Connection::PadPartialFrame() {
  if (partial_left_ == 0) return;
  AppendForwarded(wire::Bytes(partial_left_, 0), 0, /*from_input=*/false);
}

void Connection::WriteMore() {
  if (out_pending_.empty()) {
    writing_ = false;  // buffers are kept for the next burst; the server trims idle ones
    if (state_ == State::kClosing) FinishClose();
    return;
  }
  std::swap(out_writing_, out_pending_);
  out_pending_.clear();
  writing_ = true;
  asio::async_write(socket_, asio::buffer(out_writing_),
                    [self = shared_from_this()](std::error_code ec, size_t) {
                      if (self->state_ == State::kClosed) return;
                      if (ec) return self->Close();
                      self->out_writing_.clear();
                      self->output_since = std::chrono::steady_clock::now();
                      self->server_.OnOutputProgress(*self);
                      self->WriteMore();
                    });
}

void Connection::SendError(const RelayError& error) {
  if (state_ == State::kClosed || state_ == State::kClosing) return;
  server_.OnRefused(*this, error);
  if (mid_frame() && !server_.shutting_down()) {
    // A partner's frame is part-way into the output. Filling it up would cost up to --max-frame
    // bytes of zeros per connection, and for a peer that stopped reading (SLOW_CONSUMER,
    // TIMEOUT) at the very moment when many may be closed at once; such a peer would not read
    // the ERROR either. Close without it, as Unpair does for a partner's stalled frame.
    return Close();
  }
  PadPartialFrame();  // shutting down: the peer reads the rest of the frame, then the ERROR
  Enqueue(rp::EncodeError(error.code, error.message));
  state_ = State::kClosing;
  closing_since = std::chrono::steady_clock::now();
  server_.OnLeaving(*this);  // out of its room now: no more frames are forwarded to it
  if (!writing_) FinishClose();
}

void Connection::FinishClose() {
  std::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);
  Close();
}

void Connection::CloseSoon() {
  if (state_ == State::kClosed || write_failed_) return;
  write_failed_ = true;  // nothing more is written to it
  asio::post(socket_.get_executor(), [self = shared_from_this()] { self->Close(); });
}

void Connection::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  deferred_ = {};
  std::error_code ec;
  socket_.close(ec);
  // The input buffer is freed with the object, not here: a frame loop up the stack may still
  // hold views into it.
  server_.OnClosed(*this);
}

}  // namespace duet::relay
