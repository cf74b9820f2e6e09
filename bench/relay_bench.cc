// make bench: duet-relay against a plain socat forwarder and direct TCP, measured in one run on
// this machine. It prints figures; it never passes or fails on time.
//
//   1. bulk throughput of 1 GiB (DATA frames of 256 KiB) via duet-relay, via socat -b 262144,
//      and direct;
//   2. round-trip latency of 64-byte frames, p50 and p99, via duet-relay and via socat;
//   3. relay memory with 10,000 idle pairs (20,000 connections) and the time to pair them.
//
// Usage: relay_bench [RELAY_BIN] [--only bulk|latency|memory] [--rounds N]
// The bulk rows also give the CPU seconds (user + system) the forwarder process spent per GiB,
// a figure that other load on the machine distorts far less than MB/s.
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "wire/frame.h"
#include "wire/relay_protocol.h"

namespace {

using Clock = std::chrono::steady_clock;
namespace rp = duet::wire::relay;

constexpr size_t kBulkBytes = size_t{1} << 30;
constexpr size_t kChunk = 256 * 1024;
constexpr int kRoundTrips = 20000;
constexpr int kDefaultRounds = 3;

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench: %s\n", what.c_str());
  std::exit(1);
}

struct Child {
  pid_t pid = -1;
  int out = -1;  // its stdout
  ~Child() {
    if (pid > 0) {
      kill(pid, SIGTERM);
      waitpid(pid, nullptr, 0);
    }
    if (out >= 0) close(out);
  }
};

std::unique_ptr<Child> Spawn(std::vector<std::string> argv) {
  int p[2];
  if (pipe(p) != 0) Die("pipe");
  auto c = std::make_unique<Child>();
  c->pid = fork();
  if (c->pid == 0) {
    dup2(p[1], 1);
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 2);
    close(p[0]);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(p[1]);
  c->out = p[0];
  return c;
}

// Reads the child's first line (with a deadline).
std::string FirstLine(Child& c) {
  std::string line;
  char ch;
  pollfd pf{c.out, POLLIN, 0};
  while (poll(&pf, 1, 10000) > 0 && read(c.out, &ch, 1) == 1 && ch != '\n') line += ch;
  return line;
}

// The relay's stdout must keep draining (its console), or it would drop lines: a thread reads it.
void DrainInBackground(int fd) {
  std::thread([fd] {
    char buf[65536];
    while (read(fd, buf, sizeof(buf)) > 0) {
    }
  }).detach();
}

int Connect(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(port);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  for (int attempt = 0; attempt < 200; ++attempt) {
    if (connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) == 0) {
      int one = 1;
      setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
      return fd;
    }
    // socat may not listen yet: wait for it to come up (bounded).
    pollfd none{-1, 0, 0};
    poll(&none, 0, 10);
    close(fd);
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  }
  Die("cannot connect to port " + std::to_string(port));
}

int Listen(uint16_t& port) {
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof(a)) != 0 || listen(fd, 64) != 0)
    Die("listen");
  socklen_t len = sizeof(a);
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  port = ntohs(a.sin_port);
  return fd;
}

uint16_t FreePort() {
  uint16_t port = 0;
  close(Listen(port));
  return port;
}

void SendAll(int fd, const uint8_t* p, size_t n) {
  while (n > 0) {
    ssize_t w = send(fd, p, n, MSG_NOSIGNAL);
    if (w <= 0) Die("send failed");
    p += w;
    n -= static_cast<size_t>(w);
  }
}

void RecvExactly(int fd, uint8_t* p, size_t n) {
  while (n > 0) {
    ssize_t r = recv(fd, p, n, 0);
    if (r <= 0) Die("recv failed");
    p += r;
    n -= static_cast<size_t>(r);
  }
}

// Reads one relay frame (header + payload) and returns its type.
uint8_t ReadFrame(int fd, std::vector<uint8_t>& payload) {
  uint8_t h[5];
  RecvExactly(fd, h, 5);
  uint32_t len = (uint32_t{h[1]} << 24) | (uint32_t{h[2]} << 16) | (uint32_t{h[3]} << 8) | h[4];
  payload.resize(len);
  if (len > 0) RecvExactly(fd, payload.data(), len);
  return h[0];
}

void JoinAndWaitPaired(int fd, const std::string& room) {
  auto join = rp::EncodeJoin(room);
  SendAll(fd, join.data(), join.size());
}

