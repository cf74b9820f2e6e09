// A raw TCP client for relay tests: sends bytes, reads frames with a deadline (poll), no sleeps.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "wire/frame.h"

namespace duet::testing {

class RawPeer {
 public:
  // Connects to `addr` ("127.0.0.1:PORT"), from the loopback address `source` when one is given
  // ("127.0.0.2": loopback answers all of 127/8, so a test can play several hosts).
  explicit RawPeer(const std::string& addr, const std::string& source = "");
  ~RawPeer();
  RawPeer(const RawPeer&) = delete;
  RawPeer& operator=(const RawPeer&) = delete;

  bool connected() const { return fd_ >= 0; }
  int fd() const { return fd_; }
  // Blocking send of everything (false if the connection is gone).
  bool Send(const wire::Bytes& bytes);
  // The next frame, or nullopt at the deadline or at end of stream.
  std::optional<wire::Frame> Next(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // The next frame of `type`, skipping others.
  std::optional<wire::Frame> NextOf(uint8_t type,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(10));
  // Waits until the relay closes the connection.
  bool WaitClosed(std::chrono::milliseconds timeout = std::chrono::seconds(10));
  void Close();

 private:
  bool Fill(std::chrono::steady_clock::time_point deadline);

  int fd_ = -1;
  bool eof_ = false;
  wire::FrameDecoder decoder_{64u << 20};
  std::vector<wire::Frame> frames_;
};

// The relay's reply to a JOIN of `room`: sends it and returns the first frame.
std::optional<wire::Frame> Join(RawPeer& p, const std::string& room);

}  // namespace duet::testing
