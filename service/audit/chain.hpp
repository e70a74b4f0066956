#pragma once
// The audit hash chain: each record's hash covers its own fields and the previous record's hash,
// so altering, inserting or removing a row breaks every later link. Pure functions.

#include "audit/record.hpp"

#include <optional>
#include <string>

namespace ferry::audit_chain {

// SHA-256 (hex) over prev_hash and every field of the record except hash itself.
std::string link_hash(const AuditRecord& record);

// Fills seq, prev_hash and hash of `next` so that it follows `previous` (or starts the chain).
void link(AuditRecord& next, const std::optional<AuditRecord>& previous);

struct Break {
    std::int64_t seq = 0;
    std::string reason;
};

// Feed records oldest first; the first break found is kept.
class Verifier {
public:
    // Returns false once a break has been found.
    bool feed(const AuditRecord& record);
    const std::optional<Break>& first_break() const { return break_; }
    std::int64_t checked() const { return checked_; }

private:
    std::int64_t expected_seq_ = 1;
    std::string prev_hash_;
    std::int64_t checked_ = 0;
    std::optional<Break> break_;
};

}  // namespace ferry::audit_chain
