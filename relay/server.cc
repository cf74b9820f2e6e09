#include "relay/server.h"

#include <algorithm>
#include <csignal>
#include <vector>

#include "relay/address_key.h"
#include "wire/frame.h"
#include "wire/relay_protocol.h"

namespace duet::relay {

namespace rp = wire::relay;
using asio::ip::tcp;
using Clock = std::chrono::steady_clock;

namespace {
constexpr auto kSweepInterval = std::chrono::milliseconds(250);
constexpr auto kCloseGrace = std::chrono::seconds(2);  // to flush a final ERROR
// The sender is paused once this much waits for its partner (or max_output, when smaller):
// bytes the partner's socket cannot take yet then wait in the kernel instead of being copied
// into the relay's buffer (measured: about 0.95x socat's bulk throughput instead of 0.86x).
constexpr size_t kPauseAt = 256 * 1024;
constexpr auto kTrimAfter = std::chrono::seconds(1);  // quiet this long: buffers are freed
}  // namespace

Server::Server(asio::io_context& io, RelayConfig config, std::FILE* console_out)
    : io_(io),
      config_(std::move(config)),
      console_(config_, console_out),
      acceptor_(io),
      sweep_timer_(io),
      retry_accept_timer_(io),
      signals_(io, SIGINT, SIGTERM),
      rooms_(config_.max_rooms),
      joins_(config_.join_rate, config_.join_burst, config_.join_rate_entries) {}

Status Server::Listen() {
  std::error_code ec;
  asio::ip::address addr = asio::ip::make_address(config_.host, ec);
  if (ec) {
    return Error{"BIND_FAILED", "'" + config_.host + "' is not an IP address to listen on."};
  }
  tcp::endpoint ep(addr, config_.port);
  acceptor_.open(ep.protocol(), ec);
  if (!ec) acceptor_.set_option(tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_.bind(ep, ec);
  if (!ec) acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Error{"BIND_FAILED", "Cannot listen on " + config_.host + ":" +
                                    std::to_string(config_.port) + " (" + ec.message() +
                                    "). Pick another --listen address or port."};
  }
  port_ = acceptor_.local_endpoint().port();
  return Ok();
}

void Server::Start() {
  console_.Listening(config_.host, port_);
  console_.Banner(config_);
  last_totals_ = Clock::now();
  signals_.async_wait([this](std::error_code ec, int) {
    if (!ec) Shutdown();
  });
  Accept();
  Sweep();
}

void Server::Accept() {
  acceptor_.async_accept([this](std::error_code ec, tcp::socket socket) {
    if (shutting_down_ || ec == asio::error::operation_aborted) return;
    if (ec) {
      // Out of file descriptors or similar: try again shortly instead of spinning.
      retry_accept_timer_.expires_after(std::chrono::milliseconds(100));
      retry_accept_timer_.async_wait([this](std::error_code tec) {
        if (!tec) Accept();
      });
      return;
    }
    std::error_code rec;
    tcp::endpoint remote = socket.remote_endpoint(rec);
    std::string ip = rec ? "unknown" : remote.address().to_string();
    std::string addr = rec ? ip : ip + ":" + std::to_string(remote.port());
    const ConnId id = next_id_++;
    auto conn = std::make_shared<Connection>(*this, std::move(socket), id, std::move(addr));
    conn->address_key = rec ? "unknown" : AddressKey(remote.address(), config_.ipv6_prefix);
    conns_.emplace(id, conn);
    const size_t from_ip = ++per_address_[conn->address_key];
    ++totals_.accepted;
    conn->Start();
    if (conns_.size() > config_.max_connections || from_ip > config_.max_per_address) {
      conn->SendError(TooManyConnections());
    }
    Accept();
  });
}

bool Server::OnJoin(Connection& conn, const std::string& room) {
  // Before the room table answers: WAITING or PAIRED would tell a prober whether a room is in use.
  if (!joins_.Allow(conn.address_key, Clock::now())) {
    conn.SendError(RateLimited());
    return false;
  }
  JoinOutcome o = rooms_.Join(conn.id(), room);
  switch (o.kind) {
    case JoinOutcome::Kind::kRoomFull: conn.SendError(RoomFull(room)); return false;
    case JoinOutcome::Kind::kTooManyRooms: conn.SendError(TooManyRooms()); return false;
    case JoinOutcome::Kind::kWaiting:
      conn.MarkJoined();
      conn.room = room;
      conn.first_in_room = true;
      console_.Join(room, conn.addr());
      conn.SendFrame(rp::EncodeWaiting());
      return true;
    case JoinOutcome::Kind::kPaired: {
      Connection& first = *conns_.at(o.partner);
      conn.MarkJoined();
      conn.room = room;
      conn.first_in_room = false;
      first.first_in_room = true;
      conn.partner = &first;
      first.partner = &conn;
      console_.Pair(room, first.addr(), conn.addr());
      first.SendFrame(rp::EncodePaired(rp::Role::kServer));
      conn.SendFrame(rp::EncodePaired(rp::Role::kClient));
      return true;
    }
  }
  return false;
}

void Server::ForwardStart(Connection& from, Connection* to, wire::ByteView bytes, uint32_t size,
                          uint32_t left) {
  wire::ByteView body = bytes.subspan(wire::kFrameHeaderSize);
  if (to == nullptr) {
    ++totals_.dropped;  // the partner just left; the sender gets PEER_LEFT
    return;
  }
  ++totals_.frames;
  console_.Frame(from.room, from.first_in_room, size, body);
  ForwardBytes(*to, bytes, left);
  totals_.bytes += body.size();
}

void Server::ForwardRest(Connection& /*from*/, Connection* to, wire::ByteView bytes,
                         uint32_t left) {
  if (to == nullptr) return;  // the rest of a dropped frame
  ForwardBytes(*to, bytes, left);
  totals_.bytes += bytes.size();
}

size_t Server::pause_threshold() const { return std::min(config_.max_output, kPauseAt); }

void Server::ForwardBytes(Connection& to, wire::ByteView bytes, uint32_t left) {
  // Backpressure (pausing the sender when `to` has too much waiting) is checked once the
  // sender's frame loop has written what it forwarded: Connection::FlushForwarded.
  to.AppendForwarded(bytes, left);
}

void Server::OnOutputProgress(Connection& conn) {
  if (conn.pending_output() >= pause_threshold() / 2) return;
  conn.Resume();  // each checks that neither its own output nor its partner's is still backed up
  if (conn.partner != nullptr) conn.partner->Resume();
}

void Server::OnRefused(Connection& conn, const RelayError& error) {
  if (std::string_view(error.code) == "RELAY_SHUTDOWN") return;  // one totals line says it all
  ++totals_.refused;
  console_.Refused(conn.addr(), error.code, error.message);
}

void Server::Unpair(Connection& conn) {
  if (!conn.room.empty()) rooms_.Leave(conn.id(), conn.room);
  if (!conn.room.empty()) console_.Leave(conn.room, conn.addr());
  conn.room.clear();
  if (Connection* p = conn.partner) {
    conn.partner = nullptr;
    p->partner = nullptr;
    p->first_in_room = true;  // it stays and will be the TLS server for the next partner
    if (conn.forward_left() > 0 && conn.forward_to() == p->id()) {
      // `conn` left part-way through a frame to `p`. While shutting down, fill the frame up
      // so that p still reads the ERROR that follows; otherwise p's stream cannot go on
      // cleanly (a PEER_LEFT after a padded record would read as tampering): close it, and
      // the peer reconnects and waits in the room.
      if (!shutting_down_) return p->CloseSoon();
      p->PadPartialFrame();
    }
    if (!shutting_down_) p->SendFrame(rp::EncodePeerLeft());
    p->Resume();
  }
}

void Server::OnLeaving(Connection& conn) { Unpair(conn); }

void Server::OnClosed(Connection& conn) {
  Unpair(conn);
  auto it = per_address_.find(conn.address_key);
  if (it != per_address_.end() && --it->second == 0) per_address_.erase(it);
  conns_.erase(conn.id());  // handlers in flight keep the object alive until they return
}

void Server::Sweep() {
  const auto now = Clock::now();
  std::vector<std::shared_ptr<Connection>> due;
  for (auto& [id, c] : conns_) {
    switch (c->state()) {
      case Connection::State::kJoining:
        if (now - c->created_at > config_.join_timeout) due.push_back(c);
        break;
      case Connection::State::kJoined:
        if (now - c->last_input > kTrimAfter && now - c->output_since > kTrimAfter) c->TrimIdle();
        if (now - c->last_input > config_.idle_timeout ||
            (c->pending_output() > 0 && now - c->output_since > config_.slow_consumer_timeout)) {
          due.push_back(c);
        }
        break;
      case Connection::State::kClosing:
        if (now - c->closing_since > kCloseGrace) due.push_back(c);
        break;
      case Connection::State::kClosed: break;
    }
  }
  for (auto& c : due) {
    if (c->state() == Connection::State::kJoining) {
      c->SendError(JoinTimeout());
    } else if (c->state() == Connection::State::kClosing) {
      c->Close();
    } else if (now - c->last_input > config_.idle_timeout) {
      c->SendError(IdleTimeout());
    } else {
      c->SendError(SlowConsumer());
    }
  }

  console_.Tick();
  if (config_.stats_interval.count() > 0 && now - last_totals_ >= config_.stats_interval &&
      !conns_.empty()) {
    last_totals_ = now;
    Totals t = totals_;
    t.connections = conns_.size();
    t.rooms = rooms_.room_count();
    console_.ShowTotals(t, "totals");
  }
  if (shutting_down_ && conns_.empty()) {
    Totals t = totals_;
    console_.ShowTotals(t, "totals at exit");
    signals_.cancel();
    return;  // nothing is left to wait for: io_context::run() returns
  }
  sweep_timer_.expires_after(kSweepInterval);
  sweep_timer_.async_wait([this](std::error_code ec) {
    if (!ec) Sweep();
  });
}

void Server::Shutdown() {
  if (shutting_down_) return;
  shutting_down_ = true;
  std::error_code ec;
  acceptor_.close(ec);
  retry_accept_timer_.cancel();
  std::vector<std::shared_ptr<Connection>> all;
  for (auto& [id, c] : conns_) all.push_back(c);
  for (auto& c : all) c->SendError(relay::Shutdown());
}

}  // namespace duet::relay
