// Segments (audiences) and templates (reusable content): the objects campaigns depend on.

#include "api/campaign_ops.hpp"
#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/sandbox_objects.hpp"
#include "api/wire.hpp"
#include "campaigns/lifecycle.hpp"
#include "workflows/reviews.hpp"

#include <boost/json/serialize.hpp>

namespace ferry::api {

namespace json = boost::json;

namespace {

constexpr std::size_t max_rule_bytes = 64 * 1024;
constexpr std::size_t max_template_body = 256 * 1024;

json::object read_rule(const json::value* value) {
    if (value == nullptr || !value->is_object()) throw Error::invalid_field("rule", "rule must be a JSON object");
    if (json::serialize(*value).size() > max_rule_bytes)
        throw Error::invalid_field("rule", "rule must be at most 64 KiB");
    return value->get_object();
}

bool contains_ci(std::string_view haystack, std::string_view needle) {
    if (needle.empty()) return true;
    auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
    for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i) {
        bool match = true;
        for (std::size_t k = 0; k < needle.size() && match; ++k) match = lower(haystack[i + k]) == lower(needle[k]);
        if (match) return true;
    }
    return false;
}

template <class T>
void reject_key_change(const std::optional<std::string>& key, const T& object) {
    if (key && *key != object.key) throw Error::invalid_field("key", "key cannot be changed");
}

template <class T>
void refuse_if_archived(const T& object, std::string_view what) {
    if (object.archived) throw Error::conflict("archived", std::string(what) + " is archived; unarchive it first");
}

Segment existing_segment(Tx& tx, const Context& ctx) {
    return or_not_found(tx.segment(ctx.caller.tenant, ctx.param("sandbox"), ctx.param("segment")), "segment");
}

Template existing_template(Tx& tx, const Context& ctx) {
    return or_not_found(tx.template_(ctx.caller.tenant, ctx.param("sandbox"), ctx.param("template")), "template");
}

std::optional<std::string> read_subject(Fields& f, Channel channel) {
    auto subject = f.optional_nullable_string("subject", 998);
    if (!subject || !*subject) return std::nullopt;
    if (channel != Channel::email) throw Error::invalid_field("subject", "only email templates have a subject");
    return *subject;
}

}  // namespace

bool include_archived(const Context& ctx) {
    const auto value = ctx.query("include_archived");
    if (!value || *value == "false") return false;
    if (*value == "true") return true;
    throw Error(ErrorKind::bad_request, "invalid_query", "include_archived must be true or false",
                {{"parameter", "include_archived"}});
}

