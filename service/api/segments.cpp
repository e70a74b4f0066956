// Segments: the audiences campaigns depend on (templates are in templates.cpp).

#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/sandbox_objects.hpp"
#include "api/wire.hpp"
#include "core/search_text.hpp"
#include "workflows/objects.hpp"

namespace ferry::api {

namespace json = boost::json;

namespace {

Segment existing_segment(Tx& tx, const Context& ctx) {
    return or_not_found(tx.segment(ctx.caller.tenant, ctx.param("sandbox"), ctx.param("segment")), "segment");
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
            if (matches_search(s.name, q)) items.push_back(to_json(s));
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
    s.rule = workflows::segment_rule(f.optional_value("rule"));
    f.finish();
    if (s.name.empty()) throw Error::invalid_field("name", "name must be 1 to 200 characters");
    s.sandbox = std::string(ctx.param("sandbox"));
    const workflows::Actor actor = ctx.acting(ctx.now());
    return versioned_response(201, ctx.store().write([&](Tx& tx) {
        path_sandbox(tx, ctx);
        return workflows::create_segment(tx, actor, s, key);
    }));
}

http::Response get_segment(Context& ctx) {
    return versioned_response(200, ctx.store().read([&](Tx& tx) { return existing_segment(tx, ctx); }));
}

http::Response update_segment(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    workflows::SegmentEdit edit;
    edit.key = f.optional_string("key", 64);
    edit.name = f.optional_string("name", 200);
    edit.description = f.optional_text("description", 2000);
    edit.rule = f.optional_value("rule");
    f.finish();
    if (edit.name && edit.name->empty()) throw Error::invalid_field("name", "name must be 1 to 200 characters");
    const workflows::Actor actor = ctx.acting(ctx.now());
    return versioned_response(200, ctx.store().write([&](Tx& tx) {
        Segment s = existing_segment(tx, ctx);
        ctx.require_if_match(etag(s.created_at, s.revision));
        return workflows::edit_segment(tx, actor, std::move(s), edit);
    }));
}

http::Response segment_action(Context& ctx) {
    const std::string action(ctx.param("action"));
    if (action != "archive" && action != "unarchive") throw Error::not_found("segment action " + action);
    const workflows::Actor actor = ctx.acting(ctx.now());
    auto result = ctx.store().write([&](Tx& tx) {
        return workflows::set_segment_archived(tx, actor, existing_segment(tx, ctx), action == "archive");
    });
    json::object out{{"segment", to_json(result.segment)}};
    if (action == "archive") out["archived_campaigns"] = std::move(result.archived_campaigns);
    http::Response res = json_response(200, out);
    res.set_header("ETag", etag(result.segment.created_at, result.segment.revision));
    return res;
}

}  // namespace ferry::api
