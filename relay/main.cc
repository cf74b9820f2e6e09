// duet-relay: the blind relay. See relay/server.h and wire/PROTOCOL.md.
#include <sys/resource.h>

#include <CLI/CLI.hpp>
#include <asio.hpp>
#include <cstdio>

#include "relay/server.h"

namespace {

// Many idle pairs need many descriptors: take the hard limit.
void RaiseFileLimit() {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) == 0 && lim.rlim_cur < lim.rlim_max) {
    lim.rlim_cur = lim.rlim_max;
    setrlimit(RLIMIT_NOFILE, &lim);
  }
}

bool SplitHostPort(const std::string& text, std::string& host, uint16_t& port) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) return false;
  host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  unsigned long v = 0;
  for (char c : text.substr(colon + 1)) {
    if (c < '0' || c > '9' || v > 65535) return false;
    v = v * 10 + static_cast<unsigned long>(c - '0');
  }
  if (v > 65535 || host.empty()) return false;
  port = static_cast<uint16_t>(v);
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  duet::relay::RelayConfig cfg;
  std::string listen = "0.0.0.0:7878";
  double join_timeout = 10, idle_timeout = 300, slow_timeout = 60, stats = 10;

  CLI::App app{
      "duet-relay: the blind relay for Duet. It pairs two peers per room and forwards the "
      "bytes of their end-to-end encrypted session, which it cannot read."};
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 picks a free port)")
      ->capture_default_str();
  app.add_option("--max-frame", cfg.max_frame, "Largest DATA payload accepted, in bytes")
      ->capture_default_str();
  app.add_option("--max-output", cfg.max_output,
                 "Output waiting for a connection at which neither it nor its partner is read "
                 "until it drains to half, in bytes (64 KiB to 256 KiB)")
      ->check(CLI::Range(size_t{64} * 1024, size_t{256} * 1024))
      ->capture_default_str();
  app.add_option("--join-timeout", join_timeout, "Seconds a new connection has to send JOIN")
      ->capture_default_str();
  app.add_option("--idle-timeout", idle_timeout, "Seconds of silence before a peer is closed")
      ->capture_default_str();
  app.add_option("--slow-consumer-timeout", slow_timeout,
                 "Seconds a peer's output may stay stuck before it is closed")
      ->capture_default_str();
  app.add_option("--max-connections", cfg.max_connections, "Connections in total")
      ->capture_default_str();
  app.add_option("--max-per-address", cfg.max_per_address, "Connections from one IP address")
      ->capture_default_str();
  app.add_option("--ipv6-prefix", cfg.ipv6_prefix,
                 "Bits of an IPv6 address the per-address limits count by (64 for a relay on the "
                 "internet; link-local addresses always count alone)")
      ->check(CLI::Range(1, 128))
      ->capture_default_str();
  app.add_option("--join-rate", cfg.join_rate,
                 "JOINs per second from one IP address, after --join-burst (0: no limit)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--join-burst", cfg.join_burst, "JOINs one IP address may send at once")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  app.add_option("--max-rooms", cfg.max_rooms, "Rooms open at once")->capture_default_str();
  app.add_option("--frame-lines", cfg.max_frame_lines_per_second,
                 "Frame lines shown per second before they are summed up")
      ->capture_default_str();
  app.add_option("--stats-interval", stats, "Seconds between totals lines (0: never)")
      ->capture_default_str();
  app.add_flag("--quiet", cfg.quiet, "No line per forwarded frame");
  app.add_flag("--log-json", cfg.log_json, "Console lines as JSON objects");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;  // a usage error, like a bad --listen
  }

  if (!SplitHostPort(listen, cfg.host, cfg.port)) {
    std::fprintf(stderr, "duet-relay: --listen must be HOST:PORT, for example 0.0.0.0:7878\n");
    return 2;
  }
  auto ms = [](double s) { return std::chrono::milliseconds(static_cast<int64_t>(s * 1000)); };
  cfg.join_timeout = ms(join_timeout);
  cfg.idle_timeout = ms(idle_timeout);
  cfg.slow_consumer_timeout = ms(slow_timeout);
  cfg.stats_interval = ms(stats);
  RaiseFileLimit();

  asio::io_context io(1);
  duet::relay::Server server(io, cfg, stdout);
  duet::Status st = server.Listen();
  if (!st) {
    std::fprintf(stderr, "duet-relay: %s\n", st.error().message.c_str());
    return 1;
  }
  server.Start();
  io.run();
  return 0;
}
