#include "peer/net/relay_client.h"

#include <malloc.h>

#include <array>
#include <asio.hpp>
#include <deque>
#include <thread>

#include "crypto/random.h"

namespace duet::peer {

using asio::ip::tcp;

Result<RelayAddress> ParseRelayAddress(std::string_view text) {
  const Error bad{"BAD_RELAY_ADDRESS",
                  "The relay address must look like HOST:PORT (for example "
                  "192.168.1.20:7878)."};
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == text.size()) return bad;
  std::string_view host = text.substr(0, colon);
  std::string_view port = text.substr(colon + 1);
  if (host.front() == '[') {
    if (host.size() < 3 || host.back() != ']') return bad;
    host = host.substr(1, host.size() - 2);
  }
  unsigned value = 0;
  for (char c : port) {
    if (c < '0' || c > '9' || value > 65535) return bad;
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value == 0 || value > 65535) return bad;
  return RelayAddress{std::string(host), static_cast<uint16_t>(value)};
}

class RelayClient::Impl {
 public:
  Impl(RelayClientOptions options, SessionConfig config, SessionListener& listener)
      : options_(std::move(options)),
        session_(std::move(config), listener),
        work_(asio::make_work_guard(io_)),
        resolver_(io_),
        socket_(io_),
        connect_timer_(io_),
        close_timer_(io_),
        retry_timer_(io_),
        tick_timer_(io_),
        drain_timer_(io_),
        backoff_(options_.backoff_initial) {}

  ~Impl() {
    Stop();
    Wait();
  }

  void Start() {
    // Bursts of file data are allocated and freed all the time; keep them on the heap rather
    // than in fresh mmaps (each one page-faulted and zeroed anew), and keep freed memory.
    mallopt(M_MMAP_THRESHOLD, 64 << 20);
    mallopt(M_TRIM_THRESHOLD, 128 << 20);
    asio::post(io_, [this] {
      Connect();
      ScheduleTick();
    });
    thread_ = std::thread([this] { io_.run(); });
  }

  void Post(std::function<void(Session&)> fn) {
    asio::post(io_, [this, fn = std::move(fn)] {
      if (finished_) return;
      fn(session_);
      AfterSessionCall();
    });
  }

  void Drain(std::chrono::milliseconds deadline) {
    asio::post(io_, [this, deadline] {
      if (finished_) return;
      draining_ = true;
      drain_timer_.expires_after(deadline);
      drain_timer_.async_wait([this](std::error_code ec) {
        if (!ec && !finished_) QuitNow();
      });
      AfterSessionCall();
    });
  }

  void Stop() {
    asio::post(io_, [this] {
      if (!finished_) QuitNow();
    });
  }

  void Wait() {
    if (thread_.joinable()) thread_.join();
  }

  const Session& session() const { return session_; }

 private:
  // --- connecting --------------------------------------------------------------------------

  void Connect() {
    if (finished_) return;
    if (!session_.should_reconnect()) return Finish();
    const uint64_t id = ++generation_;
    resolver_.async_resolve(
        options_.relay.host, std::to_string(options_.relay.port),
        [this, id](std::error_code ec, tcp::resolver::results_type results) {
          if (id != generation_ || finished_) return;
          if (ec) return ConnectFailed(ec);
          connect_timer_.expires_after(options_.connect_timeout);
          connect_timer_.async_wait([this, id](std::error_code tec) {
            if (!tec && id == generation_ && !connected_) {
              std::error_code ignored;
              socket_.close(ignored);  // aborts the connect; its handler reports the failure
            }
          });
          asio::async_connect(
              socket_, results, [this, id](std::error_code cec, const tcp::endpoint&) {
                if (id != generation_ || finished_) return;
                connect_timer_.cancel();
                if (cec)
                  return ConnectFailed(
                      cec == asio::error::operation_aborted ? asio::error::timed_out : cec);
                std::error_code ignored;
                socket_.set_option(tcp::no_delay(true), ignored);
                connected_ = true;
                ever_connected_ = true;
                session_.OnTransportConnected();
                AfterSessionCall();
                Read(id);
              });
        });
  }

