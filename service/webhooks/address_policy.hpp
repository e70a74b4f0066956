#pragma once
// Which addresses a webhook may be delivered to: only globally reachable unicast ones. Pure, so
// that every form of address is tested as a table (tests/unit/address_policy_test.cpp).
//
// Refused: every special-purpose range of the IANA IPv4 and IPv6 special-purpose address
// registries (loopback, private, shared, link-local, documentation, benchmarking, protocol
// assignments, discard-only, ORCHID, Teredo, AS112...), multicast, reserved space, and IPv6
// outside 2000::/3. Addresses that embed an IPv4 address (IPv4-mapped ::ffff:a.b.c.d,
// IPv4-translated ::ffff:0:a.b.c.d, IPv4-compatible ::a.b.c.d, NAT64 64:ff9b::/96 and 6to4
// 2002::/16) are judged by the IPv4 address they carry; the local-use NAT64 prefix 64:ff9b:1::/48
// is refused whole.

#include <array>
#include <cstdint>

namespace ferry::webhooks {

// a: the address in host byte order (192.0.2.1 is 0xC0000201).
bool is_public_v4(std::uint32_t a);

// a: the 16 bytes of the address in network order.
bool is_public_v6(const std::array<std::uint8_t, 16>& a);

}  // namespace ferry::webhooks