http::Response list_segments(Context& ctx) {
    const auto q = ctx.query("q").value_or("");
    const bool archived = include_archived(ctx);
    json::array items;
    ctx.store().read([&](Tx& tx) {
        path_sandbox(tx, ctx);
        for (const Segment& s : tx.segments(ctx.caller.tenant, ctx.param("sandbox"), archived))
            if (contains_ci(s.name, q)) items.push_back(to_json(s));
    });
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response create_segment(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    Segment s;
    const auto key = f.optional_string("key", 64);
    s.name = f.required_string("name", 200);
    s.description = f.optional_text("description", 2000).value_or("");
    s.rule = read_rule(f.optional_value("rule"));
    f.finish();
    if (s.name.empty()) throw Error::invalid_field("name", "name must be 1 to 200 characters");
    s.tenant = ctx.caller.tenant;
    s.sandbox = std::string(ctx.param("sandbox"));
    s.id = new_object_id("seg_");
    s.created_at = s.updated_at = ctx.now();
    s.created_by = s.updated_by = ctx.actor();
    ctx.store().write([&](Tx& tx) {
        path_sandbox(tx, ctx);
        s.key =
            choose_key(key, s.name, [&](std::string_view k) { return tx.segment_key_exists(s.tenant, s.sandbox, k); });
        tx.insert_segment(s);
        append_audit(tx, ctx.audit(s.tenant, "segment.create", s.sandbox + "/segments/" + s.id, {{"key", s.key}}));
    });
    return versioned_response(201, s);
}

http::Response get_segment(Context& ctx) {
    return versioned_response(200, ctx.store().read([&](Tx& tx) { return existing_segment(tx, ctx); }));
}

http::Response update_segment(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    const auto key = f.optional_string("key", 64);
    const auto name = f.optional_string("name", 200);
    const auto description = f.optional_text("description", 2000);
    const json::value* rule = f.optional_value("rule");
    f.finish();
    if (name && name->empty()) throw Error::invalid_field("name", "name must be 1 to 200 characters");
    const Segment updated = ctx.store().write([&](Tx& tx) {
        Segment s = existing_segment(tx, ctx);
        ctx.require_if_match(etag(s.created_at, s.revision));
        reject_key_change(key, s);
        refuse_if_archived(s, "segment");
        if (name) s.name = *name;
        if (description) s.description = *description;
        if (rule) s.rule = read_rule(rule);
        s.updated_at = ctx.now();
        s.updated_by = ctx.actor();
        ++s.revision;
        tx.update_segment(s);
        append_audit(tx, ctx.audit(s.tenant, "segment.update", s.sandbox + "/segments/" + s.id));
        workflows::void_changed_package_reviews(tx, ctx.acting(ctx.now()), s.sandbox);
        return s;
    });
    return versioned_response(200, updated);
}

http::Response segment_action(Context& ctx) {
    const std::string action(ctx.param("action"));
    if (action != "archive" && action != "unarchive") throw Error::not_found("segment action " + action);
    json::array archived_campaigns;
    const Segment result = ctx.store().write([&](Tx& tx) {
        Segment s = existing_segment(tx, ctx);
        if (s.archived == (action == "archive"))
            throw Error::conflict("invalid_transition",
                                  "segment is already " + std::string(s.archived ? "archived" : "active"),
                                  {{"archived", s.archived}});
        const Timestamp now = ctx.now();
        s.archived = action == "archive";
        s.updated_at = now;
        s.updated_by = ctx.actor();
        ++s.revision;
        tx.update_segment(s);
        if (s.archived)
            // Every campaign using the segment is archived with it, drafts included, in this transaction.
            for (const std::string& id : workflows::archive_with_segment(tx, ctx.acting(now), s))
                archived_campaigns.emplace_back(id);
        append_audit(tx, ctx.audit(s.tenant, "segment." + action, s.sandbox + "/segments/" + s.id,
                                   {{"archived_campaigns", archived_campaigns}}));
        workflows::void_changed_package_reviews(tx, ctx.acting(now), s.sandbox);
        return s;
    });
    json::object out{{"segment", to_json(result)}};
    if (action == "archive") out["archived_campaigns"] = std::move(archived_campaigns);
    http::Response res = json_response(200, out);
    res.set_header("ETag", etag(result.created_at, result.revision));
    return res;
}

http::Response list_templates(Context& ctx) {
    const auto q = ctx.query("q").value_or("");
    const bool archived = include_archived(ctx);
    json::array items;
    ctx.store().read([&](Tx& tx) {
        path_sandbox(tx, ctx);
        for (const Template& t : tx.templates(ctx.caller.tenant, ctx.param("sandbox"), archived))
            if (contains_ci(t.name, q)) items.push_back(to_json(t));
    });
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response create_template(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    Template t;
    const auto key = f.optional_string("key", 64);
    t.name = f.required_string("name", 200);
    const auto channel = parse_channel(f.required_string("channel", 16));
    if (!channel) throw Error::invalid_field("channel", "channel must be one of email, sms, push, in_app, webhook");
    t.channel = *channel;
    t.subject = read_subject(f, t.channel);
    t.body = f.required_text("body", max_template_body);
    f.finish();
    if (t.name.empty()) throw Error::invalid_field("name", "name must be 1 to 200 characters");
    if (t.body.empty()) throw Error::invalid_field("body", "body must not be empty");
    if (t.channel == Channel::email && !t.subject)
        throw Error::invalid_field("subject", "email templates need a subject");
    t.tenant = ctx.caller.tenant;
    t.sandbox = std::string(ctx.param("sandbox"));
    t.id = new_object_id("tpl_");
    t.created_at = t.updated_at = ctx.now();
    t.created_by = t.updated_by = ctx.actor();
    ctx.store().write([&](Tx& tx) {
        path_sandbox(tx, ctx);
        t.key =
            choose_key(key, t.name, [&](std::string_view k) { return tx.template_key_exists(t.tenant, t.sandbox, k); });
        tx.insert_template(t);
        append_audit(tx, ctx.audit(t.tenant, "template.create", t.sandbox + "/templates/" + t.id, {{"key", t.key}}));
    });
    return versioned_response(201, t);
}

http::Response get_template(Context& ctx) {
    return versioned_response(200, ctx.store().read([&](Tx& tx) { return existing_template(tx, ctx); }));
}

http::Response update_template(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    const auto key = f.optional_string("key", 64);
    const auto name = f.optional_string("name", 200);
    const auto channel = f.optional_string("channel", 16);
    const json::value* subject = f.optional_value("subject");
    const auto body_text = f.optional_text("body", max_template_body);
    f.finish();
    if (name && name->empty()) throw Error::invalid_field("name", "name must be 1 to 200 characters");
    if (body_text && body_text->empty()) throw Error::invalid_field("body", "body must not be empty");
    const Template updated = ctx.store().write([&](Tx& tx) {
        Template t = existing_template(tx, ctx);
        ctx.require_if_match(etag(t.created_at, t.revision));
        reject_key_change(key, t);
        if (channel && *channel != to_string(t.channel))
            throw Error::invalid_field("channel", "channel cannot be changed: campaigns use the template for it");
        refuse_if_archived(t, "template");
        if (name) t.name = *name;
        if (body_text) t.body = *body_text;
        if (subject) {
            // Fields keeps a reference to the object it reads: the object must outlive it.
            const json::object holder{{"subject", *subject}};
            Fields s(holder);
            t.subject = read_subject(s, t.channel);
            if (t.channel == Channel::email && !t.subject)
                throw Error::invalid_field("subject", "email templates need a subject");
        }
        t.updated_at = ctx.now();
        t.updated_by = ctx.actor();
        ++t.revision;
        tx.update_template(t);
        append_audit(tx, ctx.audit(t.tenant, "template.update", t.sandbox + "/templates/" + t.id));
        workflows::void_changed_package_reviews(tx, ctx.acting(ctx.now()), t.sandbox);
        return t;
    });
    return versioned_response(200, updated);
}

http::Response template_action(Context& ctx) {
    const std::string action(ctx.param("action"));
    if (action != "archive" && action != "unarchive") throw Error::not_found("template action " + action);
    const Template result = ctx.store().write([&](Tx& tx) {
        Template t = existing_template(tx, ctx);
        if (t.archived == (action == "archive"))
            throw Error::conflict("invalid_transition",
                                  "template is already " + std::string(t.archived ? "archived" : "active"),
                                  {{"archived", t.archived}});
        t.archived = action == "archive";
        t.updated_at = ctx.now();
        t.updated_by = ctx.actor();
        ++t.revision;
        tx.update_template(t);
        append_audit(tx, ctx.audit(t.tenant, "template." + action, t.sandbox + "/templates/" + t.id));
        workflows::void_changed_package_reviews(tx, ctx.acting(ctx.now()), t.sandbox);
        return t;
    });
    http::Response res = json_response(200, json::object{{"template", to_json(result)}});
    res.set_header("ETag", etag(result.created_at, result.revision));
    return res;
}

}  // namespace ferry::api