  void ConnectFailed(std::error_code ec) {
    std::error_code ignored;
    socket_.close(ignored);
    const std::string where = options_.relay.host + ":" + std::to_string(options_.relay.port);
    Error e{"RELAY_UNREACHABLE", "Could not reach the relay at " + where + " (" + ec.message() +
                                     "). Check the address and that duet-relay runs there."};
    session_.OnConnectFailed(e, !ever_connected_ && options_.give_up_if_first_connect_fails);
    AfterClose();
  }

  void ScheduleReconnect() {
    // After pairings that failed (a refused certificate, a broken handshake, an unexpected key):
    // the slow ladder, so a hostile relay cannot drive a handshake (and an error) every moment.
    // Otherwise (the relay unreachable, a transport lost) exponential backoff from
    // backoff_initial. Either starts over after a secure session. +-25% jitter, so two peers
    // that lost the relay together do not come back in lockstep.
    const int failed = session_.failed_pairings();
    auto base = backoff_.count();
    if (failed > 0) {
      const size_t step =
          std::min<size_t>(static_cast<size_t>(failed), kFailedPairingBackoff.size());
      base = std::max<int64_t>(base, kFailedPairingBackoff[step - 1].count());
    }
    auto delay = std::chrono::milliseconds(base * 3 / 4 +
                                           static_cast<int64_t>(crypto::RandomBelow(base / 2 + 1)));
    backoff_ = std::min(backoff_ * 2, options_.backoff_max);
    retry_timer_.expires_after(delay);
    retry_timer_.async_wait([this](std::error_code ec) {
      if (!ec) Connect();
    });
  }

  // --- reading and writing -----------------------------------------------------------------

  void Read(uint64_t id) {
    socket_.async_read_some(asio::buffer(read_buf_), [this, id](std::error_code ec, size_t n) {
      if (id != generation_ || finished_ || !connected_) return;
      if (ec) return CloseNow();
      session_.OnTransportData(wire::ByteView(read_buf_.data(), n));
      AfterSessionCall();
      if (id == generation_ && connected_) Read(id);
    });
  }

  // Writes what the session has. File chunks are taken only when the socket has written
  // everything it was given, so a message typed meanwhile waits behind one burst at most.
  void Flush() {
    const bool room = connected_ && !closing_ && !writing_ && queue_.empty();
    wire::Bytes out = session_.TakeOutgoing(room);
    if (out.empty() && room && session_.wants_bulk() && !bulk_posted_) {
      // A resumed file being hashed up to its offset, a slice per call: the next slice after
      // whatever else is waiting (a message typed meanwhile, a read), not in one long block.
      bulk_posted_ = true;
      const uint64_t id = generation_;
      asio::post(io_, [this, id] {
        bulk_posted_ = false;
        if (id == generation_ && !finished_) AfterSessionCall();
      });
    }
    if (out.empty() || !connected_) return;
    queued_bytes_ += out.size();
    queue_.push_back(std::move(out));
    if (Behind() > kHardQueueFactor * options_.max_queued_bytes) return Overflow();
    if (!writing_) WriteNext(generation_);
  }

  // What waits behind the write in flight (that one may be a long legitimate burst, such as
  // every pending message sent again after a reconnect).
  size_t Behind() const { return queue_.empty() ? 0 : queued_bytes_ - queue_.front().size(); }

  // Once a second: more than max_queued_bytes waiting, and not one byte written since the last
  // check, is a relay that stopped taking data.
  void CheckQueue() {
    const bool stuck = Behind() > options_.max_queued_bytes && !wrote_since_check_;
    wrote_since_check_ = false;
    if (stuck && connected_) Overflow();
  }

  void Overflow() {
    session_.OnTransportOverflow();
    CloseNow();
  }

  void WriteNext(uint64_t id) {
    writing_ = true;
    asio::async_write(
        socket_, asio::buffer(queue_.front()),
        [this](std::error_code ec, size_t n) -> size_t {
          // Called after each partial write: the relay is taking data.
          if (n > 0) wrote_since_check_ = true;
          return asio::transfer_all()(ec, n);
        },
        [this, id](std::error_code ec, size_t) {
          if (id != generation_ || finished_) return;
          writing_ = false;
          if (ec) return CloseNow();
          queued_bytes_ -= queue_.front().size();
          queue_.pop_front();
          if (!queue_.empty()) return WriteNext(id);
          if (closing_) return CloseNow();
          AfterSessionCall();  // the socket has room: the next burst of file data, if any
        });
  }

