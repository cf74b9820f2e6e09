// Big-endian encoding helpers: a writer that appends and a reader that consumes.
//
// The reader never reads past its end: every Get* returns false on short input and leaves the
// reader failed (all later calls fail too), so a parser can check once at the end. Nothing here
// allocates based on a length read from the input without the caller checking it first.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace duet::wire {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view AsString(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}

// Appends big-endian integers and raw bytes to a buffer it does not own.
// The buffer must outlive the writer.
class Writer {
 public:
  explicit Writer(Bytes& out) : out_(out) {}

  void U8(uint8_t v) { out_.push_back(v); }
  void U16(uint16_t v) {
    out_.push_back(static_cast<uint8_t>(v >> 8));
    out_.push_back(static_cast<uint8_t>(v));
  }
  void U32(uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out_.push_back(static_cast<uint8_t>(v >> shift));
  }
  void U64(uint64_t v) {
    for (int shift = 56; shift >= 0; shift -= 8) out_.push_back(static_cast<uint8_t>(v >> shift));
  }
  void Raw(ByteView b) { out_.insert(out_.end(), b.begin(), b.end()); }
  void Raw(std::string_view s) { Raw(AsBytes(s)); }

 private:
  Bytes& out_;
};

// Consumes big-endian integers and byte runs from a view it does not own.
// The viewed bytes must outlive the reader and anything it returned.
class Reader {
 public:
  explicit Reader(ByteView in) : in_(in) {}

  bool U8(uint8_t& v) {
    if (!Need(1)) return false;
    v = in_[pos_++];
    return true;
  }
  bool U16(uint16_t& v) {
    if (!Need(2)) return false;
    v = static_cast<uint16_t>((in_[pos_] << 8) | in_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool U32(uint32_t& v) {
    if (!Need(4)) return false;
    v = 0;
    for (int i = 0; i < 4; ++i) v = (v << 8) | in_[pos_ + i];
    pos_ += 4;
    return true;
  }
  bool U64(uint64_t& v) {
    if (!Need(8)) return false;
    v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | in_[pos_ + i];
    pos_ += 8;
    return true;
  }
  // A view of the next n bytes (no copy).
  bool Raw(size_t n, ByteView& v) {
    if (!Need(n)) return false;
    v = in_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  bool Raw(size_t n, std::string& s) {
    ByteView v;
    if (!Raw(n, v)) return false;
    s.assign(AsString(v));
    return true;
  }

  size_t remaining() const { return failed_ ? 0 : in_.size() - pos_; }
  bool failed() const { return failed_; }
  // True when every byte was consumed and no read failed.
  bool done() const { return !failed_ && pos_ == in_.size(); }

 private:
  bool Need(size_t n) {
    if (failed_ || in_.size() - pos_ < n) {
      failed_ = true;
      return false;
    }
    return true;
  }

  ByteView in_;
  size_t pos_ = 0;
  bool failed_ = false;
};

}  // namespace duet::wire