void ExpectPaired(int fd) {
  std::vector<uint8_t> p;
  for (;;) {
    uint8_t t = ReadFrame(fd, p);
    if (t == static_cast<uint8_t>(rp::FrameType::kPaired)) return;
    if (t != static_cast<uint8_t>(rp::FrameType::kWaiting)) Die("unexpected relay frame");
  }
}

// A pair of connected sockets through the relay, paired in `room`.
std::pair<int, int> RelayPair(uint16_t port, const std::string& room) {
  int a = Connect(port);
  JoinAndWaitPaired(a, room);
  int b = Connect(port);
  JoinAndWaitPaired(b, room);
  ExpectPaired(a);
  ExpectPaired(b);
  return {a, b};
}

// Sends kBulkBytes of DATA frames from `tx` and reads them all at `rx`; returns MB/s (10^6).
double Bulk(int tx, int rx) {
  std::vector<uint8_t> frame;
  std::vector<uint8_t> payload(kChunk, 0x5a);
  rp::AppendData(frame, payload);
  const size_t frames = kBulkBytes / kChunk;
  const size_t total = frames * frame.size();
  auto start = Clock::now();
  std::thread sender([&] {
    for (size_t i = 0; i < frames; ++i) SendAll(tx, frame.data(), frame.size());
  });
  std::vector<uint8_t> buf(1 << 20);
  size_t got = 0;
  while (got < total) {
    ssize_t r = recv(rx, buf.data(), std::min(buf.size(), total - got), 0);
    if (r <= 0) Die("bulk recv failed");
    got += static_cast<size_t>(r);
  }
  double secs = std::chrono::duration<double>(Clock::now() - start).count();
  sender.join();
  return static_cast<double>(kBulkBytes) / secs / 1e6;
}

struct Latency {
  double p50_us = 0, p99_us = 0;
};

// `a` sends a 64-byte DATA frame, `b` echoes it, `a` waits for it: kRoundTrips times.
Latency PingPong(int a, int b) {
  std::vector<uint8_t> frame;
  rp::AppendData(frame, std::vector<uint8_t>(64, 0x33));
  std::thread echo([&] {
    std::vector<uint8_t> buf(frame.size());
    for (int i = 0; i < kRoundTrips + 100; ++i) {
      RecvExactly(b, buf.data(), buf.size());
      SendAll(b, buf.data(), buf.size());
    }
  });
  std::vector<double> rtt;
  std::vector<uint8_t> buf(frame.size());
  for (int i = 0; i < kRoundTrips + 100; ++i) {
    auto t0 = Clock::now();
    SendAll(a, frame.data(), frame.size());
    RecvExactly(a, buf.data(), buf.size());
    if (i >= 100)
      rtt.push_back(std::chrono::duration<double, std::micro>(Clock::now() - t0).count());
  }
  echo.join();
  std::sort(rtt.begin(), rtt.end());
  return {rtt[rtt.size() / 2], rtt[rtt.size() * 99 / 100]};
}

long RssKb(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

// CPU time of a process (all its threads), in seconds: the first field of
// /proc/PID/task/TID/schedstat, in nanoseconds (finer than utime + stime, counted in ticks).
double CpuSeconds(pid_t pid) {
  const std::string dir = "/proc/" + std::to_string(pid) + "/task";
  double total = 0;
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return 0;
  while (dirent* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream in(dir + "/" + e->d_name + "/schedstat");
    unsigned long long ns = 0;
    if (in >> ns) total += static_cast<double>(ns) / 1e9;
  }
  closedir(d);
  return total;
}

bool HaveSocat() { return std::system("command -v socat >/dev/null 2>&1") == 0; }

std::unique_ptr<Child> StartRelay(const std::string& relay_bin, uint16_t& port) {
  auto relay = Spawn({relay_bin, "--listen", "127.0.0.1:0", "--quiet", "--stats-interval", "0",
                      "--max-connections", "60000", "--max-per-address", "60000", "--max-rooms",
                      "40000", "--join-rate", "0"});  // every idle pair comes from 127.0.0.1
  std::string line = FirstLine(*relay);
  if (line.rfind("listening on ", 0) != 0) Die("relay did not start: " + line);
  port = static_cast<uint16_t>(std::stoi(line.substr(line.rfind(':') + 1)));
  DrainInBackground(relay->out);
  return relay;
}

// socat forwarding 127.0.0.1:<returned port> to 127.0.0.1:target.
std::unique_ptr<Child> StartSocat(uint16_t target, uint16_t& port) {
  port = FreePort();
  return Spawn({"socat", "-b", "262144",
                "TCP-LISTEN:" + std::to_string(port) + ",bind=127.0.0.1,reuseaddr",
                "TCP:127.0.0.1:" + std::to_string(target)});
}

int Accept(int listener);

// A connected pair through a socat forwarder (a -> socat -> b); the forwarder lives in `s`.
std::pair<int, int> SocatPair(std::unique_ptr<Child>& s) {
  uint16_t target;
  int l = Listen(target);
  uint16_t port;
  s = StartSocat(target, port);
  int a = Connect(port);
  int b = Accept(l);
  close(l);
  return {a, b};
}

int Accept(int listener) {
  int fd = accept4(listener, nullptr, nullptr, SOCK_CLOEXEC);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  return fd;
}

struct Options {
  std::string relay_bin = std::string(DUET_BIN_DIR) + "/duet-relay";
  std::string only;  // empty: every section
  int rounds = kDefaultRounds;
  bool Runs(const char* section) const { return only.empty() || only == section; }
};

Options ParseOptions(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--help" || a == "-h") {
      std::printf("usage: relay_bench [RELAY_BIN] [--only bulk|latency|memory] [--rounds N]\n");
      std::exit(0);
    } else if (a == "--only" && i + 1 < argc) {
      o.only = argv[++i];
      if (o.only != "bulk" && o.only != "latency" && o.only != "memory")
        Die("bad --only " + o.only);
    } else if (a == "--rounds" && i + 1 < argc) {
      o.rounds = std::max(1, std::atoi(argv[++i]));
    } else if (!a.empty() && a[0] != '-') {
      o.relay_bin = a;
    } else {
      Die("unknown argument " + a + " (try --help)");
    }
  }
  return o;
}

