// A hostile stand-in for duet-relay, for the adversarial suite (tests/adversary/).
//
// It speaks the relay protocol to real `duet` peers: reads JOIN, pairs two connections per room
// (the first is side "a", the TLS server; the second side "b", the client), answers PING and
// forwards DATA, like duet-relay. On one pairing (the "armed" one, `arm_pair`, 1-based in the
// order pairs form) it applies one misbehaviour to the DATA frames of one direction; every other
// pairing passes untouched, so a test can watch the peers recover on reconnect.
//
// DATA frames are counted per pairing and per direction, from 1. It cannot read TLS: every mode
// but the man-in-the-middle modes (mitm, rename, forge, grind) handles opaque frames; those run
// TLS endpoints of their own (tests/adversary/mitm.h, grind.h).
//
// With `arm_on_stdin`, the armed pairing passes untouched until the relay reads the line "arm"
// on stdin (it answers "armed"); frames are then counted from 1 after it. Tests use it to aim at
// "the next frame after both peers are secure" without knowing how many frames the session's
// set-up takes.
//
// It prints one line per event on stdout (flushed), which the tests wait on:
//   listening on HOST:PORT | mitm identities ready | paired pair=K rooms=RA,RB |
//   data pair=K dir=a2b n=N size=S | fired MODE pair=K dir=D n=N | fired splice rooms=R1,R2 |
//   fired mitm pair=K | released pair=K frames=F | mitm pair=K dir=D app=TYPE | closed pair=K |
//   fired grind pair=K tries=N collision=yes|no ms=T sas=S,S | fired rename pair=K |
//   fired forge pair=K | swallowed pair=K dir=D | fired deaf pair=K dir=D | armed |
//   server-hello pair=K group=0xGGGG [retry]  (read from the server's first DATA frame, in clear)
//
// Single-threaded (one poll loop); runs until killed.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace duet::adversary {

enum class Dir { kA2B = 0, kB2A = 1 };

struct Mode {
  // pass, drop, dup, swap, replay, reflect, reflect-all, flip, truncate, cut, inject,
  // inject-captured, stall, reset, splice, mitm, grind, rename, forge, leave-mid, leave,
  // blackhole, deaf (with --arm-on-stdin: once armed, the sender of the armed direction is no
  // longer read at all, as a relay applying backpressure for ever; frames to it still go),
  // strip-pq (frame N, a ClientHello, loses the hybrid group X25519MLKEM768 and its key share),
  // hrr-x25519 (frame N, a ClientHello, is answered with a forged HelloRetryRequest for X25519
  // and never reaches the server).
  std::string name = "pass";
  Dir dir = Dir::kA2B;
  int n = 1;                  // the frame the mode acts on
  int m = 0;                  // replay: frame N is sent again right after frame M
  long offset = 0;            // flip: byte of frame N's payload; negative counts from the end
  int stall_ms = 0;           // stall: frame N and everything after it waits this long
  int arm_pair = 1;           // the pairing the mode applies to
  std::string capture;        // a file that receives every byte the peers sent (empty: none)
  std::string name_to_a;      // rename: the display name put into the HELLO that goes to side a
  bool arm_on_stdin = false;  // the armed pairing waits for "arm" on stdin (see above)
};

// Parses a direction name ("a2b", "b2a"); false when unknown.
bool ParseDir(const std::string& text, Dir& out);
std::string DirName(Dir d);

class HostileRelay {
 public:
  explicit HostileRelay(Mode mode);
  ~HostileRelay();
  HostileRelay(const HostileRelay&) = delete;
  HostileRelay& operator=(const HostileRelay&) = delete;

  // Binds `host:port` (port 0 picks one); prints "listening on ..."; false on failure.
  bool Listen(const std::string& host, uint16_t port);
  // Serves until the process is killed.
  void Run();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace duet::adversary
