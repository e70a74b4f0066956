#include "audit/chain.hpp"

#include <gtest/gtest.h>

#include <vector>

using namespace ferry;

namespace {

std::vector<AuditRecord> chain_of(int n) {
    std::vector<AuditRecord> out;
    std::optional<AuditRecord> previous;
    for (int i = 0; i < n; ++i) {
        AuditRecord r;
        r.tenant = "acme";
        r.at = from_millis(1'700'000'000'000 + i);
        r.actor = "admin";
        r.action = "sandbox.create";
        r.target = "sandboxes/s" + std::to_string(i);
        r.request_id = "req" + std::to_string(i);
        r.details = "{}";
        audit_chain::link(r, previous);
        previous = r;
        out.push_back(r);
    }
    return out;
}

std::optional<audit_chain::Break> verify(const std::vector<AuditRecord>& records) {
    audit_chain::Verifier v;
    for (const auto& r : records)
        if (!v.feed(r)) break;
    return v.first_break();
}

}  // namespace

TEST(AuditChain, IntactChainVerifies) {
    const auto records = chain_of(10);
    EXPECT_EQ(records.front().seq, 1);
    EXPECT_EQ(records.front().prev_hash, "");
    EXPECT_EQ(records[3].prev_hash, records[2].hash);
    audit_chain::Verifier v;
    for (const auto& r : records) EXPECT_TRUE(v.feed(r));
    EXPECT_FALSE(v.first_break());
    EXPECT_EQ(v.checked(), 10);
}

TEST(AuditChain, AlteredFieldIsNamed) {
    auto records = chain_of(10);
    records[4].actor = "mallory";
    const auto b = verify(records);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->seq, 5);
}

TEST(AuditChain, RecomputedHashStillBreaksTheNextLink) {
    auto records = chain_of(10);
    records[4].details = R"({"forged":true})";
    records[4].hash = audit_chain::link_hash(records[4]);
    const auto b = verify(records);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->seq, 6);
}

TEST(AuditChain, RemovedRowIsNamed) {
    auto records = chain_of(10);
    records.erase(records.begin() + 6);
    const auto b = verify(records);
    ASSERT_TRUE(b);
    EXPECT_EQ(b->seq, 7);
    EXPECT_EQ(b->reason, "missing");
}

TEST(AuditChain, FieldBoundariesAreUnambiguous) {
    AuditRecord a;
    a.action = "ab";
    a.target = "c";
    AuditRecord b = a;
    b.action = "a";
    b.target = "bc";
    EXPECT_NE(audit_chain::link_hash(a), audit_chain::link_hash(b));
}
