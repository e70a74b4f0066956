#include "api/wire.hpp"

#include "campaigns/spec.hpp"

#include <boost/json/parse.hpp>

namespace ferry::api {

namespace json = boost::json;

namespace {

json::value optional_time(const std::optional<Timestamp>& t) {
    if (!t) return nullptr;
    return json::value(format_rfc3339(*t));
}

}  // namespace

json::object to_json(const Tenant& t) {
    return {{"id", t.id}, {"name", t.name}, {"created_at", format_rfc3339(t.created_at)}};
}

json::object to_json(const Sandbox& s) {
    return {{"id", s.id},
            {"type", to_string(s.type)},
            {"require_approval", to_string(s.require_approval)},
            {"description", s.description},
            {"created_at", format_rfc3339(s.created_at)},
            {"updated_at", format_rfc3339(s.updated_at)}};
}

json::object to_json(const RoleGrant& g) { return {{"sandbox", g.sandbox}, {"role", to_string(g.role)}}; }

json::object to_json(const User& u) {
    json::array roles;
    for (const RoleGrant& g : u.roles) roles.push_back(to_json(g));
    json::array permissions;
    for (const auto& p : u.permissions) permissions.emplace_back(p);
    return {{"id", u.id},
            {"name", u.name},
            {"roles", std::move(roles)},
            {"permissions", std::move(permissions)},
            {"created_at", format_rfc3339(u.created_at)},
            {"updated_at", format_rfc3339(u.updated_at)}};
}

json::object to_json(const Token& t) {
    return {{"id", t.id},
            {"name", t.name},
            {"created_at", format_rfc3339(t.created_at)},
            {"expires_at", optional_time(t.expires_at)},
            {"revoked_at", optional_time(t.revoked_at)}};
}

json::object to_json(const AuditRecord& r) {
    boost::system::error_code ec;
    json::value details = json::parse(r.details, ec);
    if (ec || !details.is_object()) details = json::object{{"unparsed", r.details}};
    return {{"seq", r.seq},
            {"at", format_rfc3339(r.at)},
            {"actor", r.actor},
            {"action", r.action},
            {"target", r.target},
            {"request_id", r.request_id},
            {"details", std::move(details)},
            {"prev_hash", r.prev_hash},
            {"hash", r.hash}};
}

json::object to_json(const Segment& s) {
    return {{"id", s.id},
            {"key", s.key},
            {"name", s.name},
            {"description", s.description},
            {"rule", s.rule},
            {"archived", s.archived},
            {"created_at", format_rfc3339(s.created_at)},
            {"created_by", s.created_by},
            {"updated_at", format_rfc3339(s.updated_at)},
            {"updated_by", s.updated_by}};
}

json::object to_json(const Template& t) {
    json::value subject = nullptr;
    if (t.subject) subject = json::value(*t.subject);
    return {{"id", t.id},
            {"key", t.key},
            {"name", t.name},
            {"channel", to_string(t.channel)},
            {"subject", std::move(subject)},
            {"body", t.body},
            {"archived", t.archived},
            {"created_at", format_rfc3339(t.created_at)},
            {"created_by", t.created_by},
            {"updated_at", format_rfc3339(t.updated_at)},
            {"updated_by", t.updated_by}};
}

json::object to_json(const DraftVersion& d) {
    json::object out = redacted_spec_json(d.spec);
    out["updated_at"] = format_rfc3339(d.updated_at);
    out["updated_by"] = d.updated_by;
    out["in_review"] = d.in_review;
    return out;
}

json::object to_json(const CampaignVersion& v) {
    return {{"version", v.version},
            {"activated_at", format_rfc3339(v.activated_at)},
            {"activated_by", v.activated_by},
            {"spec", redacted_spec_json(v.spec)}};
}

json::object campaign_json(const Campaign& c, const LifecycleFacts& facts, bool full) {
    json::object out{{"id", c.id}, {"key", c.key}, {"sandbox", c.sandbox}, {"type", to_string(c.type)}};
    for (auto& [k, v] : redacted_spec_json(c.spec)) out[k] = std::move(v);
    json::array tags;
    for (const auto& t : c.tags) tags.emplace_back(t);
    out["tags"] = std::move(tags);
    out["status"] = to_string(c.status);
    json::array actions;
    for (const CampaignAction a : allowed_actions(c.status, facts)) actions.emplace_back(to_string(a));
    out["allowed_actions"] = std::move(actions);
    out["live_version"] = c.live_version;
    out["activated_at"] = optional_time(c.activated_at);
    if (full)
        out["draft_version"] = c.draft ? json::value(to_json(*c.draft)) : json::value(nullptr);
    else
        out["has_draft_version"] = c.draft.has_value();
    // The delivery engine's alerts, then those ferry raises from the campaign's present state.
    json::array alerts;
    for (const auto* list : {&c.alerts, &facts.conditions})
        for (const Alert& a : *list)
            alerts.push_back(json::object{{"type", a.type}, {"message", a.message}, {"at", format_rfc3339(a.at)}});
    out["alerts"] = std::move(alerts);
    // "Terminé … sans erreur" (seed): a completion is clean only if the run raised no alert.
    out["completed_without_errors"] =
        c.status == CampaignStatus::completed ? json::value(c.alerts.empty()) : json::value(nullptr);
    out["provenance"] = c.provenance;
    out["bypass"] = c.bypass;  // {"by","reason","at"} when activated by break-glass
    out["created_at"] = format_rfc3339(c.created_at);
    out["created_by"] = c.created_by;
    out["updated_at"] = format_rfc3339(c.updated_at);
    out["updated_by"] = c.updated_by;
    return out;
}

std::string etag(Timestamp created_at, std::int64_t revision) {
    return "\"" + std::to_string(to_millis(created_at)) + "." + std::to_string(revision) + "\"";
}

}  // namespace ferry::api
