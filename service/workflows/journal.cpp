#include "workflows/journal.hpp"

#include "audit/chain.hpp"
#include "pipelines/json.hpp"
#include "workflows/outbox.hpp"

#include <boost/json/serialize.hpp>

namespace ferry::workflows {

namespace json = boost::json;

namespace {

json::value or_null(bool present, std::string_view value) {
    return present ? json::value(value) : json::value(nullptr);
}

bool is_package(const approval::Review& r) { return r.subject_kind == approval::SubjectKind::package; }

}  // namespace

json::object payload(const CampaignStatusChanged& e, const Actor& by) {
    const Campaign& c = e.campaign;
    return {{"campaign", c.id},          {"key", c.key},   {"sandbox", c.sandbox}, {"from", to_string(e.from)},
            {"to", to_string(c.status)}, {"by", by.name()}};
}

json::object payload(const ReviewRequested& e) {
    const approval::Review& r = e.review;
    return {{"review", r.id},
            {"kind", approval::to_string(r.subject_kind)},
            {"sandbox", r.sandbox},
            {"campaign", or_null(!is_package(r), r.subject_id)},
            {"package", or_null(is_package(r), r.subject_name)},
            {"name", r.subject_name},
            {"requested_by", r.requested_by},
            {"digest", r.digest}};
}

json::object payload(const ReviewDecided& e, const Actor& by) {
    const approval::Review& r = e.review;
    return {{"review", r.id},
            {"kind", approval::to_string(r.subject_kind)},
            {"sandbox", r.sandbox},
            {"campaign", or_null(!is_package(r), r.subject_id)},
            {"package", or_null(is_package(r), r.subject_name)},
            {"decision", approval::to_string(r.state)},
            {"by", by.name()},
            {"comment", r.comment},
            {"live_version", e.live_version ? json::value(*e.live_version) : json::value(nullptr)}};
}

json::object payload(const PackagePublished& e) {
    const packager::PackageVersion& v = e.version;
    return {{"package", v.package},
            {"version", v.version},
            {"commit", v.commit},
            {"digest", v.digest},
            {"by", v.created_by}};
}

json::object payload(const ImportApplied& e) {
    const ImportRecord& r = e.import;
    return {{"import", r.id},       {"sandbox", r.sandbox},       {"package", r.package},
            {"version", r.version}, {"digest", r.version_digest}, {"counts", e.counts},
            {"by", r.created_by}};
}

json::object payload(const ImportRolledBack& e) {
    const ImportRecord& r = e.import;
    return {{"import", r.id},
            {"sandbox", r.sandbox},
            {"package", r.package},
            {"version", r.version},
            {"by", r.rolled_back_by}};
}

AuditRecord audit_record(const Actor& actor, std::string_view tenant, std::string_view action, std::string_view target,
                         json::object details) {
    AuditRecord r;
    r.tenant = std::string(tenant);
    r.at = actor.at;
    r.actor = actor.name();
    r.action = std::string(action);
    r.target = std::string(target);
    r.request_id = actor.request_id;
    if (!actor.token_id.empty()) details["token_id"] = actor.token_id;
    if (!actor.session_id.empty()) details["session_id"] = actor.session_id;
    r.details = json::serialize(details);
    return r;
}

void Journal::append(Tx& tx, AuditRecord record) {
    audit_chain::link(record, tx.last_audit(record.tenant));
    tx.insert_audit(record);
}

void Journal::record(std::string_view tenant, std::string_view action, std::string_view target, json::object details) {
    append(tx_, audit_record(actor_, tenant, action, target, std::move(details)));
}

void Journal::emit(const CampaignStatusChanged& e) {
    if (e.from == e.campaign.status) return;
    webhooks::emit(tx_, e.campaign.tenant, "campaign.status_changed", payload(e, actor_), actor_.at);
}

void Journal::emit(const ReviewRequested& e) {
    webhooks::emit(tx_, e.review.tenant, "review.requested", payload(e), actor_.at);
}

void Journal::emit(const ReviewDecided& e) {
    webhooks::emit(tx_, e.review.tenant, "review.decided", payload(e, actor_), actor_.at);
}

void Journal::emit(const PackagePublished& e) {
    webhooks::emit(tx_, e.version.tenant, "package.published", payload(e), actor_.at);
}

void Journal::emit(const ImportApplied& e) {
    webhooks::emit(tx_, e.import.tenant, "import.applied", payload(e), actor_.at);
}

json::object payload(const PromotionChanged& e, const Actor& by) {
    const pipelines::Promotion& p = e.promotion;
    return {{"id", p.id},
            {"pipeline", p.pipeline},
            {"package", p.package},
            {"version", p.version},
            {"stage", p.stage},
            {"status", pipelines::to_string(p.status)},
            {"waiting", p.waiting ? json::value(pipelines::to_json(*p.waiting)) : json::value(nullptr)},
            {"import", p.import_id.empty() ? json::value(nullptr) : json::value(p.import_id)},
            {"by", by.name()}};
}

void Journal::emit(const PromotionChanged& e) {
    using pipelines::PromotionStatus;
    const PromotionStatus s = e.promotion.status;
    if (s != PromotionStatus::scheduled && s != PromotionStatus::waiting && s != PromotionStatus::applied &&
        s != PromotionStatus::live && s != PromotionStatus::failed)
        return;
    const std::string type = "promotion." + std::string(pipelines::to_string(s));
    json::object data = payload(e, actor_);
    record(e.promotion.tenant, type, "promotions/" + e.promotion.id, data);
    webhooks::emit(tx_, e.promotion.tenant, type, std::move(data), actor_.at);
}

void Journal::emit(const ImportRolledBack& e) {
    webhooks::emit(tx_, e.import.tenant, "import.rolled_back", payload(e), actor_.at);
}

}  // namespace ferry::workflows
