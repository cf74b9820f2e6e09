// What the relay's per-address limits count by.
#include "relay/address_key.h"

#include <gtest/gtest.h>

namespace duet::relay {
namespace {

std::string KeyOf(const std::string& text) { return AddressKey(asio::ip::make_address(text)); }

TEST(AddressKey, AnIpv4AddressIsItself) { EXPECT_EQ(KeyOf("192.168.1.20"), "192.168.1.20"); }

TEST(AddressKey, AMappedIpv4AddressIsTheIpv4Address) {
  // A relay listening on "::" sees IPv4 peers this way; they must not all share one /64.
  EXPECT_EQ(KeyOf("::ffff:192.168.1.20"), "192.168.1.20");
  EXPECT_NE(KeyOf("::ffff:192.168.1.20"), KeyOf("::ffff:192.168.1.21"));
}

TEST(AddressKey, AnIpv6AddressCountsByItsSlash64) {
  EXPECT_EQ(KeyOf("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2::/64");
  EXPECT_EQ(KeyOf("2001:db8:1:2::1"), KeyOf("2001:db8:1:2:ffff::9"));
  EXPECT_NE(KeyOf("2001:db8:1:2::1"), KeyOf("2001:db8:1:3::1"));
  EXPECT_EQ(KeyOf("fe80::1234"), "fe80::/64");
}

}  // namespace
}  // namespace duet::relay
