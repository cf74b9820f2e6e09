#include "tests/adversary/hostile_relay.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <vector>

#include "crypto/identity.h"
#include "tests/adversary/frame_policies.h"
#include "tests/adversary/grind.h"
#include "tests/adversary/mitm.h"
#include "tests/adversary/modes.h"
#include "tests/adversary/tls_hello.h"
#include "wire/frame.h"
#include "wire/relay_protocol.h"

namespace duet::adversary {

namespace relay = wire::relay;
using Clock = std::chrono::steady_clock;

bool ParseDir(const std::string& text, Dir& out) {
  if (text == "a2b")
    out = Dir::kA2B;
  else if (text == "b2a")
    out = Dir::kB2A;
  else
    return false;
  return true;
}

std::string DirName(Dir d) { return d == Dir::kA2B ? "a2b" : "b2a"; }

namespace {

void Say(const std::string& line) {
  std::fputs((line + "\n").c_str(), stdout);
  std::fflush(stdout);
}

struct Conn {
  int fd = -1;
  wire::FrameDecoder decoder{relay::kDefaultMaxFrame};
  bool joined = false;
  std::string room;
  int pair = 0;  // 0: not paired
  wire::Bytes out;
  bool close_after_flush = false;
  bool reset = false;   // close with RST (SO_LINGER 0)
  bool broken = false;  // a write failed: dropped by the poll loop, never mid-frame
  bool dead = false;
  bool deaf = false;  // deaf mode: never read again
};

struct Pair {
  int id = 0;
  Conn* side[2] = {nullptr, nullptr};  // [0] a (TLS server), [1] b (client)
  int count[2] = {0, 0};
  int since_arm[2] = {0, 0};  // with --arm-on-stdin: frames counted after "arm"
  bool armed = false;
  std::unique_ptr<ModeState> mode;  // the armed direction's frames, when armed
  Clock::time_point release_at;     // stall: when the held frames go out
  std::unique_ptr<Mitm> mitm;
  std::unique_ptr<Grinder> grinder;  // grind: until both ClientHellos are in
  bool policy_fired = false;         // the mitm's frame policy acted (logged once)
};

// The modes in which the adversary runs TLS sessions of its own with the peers.
bool IsManInTheMiddle(const std::string& mode) {
  return mode == "mitm" || mode == "rename" || mode == "forge" || mode == "grind" ||
         mode == "bad-reveal" || mode == "code-rekey";
}

}  // namespace

class HostileRelay::Impl {
 public:
  explicit Impl(Mode mode) : mode_(std::move(mode)) {
    if (!mode_.capture.empty()) capture_.open(mode_.capture, std::ios::binary);
  }
  ~Impl() {
    if (listen_fd_ >= 0) close(listen_fd_);
    for (auto& c : conns_) {
      if (c->fd >= 0) close(c->fd);
    }
  }

  bool Listen(const std::string& host, uint16_t port) {
    listen_fd_ = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    if (inet_pton(AF_INET, host.c_str(), &a.sin_addr) != 1) return false;
    if (bind(listen_fd_, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0) return false;
    if (listen(listen_fd_, 64) != 0) return false;
    socklen_t len = sizeof(a);
    getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&a), &len);
    if (IsManInTheMiddle(mode_.name)) {
      // Two identities of its own, one per side: the peers each pin a different stranger.
      // Made before "listening on", so a test that waits for that line waits for them too.
      for (auto& id : mitm_ids_) {
        Result<crypto::Identity> made = crypto::Identity::Generate();
        if (!made) return false;
        id = std::make_unique<crypto::Identity>(std::move(*made));
      }
      Say("mitm identities ready");
    }
    Say("listening on " + host + ":" + std::to_string(ntohs(a.sin_port)));
    return true;
  }

