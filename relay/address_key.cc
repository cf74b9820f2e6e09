#include "relay/address_key.h"

#include <algorithm>

namespace duet::relay {

std::string AddressKey(const asio::ip::address& a, int ipv6_prefix) {
  if (a.is_v4()) return a.to_string();
  const asio::ip::address_v6 v6 = a.to_v6();
  if (v6.is_v4_mapped()) return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string();
  if (v6.is_link_local() || ipv6_prefix >= 128) {
    asio::ip::address_v6 alone = v6;
    alone.scope_id(0);  // the interface is not part of the peer's identity
    return alone.to_string();
  }
  // Keep the first `ipv6_prefix` bits, clear the rest.
  asio::ip::address_v6::bytes_type bytes = v6.to_bytes();
  const int bits = std::max(ipv6_prefix, 1);
  for (int i = 0; i < 16; ++i) {
    const int keep = std::clamp(bits - 8 * i, 0, 8);
    bytes[i] &= static_cast<uint8_t>(0xff00u >> keep);
  }
  return asio::ip::address_v6(bytes).to_string() + "/" + std::to_string(bits);
}

}  // namespace duet::relay
