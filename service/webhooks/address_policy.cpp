#include "webhooks/address_policy.hpp"

#include <algorithm>

namespace ferry::webhooks {

namespace {

struct V4Range {
    std::uint32_t net;
    int bits;
};

// IANA IPv4 Special-Purpose Address Registry, with multicast and the reserved 240/4 (which holds
// the limited broadcast address) added.
constexpr V4Range v4_refused[] = {
    {0x00000000, 8},   // 0.0.0.0/8 "this network"
    {0x0A000000, 8},   // 10.0.0.0/8 private
    {0x64400000, 10},  // 100.64.0.0/10 shared address space (carrier-grade NAT)
    {0x7F000000, 8},   // 127.0.0.0/8 loopback
    {0xA9FE0000, 16},  // 169.254.0.0/16 link-local (cloud metadata services live here)
    {0xAC100000, 12},  // 172.16.0.0/12 private
    {0xC0000000, 24},  // 192.0.0.0/24 IETF protocol assignments
    {0xC0000200, 24},  // 192.0.2.0/24 documentation (TEST-NET-1)
    {0xC01FC400, 24},  // 192.31.196.0/24 AS112-v4
    {0xC034C100, 24},  // 192.52.193.0/24 AMT
    {0xC0586300, 24},  // 192.88.99.0/24 deprecated 6to4 relay anycast
    {0xC0A80000, 16},  // 192.168.0.0/16 private
    {0xC0AF3000, 24},  // 192.175.48.0/24 direct delegation AS112
    {0xC6120000, 15},  // 198.18.0.0/15 benchmarking
    {0xC6336400, 24},  // 198.51.100.0/24 documentation (TEST-NET-2)
    {0xCB007100, 24},  // 203.0.113.0/24 documentation (TEST-NET-3)
    {0xE0000000, 4},   // 224.0.0.0/4 multicast
    {0xF0000000, 4},   // 240.0.0.0/4 reserved, and 255.255.255.255 broadcast
};

struct V6Range {
    std::array<std::uint8_t, 16> net;
    int bits;
};

constexpr std::array<std::uint8_t, 16> v6(std::initializer_list<std::uint16_t> groups) {
    std::array<std::uint8_t, 16> a{};
    std::size_t i = 0;
    for (const std::uint16_t g : groups) {
        a[i++] = static_cast<std::uint8_t>(g >> 8U);
        a[i++] = static_cast<std::uint8_t>(g & 0xFFU);
    }
    return a;
}

// IANA IPv6 Special-Purpose Address Registry (the ranges that embed an IPv4 address are judged
// by it, before this table), with site-local and multicast added.
const V6Range v6_refused[] = {
    {v6({0x0064, 0xff9b, 0x0001}), 48},  // 64:ff9b:1::/48 local-use IPv4/IPv6 translation
    {v6({0x0100}), 64},                  // 100::/64 discard-only
    {v6({0x2001}), 23},                  // 2001::/23 IETF protocol assignments (Teredo, ORCHID, benchmarking...)
    {v6({0x2001, 0x0db8}), 32},          // 2001:db8::/32 documentation
    {v6({0x2620, 0x004f, 0x8000}), 48},  // 2620:4f:8000::/48 direct delegation AS112
    {v6({0x3fff}), 20},                  // 3fff::/20 documentation
    {v6({0x5f00}), 16},                  // 5f00::/16 segment routing SIDs
    {v6({0xfc00}), 7},                   // fc00::/7 unique local
    {v6({0xfe80}), 10},                  // fe80::/10 link-local
    {v6({0xfec0}), 10},                  // fec0::/10 deprecated site-local
    {v6({0xff00}), 8},                   // ff00::/8 multicast
};

bool in(const std::array<std::uint8_t, 16>& a, const V6Range& r) {
    int bits = r.bits;
    for (std::size_t i = 0; bits > 0; ++i, bits -= 8) {
        const unsigned mask = bits >= 8 ? 0xFFU : (0xFFU << (8 - bits)) & 0xFFU;
        if ((a[i] & mask) != (r.net[i] & mask)) return false;
    }
    return true;
}

std::uint32_t v4_at(const std::array<std::uint8_t, 16>& a, std::size_t i) {
    return static_cast<std::uint32_t>(a[i]) << 24U | static_cast<std::uint32_t>(a[i + 1]) << 16U |
           static_cast<std::uint32_t>(a[i + 2]) << 8U | a[i + 3];
}

bool zeros(const std::array<std::uint8_t, 16>& a, std::size_t from, std::size_t to) {
    return std::all_of(a.begin() + static_cast<std::ptrdiff_t>(from), a.begin() + static_cast<std::ptrdiff_t>(to),
                       [](std::uint8_t b) { return b == 0; });
}

}  // namespace

bool is_public_v4(std::uint32_t a) {
    for (const V4Range& r : v4_refused)
        if ((a >> (32 - r.bits)) == (r.net >> (32 - r.bits))) return false;
    return true;
}

bool is_public_v6(const std::array<std::uint8_t, 16>& a) {
    // ::/96 holds the unspecified address, loopback and the deprecated IPv4-compatible ::a.b.c.d;
    // the first two are refused by their IPv4 reading (0.0.0.0 and 0.0.0.1 are in 0.0.0.0/8).
    if (zeros(a, 0, 12)) return is_public_v4(v4_at(a, 12));
    // ::ffff:a.b.c.d (IPv4-mapped) and ::ffff:0:a.b.c.d (IPv4-translated).
    if (zeros(a, 0, 10) && a[10] == 0xFF && a[11] == 0xFF) return is_public_v4(v4_at(a, 12));
    if (zeros(a, 0, 8) && a[8] == 0xFF && a[9] == 0xFF && a[10] == 0 && a[11] == 0) return is_public_v4(v4_at(a, 12));
    // 64:ff9b::/96, the well-known NAT64 prefix: the gateway connects to the IPv4 address inside.
    if (in(a, V6Range{v6({0x0064, 0xff9b}), 96})) return is_public_v4(v4_at(a, 12));
    // 2002::/16, 6to4: the IPv4 address of the tunnel's end follows the prefix.
    if (in(a, V6Range{v6({0x2002}), 16})) return is_public_v4(v4_at(a, 2));
    for (const V6Range& r : v6_refused)
        if (in(a, r)) return false;
    // Only global unicast space is allocated for the public Internet.
    return in(a, V6Range{v6({0x2000}), 3});
}

}  // namespace ferry::webhooks