  void Run() {
    for (;;) {
      std::vector<pollfd> fds = {{listen_fd_, POLLIN, 0}, {stdin_open_ ? 0 : -1, POLLIN, 0}};
      for (auto& c : conns_) {
        short ev = c->deaf ? 0 : POLLIN;
        if (!c->out.empty()) ev |= POLLOUT;
        fds.push_back({c->fd, ev, 0});
      }
      poll(fds.data(), fds.size(), NextTimeoutMs());
      if (fds[0].revents & POLLIN) Accept();
      if (fds[1].revents & (POLLIN | POLLHUP | POLLERR)) ReadStdin();
      const size_t n = conns_.size();
      constexpr size_t kFirst = 2;  // listener, stdin
      for (size_t i = 0; i < n && i + kFirst < fds.size(); ++i) {
        Conn& c = *conns_[i];
        if (c.dead) continue;
        if (fds[i + kFirst].revents & (POLLIN | POLLHUP | POLLERR)) Read(c);
        if (!c.dead && (fds[i + kFirst].revents & POLLOUT)) Flush(c);
      }
      ReleaseStalls();
      for (size_t i = 0; i < conns_.size(); ++i) {
        if (conns_[i]->broken && !conns_[i]->dead) Drop(*conns_[i]);
      }
      Reap();
    }
  }

 private:
  // --- connections ---

  // The test's commands: "arm" (--arm-on-stdin).
  void ReadStdin() {
    char buf[256];
    const ssize_t got = read(0, buf, sizeof(buf));
    if (got <= 0) {
      stdin_open_ = false;
      return;
    }
    stdin_text_.append(buf, static_cast<size_t>(got));
    for (size_t nl; (nl = stdin_text_.find('\n')) != std::string::npos;) {
      const std::string line = stdin_text_.substr(0, nl);
      stdin_text_.erase(0, nl + 1);
      if (line == "arm" && !stdin_armed_) {
        stdin_armed_ = true;
        if (mode_.name == "deaf") Deafen();
        Say("armed");
      }
    }
  }

  // deaf: stops reading the sender of the armed direction of the armed pairing (its own
  // backpressure: the sender's writes stall once the socket buffers are full).
  void Deafen() {
    for (auto& c : conns_) {
      if (c->dead || c->pair != mode_.arm_pair) continue;
      auto p = pairs_.find(c->pair);
      if (p == pairs_.end() || p->second.side[static_cast<int>(mode_.dir)] != c.get()) continue;
      c->deaf = true;
      Say("fired deaf pair=" + std::to_string(p->first) + " dir=" + DirName(mode_.dir));
    }
  }

  void Accept() {
    int fd = accept(listen_fd_, nullptr, nullptr);
    if (fd < 0) return;
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    auto c = std::make_unique<Conn>();
    c->fd = fd;
    conns_.push_back(std::move(c));
  }

