// Which webhook destinations are public: every special-purpose form, including the IPv6 forms that
// embed an IPv4 address, as a table.

#include "webhooks/address_policy.hpp"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstring>
#include <string>

using namespace ferry::webhooks;

namespace {

bool is_public(const std::string& text) {
    if (text.find(':') == std::string::npos) {
        in_addr a{};
        if (inet_pton(AF_INET, text.c_str(), &a) != 1) throw std::runtime_error("bad IPv4 " + text);
        return is_public_v4(ntohl(a.s_addr));
    }
    in6_addr a{};
    if (inet_pton(AF_INET6, text.c_str(), &a) != 1) throw std::runtime_error("bad IPv6 " + text);
    std::array<std::uint8_t, 16> bytes{};
    std::memcpy(bytes.data(), a.s6_addr, 16);
    return is_public_v6(bytes);
}

}  // namespace

TEST(AddressPolicy, RefusesEverySpecialPurposeIPv4Range) {
    for (const char* a :
         {"0.0.0.0",         "0.1.2.3",         "10.0.0.1",     "100.64.0.1",     "100.127.255.254", "127.0.0.1",
          "127.255.255.255", "169.254.169.254", "172.16.0.1",   "172.31.255.255", "192.0.0.1",       "192.0.0.9",
          "192.0.2.1",       "192.31.196.1",    "192.52.193.1", "192.88.99.1",    "192.168.1.1",     "192.175.48.1",
          "198.18.0.1",      "198.19.255.255",  "198.51.100.7", "203.0.113.9",    "224.0.0.1",       "239.255.255.250",
          "240.0.0.1",       "255.255.255.255"})
        EXPECT_FALSE(is_public(a)) << a;
    for (const char* a : {"1.1.1.1", "8.8.8.8", "100.63.255.255", "100.128.0.0", "172.15.255.255", "172.32.0.0",
                          "192.0.1.255", "192.0.3.0", "198.17.255.255", "198.20.0.0", "203.0.114.1", "223.255.255.254"})
        EXPECT_TRUE(is_public(a)) << a;
}

TEST(AddressPolicy, JudgesIPv6FormsThatEmbedIPv4ByTheirIPv4Address) {
    for (const char* a : {
             "::ffff:127.0.0.1", "::ffff:169.254.169.254", "::ffff:10.1.2.3",          // IPv4-mapped
             "::ffff:0:127.0.0.1", "::ffff:0:169.254.169.254",                         // IPv4-translated
             "::127.0.0.1", "::169.254.169.254", "::10.0.0.1",                         // IPv4-compatible (deprecated)
             "64:ff9b::127.0.0.1", "64:ff9b::169.254.169.254", "64:ff9b::a00:1",       // NAT64 well-known prefix
             "2002:7f00:1::", "2002:a9fe:a9fe::1", "2002:c0a8:101::", "2002:a00:1::",  // 6to4
         })
        EXPECT_FALSE(is_public(a)) << a;
    for (const char* a : {"::ffff:8.8.8.8", "::ffff:0:8.8.8.8", "::8.8.8.8", "64:ff9b::8.8.8.8", "2002:808:808::1"})
        EXPECT_TRUE(is_public(a)) << a;
}

TEST(AddressPolicy, RefusesEverySpecialPurposeIPv6Range) {
    for (const char* a : {
             "::",
             "::1",  // unspecified, loopback
             "64:ff9b:1::127.0.0.1",
             "64:ff9b:1::8.8.8.8",  // local-use NAT64: refused whole
             "100::1",
             "100::ffff:ffff:ffff:ffff",  // discard-only
             "2001::1",
             "2001:0:4136:e378:8000:63bf:3fff:fdd2",  // Teredo
             "2001:2::1",
             "2001:10::1",
             "2001:20::1",
             "2001:1ff::1",  // IETF protocol assignments
             "2001:db8::1",
             "2001:db8:ffff::1",  // documentation
             "3fff::1",
             "3fff:fff::1",      // documentation (2024)
             "2620:4f:8000::1",  // AS112
             "5f00::1",          // SRv6 SIDs
             "fc00::1",
             "fd12:3456::1",  // unique local
             "fe80::1",
             "febf::1",  // link-local
             "fec0::1",
             "feff::1",  // site-local
             "ff02::1",
             "ff05::1:3",
             "ff0e::1",  // multicast
             "4000::1",
             "::2:0:0:1",
             "1::1",  // outside 2000::/3
         })
        EXPECT_FALSE(is_public(a)) << a;
    for (const char* a : {"2001:4860:4860::8888", "2606:4700:4700::1111", "2001:200::1", "2620:4f:8001::1",
                          "3fff:1000::1", "2a00:1450:4001::200e"})
        EXPECT_TRUE(is_public(a)) << a;
}
