// What the relay's per-address limits count by.
#include "relay/address_key.h"

#include <gtest/gtest.h>

namespace duet::relay {
namespace {

std::string KeyOf(const std::string& text, int prefix = kDefaultIpv6Prefix) {
  return AddressKey(asio::ip::make_address(text), prefix);
}

TEST(AddressKey, AnIpv4AddressIsItself) { EXPECT_EQ(KeyOf("192.168.1.20"), "192.168.1.20"); }

TEST(AddressKey, AMappedIpv4AddressIsTheIpv4Address) {
  // A relay listening on "::" sees IPv4 peers this way; they must not all share one key.
  EXPECT_EQ(KeyOf("::ffff:192.168.1.20"), "192.168.1.20");
  EXPECT_NE(KeyOf("::ffff:192.168.1.20"), KeyOf("::ffff:192.168.1.21"));
  EXPECT_EQ(KeyOf("::ffff:192.168.1.20", 64), "192.168.1.20");
}

TEST(AddressKey, AnIpv6AddressCountsAloneByDefault) {
  // On a LAN every host shares the /64: two hosts there are two keys.
  EXPECT_EQ(KeyOf("2001:db8:1:2:aaaa:bbbb:cccc:dddd"), "2001:db8:1:2:aaaa:bbbb:cccc:dddd");
  EXPECT_NE(KeyOf("2001:db8:1:2::1"), KeyOf("2001:db8:1:2::2"));
}

TEST(AddressKey, AnIpv6AddressCountsByItsPrefixWhenAskedTo) {
  EXPECT_EQ(KeyOf("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 64), "2001:db8:1:2::/64");
  EXPECT_EQ(KeyOf("2001:db8:1:2::1", 64), KeyOf("2001:db8:1:2:ffff::9", 64));
  EXPECT_NE(KeyOf("2001:db8:1:2::1", 64), KeyOf("2001:db8:1:3::1", 64));
  EXPECT_EQ(KeyOf("2001:db8:1:2ff::1", 60), "2001:db8:1:2f0::/60");
  EXPECT_EQ(KeyOf("2001:db8:1:2:aaaa:bbbb:cccc:dddd", 127), "2001:db8:1:2:aaaa:bbbb:cccc:dddc/127");
}

TEST(AddressKey, ALinkLocalAddressAlwaysCountsAlone) {
  // Every link-local address is in fe80::/64: by prefix, the whole LAN would be one key.
  EXPECT_EQ(KeyOf("fe80::1234", 64), "fe80::1234");
  EXPECT_NE(KeyOf("fe80::1", 64), KeyOf("fe80::2", 64));
  EXPECT_EQ(KeyOf("fe80::1234%1"), "fe80::1234");
}

}  // namespace
}  // namespace duet::relay
