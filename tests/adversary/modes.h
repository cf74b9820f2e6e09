// What the hostile relay does with each DATA frame of the armed direction: pure logic, no
// sockets. HostileRelay feeds it the frames of one pairing's armed direction, in order, and
// carries out the steps it returns.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "tests/adversary/hostile_relay.h"
#include "wire/codec.h"

namespace duet::adversary {

struct Step {
  enum class To { kPartner, kSender };
  To to = To::kPartner;
  wire::Bytes payload;  // a DATA payload, or (raw) bytes written as they are
  bool raw = false;
};

struct Verdict {
  std::vector<Step> steps;
  bool fired = false;  // the mode acted on this frame
  bool hold = false;   // stall: the frame waits (TakeStalled gives it back later)
  // kClose, kReset: then close both connections. kLeave: the receiver hears PEER_LEFT and stays
  // in the room; the sender's connection is closed.
  enum class End { kNone, kClose, kReset, kLeave } end = End::kNone;
};

class ModeState {
 public:
  explicit ModeState(const Mode& mode) : mode_(mode) {}
  // Frame `n` (from 1) of the armed direction. `captured` is frame n of the same direction in
  // an earlier pairing, if there was one (inject-captured).
  Verdict OnFrame(int n, const wire::Bytes& frame, const wire::Bytes* captured);
  // stall: the frames held so far, in order (and the stall ends).
  std::vector<wire::Bytes> TakeStalled();
  bool stalling() const { return !stalled_.empty(); }
  // blackhole: from frame N on, every DATA frame of the pairing, both ways, is dropped.
  bool swallowing() const { return swallowing_; }

 private:
  const Mode& mode_;
  std::optional<wire::Bytes> held_;    // swap: frame N, sent after N+1
  std::optional<wire::Bytes> replay_;  // replay: frame N, sent again after M
  std::vector<wire::Bytes> stalled_;
  bool swallowing_ = false;
};

}  // namespace duet::adversary