// Bulk through a forwarder process: MB/s, and the process's CPU seconds per GiB.
struct BulkRun {
  double mbps = 0, cpu_per_gib = 0;
};

BulkRun MeasureBulk(pid_t forwarder, int tx, int rx) {
  const double cpu0 = CpuSeconds(forwarder);
  BulkRun r;
  r.mbps = Bulk(tx, rx);
  r.cpu_per_gib = (CpuSeconds(forwarder) - cpu0) * static_cast<double>(size_t{1} << 30) /
                  static_cast<double>(kBulkBytes);
  return r;
}

std::string Range(const std::vector<double>& v, const char* fmt) {
  if (v.empty()) return "-";
  char buf[96];
  auto [lo, hi] = std::minmax_element(v.begin(), v.end());
  std::string f = std::string(fmt) + "-" + fmt;
  std::snprintf(buf, sizeof(buf), f.c_str(), *lo, *hi);
  return buf;
}

}  // namespace

int main(int argc, char** argv) {
  const Options opt = ParseOptions(argc, argv);
  const std::string& relay_bin = opt.relay_bin;
  signal(SIGPIPE, SIG_IGN);
  const bool socat = HaveSocat();
  std::printf("Duet relay benchmark (loopback, this machine, one run; figures, not verdicts)\n\n");
  auto socat_cell = [&](double v, const char* fmt) {
    if (!socat) return std::string("socat not installed");
    char buf[64];
    std::snprintf(buf, sizeof(buf), fmt, v);
    return std::string(buf);
  };
  std::printf("| measure | duet-relay | baseline | ratio |\n|---|---|---|---|\n");

  // --- 1. bulk throughput: the three paths in turn, N rounds, the median of each -------------
  if (opt.Runs("bulk")) {
    std::vector<double> relay_runs, socat_runs, direct_runs, ratios, relay_cpu, socat_cpu;
    for (int round = 0; round < opt.rounds; ++round) {
      {
        uint16_t port;
        auto relay = StartRelay(relay_bin, port);
        auto [a, b] = RelayPair(port, "bulk");
        BulkRun r = MeasureBulk(relay->pid, a, b);
        relay_runs.push_back(r.mbps);
        relay_cpu.push_back(r.cpu_per_gib);
        close(a);
        close(b);
      }
      if (socat) {
        std::unique_ptr<Child> s;
        auto [a, b] = SocatPair(s);
        BulkRun r = MeasureBulk(s->pid, a, b);
        socat_runs.push_back(r.mbps);
        socat_cpu.push_back(r.cpu_per_gib);
        ratios.push_back(relay_runs.back() / r.mbps);
        close(a);
        close(b);
      }
      {
        uint16_t target;
        int l = Listen(target);
        int a = Connect(target);
        int b = Accept(l);
        direct_runs.push_back(Bulk(a, b));
        close(a);
        close(b);
        close(l);
      }
    }
    const double via_relay = Median(relay_runs);
    const double direct = Median(direct_runs);
    std::printf("| bulk 1 GiB, MB/s (median of %d) | %.0f | socat -b 262144: %s | %s |\n",
                opt.rounds, via_relay, socat ? socat_cell(Median(socat_runs), "%.0f").c_str() : "-",
                socat ? socat_cell(Median(ratios), "%.2fx").c_str() : "-");
    std::printf("| bulk 1 GiB, MB/s (range of %d) | %s | socat: %s | %s |\n", opt.rounds,
                Range(relay_runs, "%.0f").c_str(), Range(socat_runs, "%.0f").c_str(),
                Range(ratios, "%.2fx").c_str());
    std::printf("| bulk 1 GiB, MB/s (median of %d) | %.0f | direct TCP: %.0f | %.2fx |\n",
                opt.rounds, via_relay, direct, via_relay / direct);
    std::printf("| forwarder CPU s per GiB (median, range) | %.3f (%s) | socat: %s (%s) | %s |\n",
                Median(relay_cpu), Range(relay_cpu, "%.3f").c_str(),
                socat ? socat_cell(Median(socat_cpu), "%.3f").c_str() : "-",
                Range(socat_cpu, "%.3f").c_str(),
                socat ? socat_cell(Median(relay_cpu) / Median(socat_cpu), "%.2fx").c_str() : "-");
    std::fflush(stdout);
  }

  // --- 2. latency ---------------------------------------------------------------------------
  if (opt.Runs("latency")) {
    Latency lat_relay, lat_socat;
    {
      uint16_t port;
      auto relay = StartRelay(relay_bin, port);
      auto [a, b] = RelayPair(port, "latency");
      lat_relay = PingPong(a, b);
      close(a);
      close(b);
    }
    if (socat) {
      std::unique_ptr<Child> s;
      auto [a, b] = SocatPair(s);
      lat_socat = PingPong(a, b);
      close(a);
      close(b);
    }
    std::printf("| RTT 64 B p50, us | %.1f | socat: %s | %s |\n", lat_relay.p50_us,
                socat_cell(lat_socat.p50_us, "%.1f").c_str(),
                socat ? socat_cell(lat_relay.p50_us / lat_socat.p50_us, "%.2fx").c_str() : "-");
    std::printf("| RTT 64 B p99, us | %.1f | socat: %s | %s |\n", lat_relay.p99_us,
                socat_cell(lat_socat.p99_us, "%.1f").c_str(),
                socat ? socat_cell(lat_relay.p99_us / lat_socat.p99_us, "%.2fx").c_str() : "-");
    std::fflush(stdout);
  }

  // --- 3. idle pairs --------------------------------------------------------------------------
  if (opt.Runs("memory")) {
    int pairs = 10000;
    rlimit lim{};
    getrlimit(RLIMIT_NOFILE, &lim);
    rlimit want{65536, 65536};
    if (setrlimit(RLIMIT_NOFILE, &want) != 0) {
      lim.rlim_cur = lim.rlim_max;
      setrlimit(RLIMIT_NOFILE, &lim);
      pairs = static_cast<int>(std::min<rlim_t>(10000, (lim.rlim_max - 100) / 2));
    }
    double pair_secs = 0;
    long rss_before = 0, rss_after = 0;
    {
      uint16_t port;
      auto relay = StartRelay(relay_bin, port);
      rss_before = RssKb(relay->pid);
      std::vector<int> fds;
      fds.reserve(static_cast<size_t>(pairs) * 2);
      auto start = Clock::now();
      for (int i = 0; i < pairs; ++i) {
        const std::string room = "idle-" + std::to_string(i);
        int a = Connect(port);
        JoinAndWaitPaired(a, room);
        int b = Connect(port);
        JoinAndWaitPaired(b, room);
        fds.push_back(a);
        fds.push_back(b);
      }
      for (int fd : fds) ExpectPaired(fd);
      pair_secs = std::chrono::duration<double>(Clock::now() - start).count();
      rss_after = RssKb(relay->pid);
      for (int fd : fds) close(fd);
    }
    const double per_conn = static_cast<double>(rss_after - rss_before) * 1024.0 / (2.0 * pairs);
    std::printf(
        "| relay RSS per idle connection (%d pairs), bytes | %.0f | target 1024 | %.2fx |\n", pairs,
        per_conn, per_conn / 1024.0);
    std::printf("| time to pair %d pairs, s | %.2f | - | - |\n", pairs, pair_secs);
  }
  return 0;
}
