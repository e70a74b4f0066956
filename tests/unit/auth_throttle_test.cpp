// Failed authentication per client address: the limit, Retry-After, and one audit record per
// address, tenant and window.

#include "tenancy/auth_throttle.hpp"

#include <gtest/gtest.h>

using namespace ferry;
using namespace std::chrono_literals;

TEST(AuthThrottle, AnAddressPastItsLimitIsToldWhenToRetry) {
    AuthThrottle t(3);
    const Timestamp t0 = from_millis(1'000'000);
    for (int i = 0; i < 3; ++i) EXPECT_FALSE(t.fail("10.0.0.1", "acme", t0 + std::chrono::seconds(i)).limited) << i;
    const auto fourth = t.fail("10.0.0.1", "acme", t0 + 10s);
    EXPECT_TRUE(fourth.limited);
    EXPECT_EQ(fourth.retry_after, 50s);
    EXPECT_FALSE(t.fail("10.0.0.2", "acme", t0 + 10s).limited) << "another address has its own count";
    EXPECT_TRUE(t.fail("10.0.0.1", "acme", t0 + 59s).limited);
    EXPECT_EQ(t.fail("10.0.0.1", "acme", t0 + 59s + 500ms).retry_after, 1s);
    EXPECT_FALSE(t.fail("10.0.0.1", "acme", t0 + 60s).limited) << "a new window";
}

TEST(AuthThrottle, EachWindowIsAuditedOnceAndTheRestAsOneCount) {
    AuthThrottle t(1000);
    const Timestamp t0 = from_millis(1'000'000);
    EXPECT_TRUE(t.fail("10.0.0.1", "acme", t0).audit);
    for (int i = 1; i <= 41; ++i)
        EXPECT_FALSE(t.fail("10.0.0.1", "acme", t0 + std::chrono::milliseconds(i * 100)).audit);
    EXPECT_TRUE(t.fail("10.0.0.1", "globex", t0 + 1s).audit) << "per tenant";
    EXPECT_TRUE(t.take_ended(t0 + 59s).empty()) << "the window is still open";
    const auto ended = t.take_ended(t0 + 61s);
    ASSERT_EQ(ended.size(), 1U);
    EXPECT_EQ(ended[0].tenant, "acme");
    EXPECT_EQ(ended[0].address, "10.0.0.1");
    EXPECT_EQ(ended[0].count, 41U);
    EXPECT_EQ(ended[0].since, t0);
    EXPECT_EQ(ended[0].until, t0 + 4100ms);
    EXPECT_TRUE(t.take_ended(t0 + 62s).empty()) << "taken once";
    // A failure after the window starts a new one, audited again; a count left in the old one
    // comes out with the next sweep.
    AuthThrottle u(1000);
    u.fail("a", "acme", t0);
    u.fail("a", "acme", t0 + 1s);
    EXPECT_TRUE(u.fail("a", "acme", t0 + 70s).audit);
    const auto left = u.take_ended(t0 + 71s);
    ASSERT_EQ(left.size(), 1U);
    EXPECT_EQ(left[0].count, 1U);
}

TEST(AuthThrottle, TheAddressOfARemote) {
    EXPECT_EQ(address_of("127.0.0.1:5678"), "127.0.0.1");
    EXPECT_EQ(address_of("[::1]:5678"), "::1");
    EXPECT_EQ(address_of("[2001:db8::1]:443"), "2001:db8::1");
    EXPECT_EQ(address_of(""), "");
}
