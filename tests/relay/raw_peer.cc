#include "tests/relay/raw_peer.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>

#include "wire/relay_protocol.h"

namespace duet::testing {

using Clock = std::chrono::steady_clock;

RawPeer::RawPeer(const std::string& addr, const std::string& source) {
  size_t colon = addr.rfind(':');
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(std::stoi(addr.substr(colon + 1))));
  inet_pton(AF_INET, addr.substr(0, colon).c_str(), &a.sin_addr);
  fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd_ >= 0 && !source.empty()) {
    sockaddr_in from{};
    from.sin_family = AF_INET;  // port 0: the kernel picks one
    inet_pton(AF_INET, source.c_str(), &from.sin_addr);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&from), sizeof(from)) != 0) {
      close(fd_);
      fd_ = -1;
    }
  }
  if (fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) {
    close(fd_);
    fd_ = -1;
  }
  int one = 1;
  if (fd_ >= 0) setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

RawPeer::~RawPeer() { Close(); }

void RawPeer::Close() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

bool RawPeer::Send(const wire::Bytes& bytes) {
  size_t off = 0;
  while (off < bytes.size()) {
    ssize_t n = send(fd_, bytes.data() + off, bytes.size() - off, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    off += static_cast<size_t>(n);
  }
  return true;
}

bool RawPeer::Fill(Clock::time_point deadline) {
  if (eof_ || fd_ < 0) return false;
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  if (left.count() < 0) return false;
  pollfd p{fd_, POLLIN, 0};
  if (poll(&p, 1, static_cast<int>(left.count())) <= 0) return false;
  uint8_t buf[65536];
  ssize_t n = recv(fd_, buf, sizeof(buf), 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  return decoder_.Feed(wire::ByteView(buf, static_cast<size_t>(n)), frames_).ok();
}

std::optional<wire::Frame> RawPeer::Next(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (frames_.empty()) {
    if (!Fill(deadline)) return std::nullopt;
  }
  wire::Frame f = std::move(frames_.front());
  frames_.erase(frames_.begin());
  return f;
}

std::optional<wire::Frame> RawPeer::NextOf(uint8_t type, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
    std::optional<wire::Frame> f = Next(left);
    if (!f || f->type == type) return f;
  }
}

bool RawPeer::WaitClosed(std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  while (!eof_) {
    if (!Fill(deadline) && !eof_) return false;
  }
  return true;
}

std::optional<wire::Frame> Join(RawPeer& p, const std::string& room) {
  if (!p.Send(wire::relay::EncodeJoin(room))) return std::nullopt;
  return p.Next();
}

}  // namespace duet::testing
