// What the session reports, and to whom. The terminal, the JSON output, the FLTK window and the
// test recorder are four implementations of SessionListener.
//
// Threading: a listener is called on the thread that drives the session (peer/net's I/O thread)
// and must not call back into the session from inside a callback.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "wire/result.h"

namespace duet::peer {

enum class SessionState {
  kConnecting,      // opening the transport and joining the room
  kWaitingForPeer,  // in the room, alone
  kHandshaking,     // paired; TLS handshake and HELLO exchange under way
  kSecure,          // authenticated session with the peer
  kPeerLeft,        // the peer went away; waiting in the room for it to come back
  kReconnecting,    // the transport was lost; a new one will be opened
  kClosed,          // finished: the user quit or a fatal error ended it
};
std::string_view StateName(SessionState s);

// The trust the pin store gives the peer's key under the peer's name.
enum class TrustLevel { kNew, kKnown, kVerified, kChanged };
std::string_view TrustName(TrustLevel t);

struct PeerInfo {
  std::string name;          // sanitized display name
  std::string fingerprint;   // 64 hex digits
  std::string fingerprint_grouped;
  std::string own_fingerprint_grouped;
  std::string sas;           // short authentication string, e.g. "482 913"
  std::string safety_number; // 12 groups of 5 digits
  TrustLevel trust = TrustLevel::kNew;
};

struct ReceivedMessage {
  std::string id;            // 32 hex digits
  std::string from;          // sanitized display name
  std::string text;          // sanitized text
  int64_t timestamp_ms = 0;  // sender's clock
};

class SessionListener {
 public:
  virtual ~SessionListener() = default;
  virtual void OnStateChanged(SessionState state) = 0;
  // The session is secure: who the peer is and how much to trust it. Sent again after /trust.
  virtual void OnSecure(const PeerInfo& peer) = 0;
  virtual void OnMessage(const ReceivedMessage& message) = 0;
  // One of our messages got the peer's receipt. `id` is what SendText returned.
  virtual void OnDelivered(std::string_view id) = 0;
  virtual void OnPeerLeft() = 0;
  // Something went wrong. `fatal`: the session is over (kClosed follows); otherwise it recovers
  // by itself (a new transport, a fresh handshake) and pending messages stay pending.
  virtual void OnError(const Error& error, bool fatal) = 0;
};

}  // namespace duet::peer
