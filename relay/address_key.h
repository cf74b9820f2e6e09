// What the per-address limits (connections, JOIN rate) count by. Pure.
#pragma once

#include <asio/ip/address.hpp>
#include <string>

namespace duet::relay {

// The default --ipv6-prefix: every IPv6 address on its own. On a LAN every host shares one /64,
// so counting by /64 would let one host take every IPv6 peer's slots.
inline constexpr int kDefaultIpv6Prefix = 128;

// An IPv4 address as it is, also when it arrives mapped into IPv6 (a relay listening on "::").
// An IPv6 address by its first `ipv6_prefix` bits (1..128; "2001:db8:1:2::/64"; 128 gives the
// address alone), so that an internet-facing relay can count a host's privacy addresses as one;
// a link-local address (fe80::/10) always alone, since all of them share fe80::/64.
std::string AddressKey(const asio::ip::address& a, int ipv6_prefix = kDefaultIpv6Prefix);

}  // namespace duet::relay
