// duet-adversary: a hostile relay for the adversarial suite (see hostile_relay.h).
//   duet-adversary --mode flip --dir a2b --n 3 --offset -1 [--listen 127.0.0.1:0]
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "tests/adversary/hostile_relay.h"

int main(int argc, char** argv) {
  duet::adversary::Mode mode;
  std::string listen = "127.0.0.1:0";
  std::string dir = "a2b";
  CLI::App app{"duet-adversary: a relay that misbehaves on purpose, for tests only."};
  app.add_option("--listen", listen, "HOST:PORT (IPv4)");
  app.add_option("--mode", mode.name,
                 "pass drop dup swap replay reflect reflect-all flip truncate cut inject "
                 "inject-captured stall reset splice mitm")
      ->check(CLI::IsMember({"pass", "drop", "dup", "swap", "replay", "reflect", "reflect-all",
                             "flip", "truncate", "cut", "inject", "inject-captured", "stall",
                             "reset", "splice", "mitm"}));
  app.add_option("--dir", dir, "a2b or b2a")->check(CLI::IsMember({"a2b", "b2a"}));
  app.add_option("--n", mode.n, "the DATA frame the mode acts on (from 1)");
  app.add_option("--m", mode.m, "replay: send frame N again after frame M");
  app.add_option("--offset", mode.offset, "flip: byte of the payload (negative: from the end)");
  app.add_option("--stall-ms", mode.stall_ms, "stall: how long frame N waits");
  app.add_option("--arm-pair", mode.arm_pair, "the pairing (from 1) the mode applies to");
  app.add_option("--capture", mode.capture, "write every byte the peers send to this file");
  CLI11_PARSE(app, argc, argv);
  duet::adversary::ParseDir(dir, mode.dir);

  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "--listen needs HOST:PORT\n");
    return 2;
  }
  duet::adversary::HostileRelay relay(mode);
  if (!relay.Listen(listen.substr(0, colon),
                    static_cast<uint16_t>(std::stoi(listen.substr(colon + 1))))) {
    std::fprintf(stderr, "cannot listen on %s\n", listen.c_str());
    return 1;
  }
  relay.Run();
}
