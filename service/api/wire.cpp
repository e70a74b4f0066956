#include "api/wire.hpp"

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
    return {{"id", u.id},
            {"name", u.name},
            {"roles", std::move(roles)},
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

std::string etag(Timestamp created_at, std::int64_t revision) {
    return "\"" + std::to_string(to_millis(created_at)) + "." + std::to_string(revision) + "\"";
}

}  // namespace ferry::api