  void Read(Conn& c) {
    uint8_t buf[65536];
    ssize_t got = read(c.fd, buf, sizeof(buf));
    if (got <= 0) {
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) return;
      return Drop(c);
    }
    if (c.close_after_flush) return;  // closing: what it says no longer matters
    if (capture_) {
      capture_.write(reinterpret_cast<const char*>(buf), got);
      capture_.flush();
    }
    std::vector<wire::Frame> frames;
    Status st = c.decoder.Feed(wire::ByteView(buf, static_cast<size_t>(got)), frames);
    for (const wire::Frame& f : frames) {
      if (c.dead || c.close_after_flush) return;
      OnFrame(c, f);
    }
    if (!st.ok()) Drop(c);
  }

  void Flush(Conn& c) {
    while (!c.out.empty()) {
      ssize_t w = write(c.fd, c.out.data(), c.out.size());
      if (w < 0 && (errno == EAGAIN || errno == EINTR)) return;
      if (w <= 0) {
        c.out.clear();
        c.broken = true;
        return;
      }
      c.out.erase(c.out.begin(), c.out.begin() + w);
    }
    if (c.close_after_flush) Kill(c);
  }

  void Send(Conn* c, const wire::Bytes& bytes) {
    if (c == nullptr || c->dead) return;
    c->out.insert(c->out.end(), bytes.begin(), bytes.end());
    Flush(*c);
  }

  void SendData(Conn* c, wire::ByteView payload) {
    wire::Bytes out;
    for (size_t pos = 0; pos < payload.size(); pos += relay::kDefaultMaxFrame) {
      relay::AppendData(out, payload.subspan(pos, std::min<size_t>(relay::kDefaultMaxFrame,
                                                                   payload.size() - pos)));
    }
    Send(c, out);
  }

  void Kill(Conn& c) {
    if (c.dead) return;
    if (c.reset) {
      linger l{1, 0};
      setsockopt(c.fd, SOL_SOCKET, SO_LINGER, &l, sizeof(l));
    }
    close(c.fd);
    c.fd = -1;
    c.dead = true;
  }

  // The peer went away: like duet-relay, the partner hears PEER_LEFT and stays in the room.
  void Drop(Conn& c) {
    if (c.pair != 0) {
      Pair& p = pairs_[c.pair];
      Conn* other = p.side[0] == &c ? p.side[1] : p.side[0];
      EndPair(p);
      if (other != nullptr && !other->dead) Send(other, relay::EncodePeerLeft());
    }
    Kill(c);
  }

  // Closes both sides of a pair after what is queued for them is written (truncate, cut, reset).
  void CloseBoth(Pair& p, bool reset) {
    Conn* sides[2] = {p.side[0], p.side[1]};
    EndPair(p);
    for (Conn* s : sides) {
      if (s == nullptr || s->dead) continue;
      s->reset = reset;
      s->close_after_flush = true;
      s->room.clear();
      Flush(*s);
    }
  }

  // leave, leave-mid: the receiver hears PEER_LEFT (after what is queued for it) and stays in the
  // room; the sender's connection is closed without a word.
  void Leave(Pair& p, Conn& sender) {
    Conn* receiver = p.side[0] == &sender ? p.side[1] : p.side[0];
    EndPair(p);
    if (receiver != nullptr && !receiver->dead) Send(receiver, relay::EncodePeerLeft());
    sender.close_after_flush = true;
    sender.room.clear();
    Flush(sender);
  }

  void EndPair(Pair& p) {
    for (Conn* s : p.side) {
      if (s != nullptr) s->pair = 0;
    }
    Say("closed pair=" + std::to_string(p.id));
    pairs_.erase(p.id);
  }

  void Reap() {
    std::erase_if(conns_, [](const std::unique_ptr<Conn>& c) { return c->dead; });
  }

  // --- the relay protocol ---

  void OnFrame(Conn& c, const wire::Frame& f) {
    switch (static_cast<relay::FrameType>(f.type)) {
      case relay::FrameType::kJoin: {
        Result<relay::Join> join = relay::DecodeJoin(f.payload);
        if (!join || c.joined) return Drop(c);
        c.joined = true;
        c.room = join->room;
        return Join(c);
      }
      case relay::FrameType::kPing: return Send(&c, relay::EncodePong(f.payload));
      case relay::FrameType::kData:
        if (c.pair == 0) return;  // raced with PEER_LEFT
        return OnData(pairs_[c.pair], c, f.payload);
      default: return Drop(c);
    }
  }

  bool Waiting(const Conn& c) const {
    return !c.dead && c.joined && c.pair == 0 && !c.close_after_flush;
  }

  // Pairs `c` with a waiting connection of its room, like duet-relay. In splice mode the first
  // pairings wait until two rooms have two peers each, then cross them (TrySplice).
  void Join(Conn& c) {
    if (mode_.name == "splice" && next_pair_ == 1) {
      Send(&c, relay::EncodeWaiting());
      return TrySplice();
    }
    // deaf: the connection it stopped reading is given up when its room sees a new JOIN (the
    // deafened peer coming back): its partner hears PEER_LEFT and pairs with the newcomer.
    for (auto& w : conns_) {
      if (w->deaf && !w->dead && w->room == c.room) Drop(*w);
    }
    for (auto& w : conns_) {
      if (w.get() != &c && Waiting(*w) && w->room == c.room) return MakePair(*w, c);
    }
    Send(&c, relay::EncodeWaiting());
  }

  void TrySplice() {
    std::map<std::string, std::vector<Conn*>> rooms;
    std::vector<std::string> order;
    for (auto& w : conns_) {
      if (!Waiting(*w)) continue;
      auto& list = rooms[w->room];
      if (list.empty()) order.push_back(w->room);
      list.push_back(w.get());
    }
    std::vector<std::string> full;
    for (const std::string& r : order) {
      if (rooms[r].size() >= 2) full.push_back(r);
    }
    if (full.size() < 2) return;
    std::vector<Conn*>& x = rooms[full[0]];
    std::vector<Conn*>& y = rooms[full[1]];
    Say("fired splice rooms=" + full[0] + "," + full[1]);
    MakePair(*x[0], *y[1]);
    MakePair(*y[0], *x[1]);
  }

  void MakePair(Conn& a, Conn& b) {
    Pair& p = pairs_[next_pair_];
    p.id = next_pair_++;
    p.side[0] = &a;
    p.side[1] = &b;
    p.armed = p.id == mode_.arm_pair;
    if (p.armed) p.mode = std::make_unique<ModeState>(mode_);
    a.pair = b.pair = p.id;
    Say("paired pair=" + std::to_string(p.id) + " rooms=" + a.room + "," + b.room);
    if (p.armed && mode_.name == "grind") {
      // Both are told to be the TLS client: the adversary is the server toward each.
      p.grinder = std::make_unique<Grinder>(*mitm_ids_[0], *mitm_ids_[1], a.room);
      Send(&a, relay::EncodePaired(relay::Role::kClient));
      Send(&b, relay::EncodePaired(relay::Role::kClient));
      return;
    }
    Send(&a, relay::EncodePaired(relay::Role::kServer));
    Send(&b, relay::EncodePaired(relay::Role::kClient));
    if (p.armed && IsManInTheMiddle(mode_.name)) StartMitm(p);
  }

  void StartMitm(Pair& p) {
    std::unique_ptr<FramePolicy> policy;
    if (mode_.name == "rename") policy = MakeRenamePolicy(mode_.name_to_a);
    if (mode_.name == "forge") policy = MakeForgePolicy();
    if (mode_.name == "bad-reveal") policy = MakeBadRevealPolicy();
    if (mode_.name == "code-rekey") {
      const std::array<uint8_t, 32> toward[2] = {mitm_ids_[0]->fingerprint().bytes,
                                                  mitm_ids_[1]->fingerprint().bytes};
      policy = MakeCodeRekeyPolicy(toward);
    }
    p.mitm = Mitm::Create(*mitm_ids_[0], *mitm_ids_[1], std::move(policy));
    if (!p.mitm) return CloseBoth(p, false);
    SendData(p.side[0], p.mitm->Start());
    Say("fired mitm pair=" + std::to_string(p.id));
  }

  // grind: once both ClientHellos are in, grinds for matching codes (blocking the loop, a few
  // seconds), sends each peer its chosen server flight, and goes on as a man in the middle.
  void Grind(Pair& p, Dir dir, wire::ByteView payload) {
    if (!p.grinder->AddClientBytes(static_cast<int>(dir), payload)) return;
    std::optional<GrindResult> r = p.grinder->Grind();
    p.grinder.reset();
    if (!r) return CloseBoth(p, false);
    Say("fired grind pair=" + std::to_string(p.id) + " tries=" + std::to_string(r->tries) +
        " collision=" + (r->collision ? "yes" : "no") + " ms=" + std::to_string(r->took.count()) +
        " sas=" + r->sas[0] + "," + r->sas[1]);
    p.mitm =
        std::make_unique<Mitm>(std::move(r->leg[0]), std::move(r->leg[1]), MakeSasAnswerPolicy());
    SendData(p.side[0], r->flight[0]);
    SendData(p.side[1], r->flight[1]);
  }

  // --- DATA and the modes ---

  void OnData(Pair& p, Conn& from, wire::ByteView payload) {
    const Dir dir = p.side[0] == &from ? Dir::kA2B : Dir::kB2A;
    const int d = static_cast<int>(dir);
    const int n = ++p.count[d];
    Say("data pair=" + std::to_string(p.id) + " dir=" + DirName(dir) + " n=" + std::to_string(n) +
        " size=" + std::to_string(payload.size()));
    if (n <= 64 && !p.armed) captured_[{d, n}] = wire::Bytes(payload.begin(), payload.end());
    if (dir == Dir::kA2B && n == 1) {
      // The group the server chose, read off the wire as any relay can (the ServerHello is in
      // clear), whatever the peers report.
      if (std::optional<ServerHelloInfo> hello = ReadServerHello(payload)) {
        char group[8];
        std::snprintf(group, sizeof group, "0x%04x", hello->group);
        Say("server-hello pair=" + std::to_string(p.id) + " group=" + group +
            (hello->retry_request ? " retry" : ""));
      }
    }
    Conn* to = p.side[1 - d];

    if (p.armed && p.grinder) return Grind(p, dir, payload);
    if (p.armed && p.mitm) return MitmData(p, dir, payload);
    if (p.armed && p.mode && p.mode->swallowing()) {
      Say("swallowed pair=" + std::to_string(p.id) + " dir=" + DirName(dir));
      // blackhole-alive: every swallowed frame gets an empty DATA back, as if the other side
      // were still there (only authenticated records may count as an answer).
      if (mode_.name == "blackhole-alive") Send(&from, wire::Bytes{0x05, 0, 0, 0, 0});
      return;
    }
    if (!p.armed || dir != mode_.dir || mode_.name == "pass" || mode_.name == "splice" ||
        (mode_.arm_on_stdin && !stdin_armed_)) {
      return SendData(to, payload);
    }
    const int at = mode_.arm_on_stdin ? ++p.since_arm[d] : n;
    const wire::Bytes frame(payload.begin(), payload.end());
    auto cap = captured_.find({d, at});
    Verdict v = p.mode->OnFrame(at, frame, cap == captured_.end() ? nullptr : &cap->second);
    if (v.fired) {
      Say("fired " + mode_.name + " pair=" + std::to_string(p.id) + " dir=" + DirName(dir) +
          " n=" + std::to_string(at));
    }
    if (v.hold && v.fired) {
      p.release_at = Clock::now() + std::chrono::milliseconds(mode_.stall_ms);
    }
    for (const Step& s : v.steps) {
      Conn* target = s.to == Step::To::kSender ? &from : to;
      if (s.raw) {
        Send(target, s.payload);
      } else {
        SendData(target, s.payload);
      }
    }
    if (v.end == Verdict::End::kLeave) return Leave(p, from);
    if (v.end != Verdict::End::kNone) CloseBoth(p, v.end == Verdict::End::kReset);
  }

  void MitmData(Pair& p, Dir dir, wire::ByteView payload) {
    wire::Bytes to_a, to_b;
    std::vector<std::string> seen;
    bool fired = false;
    const bool ok = p.mitm->Feed(dir, payload, to_a, to_b, seen, fired);
    for (const std::string& s : seen) {
      Say("mitm pair=" + std::to_string(p.id) + " dir=" + DirName(dir) + " app=" + s);
    }
    if (fired && !p.policy_fired) {
      p.policy_fired = true;
      Say("fired " + mode_.name + " pair=" + std::to_string(p.id));
    }
    if (!to_a.empty()) SendData(p.side[0], to_a);
    if (!to_b.empty()) SendData(p.side[1], to_b);
    if (!ok) CloseBoth(p, false);
  }

  int NextTimeoutMs() const {
    int best = 1000;
    for (const auto& [id, p] : pairs_) {
      if (!p.mode || !p.mode->stalling()) continue;
      auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(p.release_at - Clock::now());
      best = std::min<int>(best, std::max<int>(0, static_cast<int>(left.count()) + 1));
    }
    return best;
  }

  void ReleaseStalls() {
    for (auto& [id, p] : pairs_) {
      if (!p.mode || !p.mode->stalling() || Clock::now() < p.release_at) continue;
      const std::vector<wire::Bytes> frames = p.mode->TakeStalled();
      Say("released pair=" + std::to_string(id) + " frames=" + std::to_string(frames.size()));
      Conn* to = p.side[1 - static_cast<int>(mode_.dir)];
      for (const wire::Bytes& f : frames) SendData(to, f);
    }
  }

  Mode mode_;
  std::ofstream capture_;
  int listen_fd_ = -1;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::map<int, Pair> pairs_;
  int next_pair_ = 1;
  std::map<std::pair<int, int>, wire::Bytes> captured_;  // (dir, n) of unarmed pairings
  std::unique_ptr<crypto::Identity> mitm_ids_[2];
  bool stdin_open_ = true;
  bool stdin_armed_ = false;
  std::string stdin_text_;
};

HostileRelay::HostileRelay(Mode mode) : impl_(std::make_unique<Impl>(std::move(mode))) {}
HostileRelay::~HostileRelay() = default;
bool HostileRelay::Listen(const std::string& host, uint16_t port) {
  return impl_->Listen(host, port);
}
void HostileRelay::Run() { impl_->Run(); }

}  // namespace duet::adversary
