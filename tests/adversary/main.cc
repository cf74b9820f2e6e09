// duet-adversary: a hostile relay for the adversarial suite (see hostile_relay.h).
//   duet-adversary --mode flip --dir a2b --n 3 --offset -1 [--listen 127.0.0.1:0]
//   duet-adversary --mode rename --arm-pair 2 --name 'bob\u200b'
//   duet-adversary --mode blackhole --arm-on-stdin --n 1
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "crypto/tls_endpoint.h"
#include "tests/adversary/hostile_relay.h"

namespace {

// "bob\u200b" -> "bob" U+200B in UTF-8; "\\" -> "\". Other text is taken as it is.
std::string DecodeEscapes(const std::string& in) {
  std::string out;
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '\\' || i + 1 >= in.size()) {
      out += in[i];
      continue;
    }
    if (in[i + 1] == '\\') {
      out += '\\';
      ++i;
      continue;
    }
    if (in[i + 1] != 'u' || i + 6 > in.size() ||
        in.find_first_not_of("0123456789abcdefABCDEF", i + 2) < i + 6) {
      out += in[i];
      continue;
    }
    const uint32_t cp = static_cast<uint32_t>(std::stoul(in.substr(i + 2, 4), nullptr, 16));
    i += 5;
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  duet::adversary::Mode mode;
  std::string listen = "127.0.0.1:0";
  std::string dir = "a2b";
  std::string name;
  CLI::App app{"duet-adversary: a relay that misbehaves on purpose, for tests only."};
  app.add_option("--listen", listen, "HOST:PORT (IPv4)");
  app.add_option("--mode", mode.name,
                 "pass drop dup swap replay reflect reflect-all flip truncate cut inject "
                 "inject-captured stall reset splice mitm grind rename forge leave-mid leave "
                 "blackhole blackhole-alive bad-reveal code-rekey deaf strip-pq hrr-x25519")
      ->check(CLI::IsMember({"pass",
                             "drop",
                             "dup",
                             "swap",
                             "replay",
                             "reflect",
                             "reflect-all",
                             "flip",
                             "truncate",
                             "cut",
                             "inject",
                             "inject-captured",
                             "stall",
                             "reset",
                             "splice",
                             "mitm",
                             "grind",
                             "rename",
                             "forge",
                             "leave-mid",
                             "leave",
                             "blackhole",
                             "blackhole-alive",
                             "bad-reveal",
                             "code-rekey",
                             "deaf",
                             "strip-pq",
                             "hrr-x25519"}));
  app.add_option("--dir", dir, "a2b or b2a")->check(CLI::IsMember({"a2b", "b2a"}));
  app.add_option("--n", mode.n, "the DATA frame the mode acts on (from 1)");
  app.add_option("--m", mode.m, "replay: send frame N again after frame M");
  app.add_option("--offset", mode.offset, "flip: byte of the payload (negative: from the end)");
  app.add_option("--stall-ms", mode.stall_ms, "stall: how long frame N waits");
  app.add_option("--arm-pair", mode.arm_pair, "the pairing (from 1) the mode applies to");
  app.add_option("--capture", mode.capture, "write every byte the peers send to this file");
  app.add_option("--name", name, "rename: the name put into the HELLO to side a (\\uXXXX escapes)");
  app.add_flag("--arm-on-stdin", mode.arm_on_stdin,
               "the armed pairing passes until the line \"arm\" arrives on stdin; --n counts "
               "from then");
  CLI11_PARSE(app, argc, argv);
  duet::adversary::ParseDir(dir, mode.dir);
  mode.name_to_a = DecodeEscapes(name);
  if (mode.name == "rename" && (mode.name_to_a.empty() || mode.name_to_a.size() > 64)) {
    std::fprintf(stderr, "--name must be 1 to 64 bytes\n");
    return 2;
  }

  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::fprintf(stderr, "--listen needs HOST:PORT\n");
    return 2;
  }
  // What the peers built with this OpenSSL offer (the suite's binary links no OpenSSL).
  std::printf("ml-kem: %s\n", duet::crypto::HybridGroupAvailable() ? "yes" : "no");
  std::fflush(stdout);
  duet::adversary::HostileRelay relay(mode);
  if (!relay.Listen(listen.substr(0, colon),
                    static_cast<uint16_t>(std::stoi(listen.substr(colon + 1))))) {
    std::fprintf(stderr, "cannot listen on %s\n", listen.c_str());
    return 1;
  }
  relay.Run();
}
