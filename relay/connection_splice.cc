// The splice path of Connection (see connection.h): large DATA frames go socket -> pipe ->
// socket without being copied through the relay's memory.
//
// Who does what: the sender moves bytes of its current frame from its socket into the
// receiver's pipe (SpliceBody) and the receiver writes them on (DrainPipe). The receiver's
// output order is the pipe, then its queue; the sender only fills the pipe while the queue is
// empty and no write is in flight (TakesSplice), so nothing overtakes anything. The pipe holds
// at most the pause threshold; past it, or when the kernel says the pipe is full, the sender
// pauses and the receiver resumes it as the pipe drains (Server::OnOutputProgress).
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

#include "relay/connection.h"
#include "relay/console.h"
#include "relay/server.h"
#include "wire/frame.h"
#include "wire/relay_protocol.h"

namespace duet::relay {

namespace rp = wire::relay;

Connection::Step Connection::PeekFrame() {
  uint8_t head[wire::kFrameHeaderSize + Console::kHexPrefixBytes];
  const ssize_t n = ::recv(socket_.native_handle(), head, sizeof(head), MSG_PEEK);
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return Step::kWait;
  // A short peek (the header is not all here), the end of the stream or an error: the usual
  // read sees and handles it.
  if (n < static_cast<ssize_t>(sizeof(head))) return Step::kCopy;
  const wire::FrameHeader h = wire::ParseFrameHeader(wire::ByteView(head, sizeof(head)));
  if (h.type != static_cast<uint8_t>(rp::FrameType::kData) || h.length < kSpliceMin ||
      h.length > server_.config().max_frame) {
    return Step::kCopy;  // a small frame, another type, or one to refuse: ProcessInput decides
  }
  Connection* to = partner;
  if (to == nullptr || !to->TakesSplice()) return Step::kCopy;
  if (!to->pipe_) to->pipe_ = server_.pipes().Acquire();
  if (!to->pipe_) return Step::kCopy;
  // The frame is bound to this partner now, as in ProcessInput; its header stays in the socket
  // and is spliced with the body.
  fwd_to_ = to->id();
  fwd_left_ = h.length;
  splice_hdr_ = wire::kFrameHeaderSize;
  server_.ForwardSpliceStart(
      *this, h.length, wire::ByteView(head + wire::kFrameHeaderSize, Console::kHexPrefixBytes));
  to->SplicedIn(splice_hdr_ + fwd_left_);  // the receiver's output is mid-frame from now on
  return Step::kMoved;
}

Connection::Step Connection::SpliceBody(size_t& budget) {
  Connection* to = ForwardTarget();
  if (to == nullptr || !to->TakesSplice()) return Step::kCopy;  // dropped, or the queue is busy
  const size_t cap = server_.pause_threshold();
  const size_t queued = to->pending_output();  // only the pipe: TakesSplice
  if (queued >= cap) {
    Pause();  // the receiver's drain resumes this side
    return Step::kWait;
  }
  if (!to->pipe_) {
    to->pipe_ = server_.pipes().Acquire();
    if (!to->pipe_) return Step::kCopy;  // no pipe to be had now: copy instead
  }
  if (to->pipe_->empty()) to->output_since = std::chrono::steady_clock::now();
  const size_t want = std::min({size_t{splice_hdr_} + fwd_left_, cap - queued, budget});
  const ssize_t n = to->pipe_->FillFrom(socket_.native_handle(), want);
  if (n == 0) {
    Close();  // the peer left part-way through the frame
    return Step::kClosed;
  }
  if (n < 0) {
    if (errno == EINTR) return Step::kMoved;
    const bool empty = to->pipe_->empty();
    if (empty) server_.pipes().Release(std::move(to->pipe_));
    if (errno != EAGAIN && errno != EWOULDBLOCK) return Step::kCopy;  // the read reports it
    if (empty) return Step::kWait;                                    // the socket is drained
    // The socket is drained or the pipe is full (the kernel does not say which): wait for
    // the receiver, which is draining the pipe, to resume this side.
    Pause();
    return Step::kWait;
  }
  const size_t moved = static_cast<size_t>(n);
  const size_t header = std::min<size_t>(moved, splice_hdr_);
  splice_hdr_ = static_cast<uint8_t>(splice_hdr_ - header);
  fwd_left_ -= static_cast<uint32_t>(moved - header);
  budget -= std::min(budget, moved);
  last_input = std::chrono::steady_clock::now();
  last_read_ = 0;  // the input buffer is not needed for this: let it go once empty
  server_.CountSpliced(moved - header);
  to->SplicedIn(splice_hdr_ + fwd_left_);
  return state_ == State::kJoined ? Step::kMoved : Step::kClosed;
}

bool Connection::TakesSplice() const {
  return state_ == State::kJoined && !write_failed_ && !writing_ && out_pending_.empty();
}

void Connection::SplicedIn(uint32_t left) {
  partial_left_ = left;
  DrainPipe();
  if (left == 0 && !held_.empty()) {
    wire::Bytes held;
    held.swap(held_);
    Enqueue(held);  // behind what the pipe still holds
  }
}

void Connection::DrainPipe() {
  while (pipe_ && !pipe_->empty() && !write_failed_) {
    const ssize_t n = pipe_->DrainTo(socket_.native_handle());
    if (n > 0 || (n < 0 && errno == EINTR)) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return WaitWritable();
    // The peer is gone. Close later, not here: the caller may be in the middle of the
    // sender's frame loop.
    return CloseSoon();
  }
  if (pipe_ && pipe_->empty()) server_.pipes().Release(std::move(pipe_));
}

void Connection::WaitWritable() {
  if (draining_) return;
  draining_ = true;
  socket_.async_wait(asio::ip::tcp::socket::wait_write,
                     [self = shared_from_this()](std::error_code ec) {
                       self->draining_ = false;
                       if (self->state_ == State::kClosed) return;
                       if (ec) return self->Close();
                       self->output_since = std::chrono::steady_clock::now();
                       self->DrainPipe();
                       if (self->state_ == State::kClosed) return;
                       if (self->OutputIdle()) self->WriteMore();  // the queue behind the pipe
                       self->server_.OnOutputProgress(*self);
                     });
}

}  // namespace duet::relay
