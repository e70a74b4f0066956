#include "audit/chain.hpp"

#include "core/crypto.hpp"

namespace ferry::audit_chain {

namespace {

// Length-prefixing each field makes the encoding unambiguous: no two different records can
// serialize to the same bytes by moving characters across a field boundary.
void append_field(std::string& out, std::string_view field) {
    out += std::to_string(field.size());
    out += ':';
    out += field;
    out += ';';
}

}  // namespace

std::string link_hash(const AuditRecord& r) {
    std::string canonical;
    canonical.reserve(256 + r.details.size());
    append_field(canonical, r.prev_hash);
    append_field(canonical, r.tenant);
    append_field(canonical, std::to_string(r.seq));
    append_field(canonical, std::to_string(to_millis(r.at)));
    append_field(canonical, r.actor);
    append_field(canonical, r.action);
    append_field(canonical, r.target);
    append_field(canonical, r.request_id);
    append_field(canonical, r.details);
    return crypto::sha256_hex(canonical);
}

void link(AuditRecord& next, const std::optional<AuditRecord>& previous) {
    next.seq = previous ? previous->seq + 1 : 1;
    next.prev_hash = previous ? previous->hash : std::string();
    next.hash = link_hash(next);
}

bool Verifier::feed(const AuditRecord& record) {
    if (break_) return false;
    if (record.seq != expected_seq_) {
        break_ = Break{expected_seq_, record.seq > expected_seq_ ? "missing" : "out of order"};
        return false;
    }
    if (record.prev_hash != prev_hash_) {
        break_ = Break{record.seq, "prev_hash does not match the previous record"};
        return false;
    }
    if (record.hash != link_hash(record)) {
        break_ = Break{record.seq, "hash does not match the record's content"};
        return false;
    }
    ++checked_;
    ++expected_seq_;
    prev_hash_ = record.hash;
    return true;
}

}  // namespace ferry::audit_chain
