#include "tests/adversary/tls_hello.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace duet::adversary {
namespace {

constexpr uint8_t kHandshakeRecord = 22;
constexpr uint8_t kClientHello = 1;
constexpr uint8_t kServerHello = 2;
constexpr uint16_t kExtSupportedGroups = 0x000a;
constexpr uint16_t kExtSupportedVersions = 0x002b;
constexpr uint16_t kExtKeyShare = 0x0033;
constexpr size_t kRecordHeader = 5;
constexpr size_t kHandshakeHeader = 4;
// SHA-256("HelloRetryRequest"): the random of a HelloRetryRequest (RFC 8446 4.1.3).
constexpr std::array<uint8_t, 32> kRetryRandom = {
    0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
    0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C};

uint16_t U16(const uint8_t* p) { return static_cast<uint16_t>(p[0] << 8 | p[1]); }
void PutU16(uint8_t* p, size_t v) {
  p[0] = static_cast<uint8_t>(v >> 8);
  p[1] = static_cast<uint8_t>(v);
}
void PutU24(uint8_t* p, size_t v) {
  p[0] = static_cast<uint8_t>(v >> 16);
  PutU16(p + 1, v);
}
void AppendU16(wire::Bytes& out, uint16_t v) {
  out.push_back(static_cast<uint8_t>(v >> 8));
  out.push_back(static_cast<uint8_t>(v));
}

// Where a hello's parts are, inside the payload. The offsets are absolute.
struct Hello {
  size_t body = 0;        // after the handshake header
  size_t end = 0;         // the end of the handshake message
  size_t session_id = 0;  // its length byte
  size_t suites = 0;      // ClientHello: the cipher suites' length; ServerHello: the suite
  size_t extensions = 0;  // the extensions' length
};

// The first handshake message of the first record, if it is of `type` and whole.
std::optional<Hello> FindHello(wire::ByteView p, uint8_t type) {
  if (p.size() < kRecordHeader + kHandshakeHeader || p[0] != kHandshakeRecord) return {};
  const size_t record_end = kRecordHeader + U16(&p[3]);
  if (record_end > p.size() || p[kRecordHeader] != type) return {};
  const size_t len = static_cast<size_t>(p[6]) << 16 | U16(&p[7]);
  Hello h;
  h.body = kRecordHeader + kHandshakeHeader;
  h.end = h.body + len;
  if (h.end > record_end) return {};
  size_t at = h.body + 2 + 32;  // legacy_version, random
  if (at + 1 > h.end) return {};
  h.session_id = at;
  at += 1 + p[at];
  h.suites = at;
  if (type == kClientHello) {
    if (at + 2 > h.end) return {};
    at += 2 + U16(&p[at]);
    if (at + 1 > h.end) return {};
    at += 1 + p[at];  // compression methods
  } else {
    at += 2 + 1;  // cipher_suite, compression_method
  }
  if (at + 2 > h.end || at + 2 + U16(&p[at]) != h.end) return {};
  h.extensions = at;
  return h;
}

// Calls fn(type, data offset, data length) for each extension; false when they do not parse.
template <typename Fn>
bool ForEachExtension(wire::ByteView p, const Hello& h, Fn fn) {
  for (size_t at = h.extensions + 2; at < h.end;) {
    if (at + 4 > h.end) return false;
    const uint16_t type = U16(&p[at]);
    const size_t len = U16(&p[at + 2]);
    if (at + 4 + len > h.end) return false;
    fn(type, at + 4, len);
    at += 4 + len;
  }
  return true;
}

}  // namespace

std::optional<ServerHelloInfo> ReadServerHello(wire::ByteView p) {
  std::optional<Hello> h = FindHello(p, kServerHello);
  if (!h) return {};
  ServerHelloInfo info;
  info.retry_request = std::equal(kRetryRandom.begin(), kRetryRandom.end(), &p[h->body + 2]);
  bool found = false;
  const bool ok = ForEachExtension(p, *h, [&](uint16_t type, size_t at, size_t len) {
    if (type != kExtKeyShare || len < 2) return;
    info.group = U16(&p[at]);
    found = true;
  });
  if (!ok || !found) return {};
  return info;
}

std::optional<wire::Bytes> StripGroup(wire::ByteView p, uint16_t group) {
  std::optional<Hello> h = FindHello(p, kClientHello);
  if (!h) return {};
  // The byte ranges to cut out, and the length fields (offset, width) that then shrink.
  struct Cut {
    size_t at, len;
    std::vector<size_t> lengths;  // 2-byte length fields that enclose it
  };
  std::vector<Cut> cuts;
  const bool ok = ForEachExtension(p, *h, [&](uint16_t type, size_t at, size_t len) {
    const size_t ext_len = at - 2;
    if (type == kExtSupportedGroups && len >= 2) {
      for (size_t g = at + 2; g + 2 <= at + len; g += 2) {
        if (U16(&p[g]) == group) cuts.push_back({g, 2, {ext_len, at}});
      }
    } else if (type == kExtKeyShare && len >= 2) {
      for (size_t e = at + 2; e + 4 <= at + len;) {
        const size_t entry = 4 + U16(&p[e + 2]);
        if (U16(&p[e]) == group) cuts.push_back({e, entry, {ext_len, at}});
        e += entry;
      }
    }
  });
  if (!ok || cuts.empty()) return {};
  wire::Bytes out(p.begin(), p.end());
  // From the last cut to the first, so that earlier offsets stay valid.
  std::sort(cuts.begin(), cuts.end(), [](const Cut& a, const Cut& b) { return a.at > b.at; });
  size_t removed = 0;
  for (const Cut& c : cuts) {
    for (size_t f : c.lengths) PutU16(&out[f], U16(&out[f]) - c.len);
    out.erase(out.begin() + static_cast<std::ptrdiff_t>(c.at),
              out.begin() + static_cast<std::ptrdiff_t>(c.at + c.len));
    removed += c.len;
  }
  PutU16(&out[h->extensions], U16(&p[h->extensions]) - removed);
  PutU24(&out[6], h->end - h->body - removed);
  PutU16(&out[3], U16(&p[3]) - removed);
  return out;
}

std::optional<wire::Bytes> ForgeHelloRetryRequest(wire::ByteView p, uint16_t group) {
  std::optional<Hello> h = FindHello(p, kClientHello);
  if (!h || U16(&p[h->suites]) < 2) return {};
  wire::Bytes body;
  AppendU16(body, 0x0303);
  body.insert(body.end(), kRetryRandom.begin(), kRetryRandom.end());
  body.insert(body.end(), &p[h->session_id], &p[h->session_id] + 1 + p[h->session_id]);
  AppendU16(body, U16(&p[h->suites + 2]));  // the client's first suite
  body.push_back(0);                         // compression: null
  wire::Bytes ext;
  AppendU16(ext, kExtSupportedVersions);
  AppendU16(ext, 2);
  AppendU16(ext, 0x0304);  // TLS 1.3
  AppendU16(ext, kExtKeyShare);
  AppendU16(ext, 2);
  AppendU16(ext, group);
  AppendU16(body, static_cast<uint16_t>(ext.size()));
  body.insert(body.end(), ext.begin(), ext.end());

  wire::Bytes out = {kHandshakeRecord, 0x03, 0x03, 0, 0, kServerHello, 0, 0, 0};
  PutU16(&out[3], kHandshakeHeader + body.size());
  PutU24(&out[6], body.size());
  out.insert(out.end(), body.begin(), body.end());
  return out;
}

}  // namespace duet::adversary
