// What the per-address limits (connections, JOIN rate) count by. Pure.
#pragma once

#include <asio/ip/address.hpp>
#include <string>

namespace duet::relay {

// An IPv4 address as it is, also when it arrives mapped into IPv6 (a relay listening on "::");
// an IPv6 address by its /64 prefix ("2001:db8:1:2::/64"): a host is usually given a whole /64,
// and privacy addresses let it use as many addresses in it as it likes.
std::string AddressKey(const asio::ip::address& a);

}  // namespace duet::relay