  // After every call into the session: write what it produced and act on what it wants.
  void AfterSessionCall() {
    if (finished_) return;
    // The backoff starts over only after a secure session: a connection that the session ends
    // at once (a planted key, a refused name, a failed code exchange) keeps backing off.
    if (session_.state() == SessionState::kSecure) backoff_ = options_.backoff_initial;
    Flush();
    if (draining_ && session_.pending_count() == 0 && session_.pending_files() == 0 &&
        session_.state() != SessionState::kClosed) {
      session_.Quit();
      Flush();
    }
    if (session_.wants_disconnect() && connected_ && !closing_) {
      closing_ = true;
      if (!writing_) return CloseNow();
      // Do not wait for ever on a peer that stopped reading.
      const uint64_t id = generation_;
      close_timer_.expires_after(std::chrono::seconds(3));
      close_timer_.async_wait([this, id](std::error_code ec) {
        if (!ec && id == generation_) CloseNow();
      });
      return;
    }
    if (!connected_ && !session_.should_reconnect()) Finish();
  }

  void CloseNow() {
    ++generation_;
    std::error_code ignored;
    if (connected_) socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    connected_ = closing_ = writing_ = false;
    queue_.clear();
    queued_bytes_ = 0;
    close_timer_.cancel();
    session_.OnTransportClosed();
    AfterClose();
  }

  void AfterClose() {
    if (finished_) return;
    if (session_.should_reconnect()) {
      ScheduleReconnect();
    } else {
      Finish();
    }
  }

  void QuitNow() {
    session_.Quit();
    AfterSessionCall();
  }

  void ScheduleTick() {
    tick_timer_.expires_after(std::chrono::seconds(1));
    tick_timer_.async_wait([this](std::error_code ec) {
      if (ec || finished_) return;
      if (connected_) {
        session_.OnTick();
        AfterSessionCall();
      }
      if (connected_) CheckQueue();
      ScheduleTick();
    });
  }

  // The session is over: cancel everything so io_.run() returns.
  void Finish() {
    if (finished_) return;
    finished_ = true;
    ++generation_;
    std::error_code ignored;
    socket_.close(ignored);
    resolver_.cancel();
    connect_timer_.cancel();
    close_timer_.cancel();
    retry_timer_.cancel();
    tick_timer_.cancel();
    drain_timer_.cancel();
    work_.reset();
  }

  RelayClientOptions options_;
  Session session_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_;
  tcp::resolver resolver_;
  tcp::socket socket_;
  asio::steady_timer connect_timer_, close_timer_, retry_timer_, tick_timer_, drain_timer_;
  std::chrono::milliseconds backoff_;
  std::thread thread_;

  std::array<uint8_t, 256 * 1024> read_buf_{};
  std::deque<wire::Bytes> queue_;
  size_t queued_bytes_ = 0;  // in queue_
  bool wrote_since_check_ = false;
  // The wait before the next try after the 1st, 2nd, ... failed pairing in a row (then the last):
  // at most 8 tries a minute however the relay plays (wire/PROTOCOL.md, "Reconnecting").
  static constexpr std::array<std::chrono::milliseconds, 5> kFailedPairingBackoff{
      std::chrono::seconds(1), std::chrono::seconds(2), std::chrono::seconds(5),
      std::chrono::seconds(10), std::chrono::seconds(30)};
  // Behind the write in flight, this many times max_queued_bytes ends the connection at once,
  // written or not (a flood between two checks).
  static constexpr size_t kHardQueueFactor = 8;
  uint64_t generation_ = 0;  // bumped per connection; handlers of older ones do nothing
  bool connected_ = false;
  bool ever_connected_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool bulk_posted_ = false;  // a Flush for the session's next slice of bulk work is posted
  bool draining_ = false;
  bool finished_ = false;
};

RelayClient::RelayClient(RelayClientOptions options, SessionConfig config,
                         SessionListener& listener)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(config), listener)) {}
RelayClient::~RelayClient() = default;
void RelayClient::Start() { impl_->Start(); }
void RelayClient::Post(std::function<void(Session&)> fn) { impl_->Post(std::move(fn)); }
void RelayClient::Drain(std::chrono::milliseconds deadline) { impl_->Drain(deadline); }
void RelayClient::Stop() { impl_->Stop(); }
void RelayClient::Wait() { impl_->Wait(); }
const Session& RelayClient::session() const { return impl_->session(); }

}  // namespace duet::peer
