// Templates: the reusable content campaigns depend on.

#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/sandbox_objects.hpp"
#include "api/wire.hpp"
#include "core/search_text.hpp"
#include "workflows/objects.hpp"

namespace ferry::api {

namespace json = boost::json;

namespace {

constexpr std::size_t max_template_body = 256 * 1024;

Template existing_template(Tx& tx, const Context& ctx) {
    return or_not_found(tx.template_(ctx.caller.tenant, ctx.param("sandbox"), ctx.param("template")), "template");
}

}  // namespace

http::Response list_templates(Context& ctx) {
    const auto q = ctx.query("q").value_or("");
    const bool archived = include_archived(ctx);
    json::array items;
    ctx.store().read([&](Tx& tx) {
        path_sandbox(tx, ctx);
        for (const Template& t : tx.templates(ctx.caller.tenant, ctx.param("sandbox"), archived))
            if (matches_search(t.name, q)) items.push_back(to_json(t));
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
    t.subject = workflows::template_subject(f, t.channel);
    t.body = f.required_text("body", max_template_body);
    f.finish();
    if (t.name.empty()) throw Error::invalid_field("name", "name must be 1 to 200 characters");
    if (t.body.empty()) throw Error::invalid_field("body", "body must not be empty");
    if (t.channel == Channel::email && !t.subject)
        throw Error::invalid_field("subject", "email templates need a subject");
    t.sandbox = std::string(ctx.param("sandbox"));
    const workflows::Actor actor = ctx.acting(ctx.now());
    return versioned_response(201, ctx.store().write([&](Tx& tx) {
        path_sandbox(tx, ctx);
        return workflows::create_template(tx, actor, t, key);
    }));
}

http::Response get_template(Context& ctx) {
    return versioned_response(200, ctx.store().read([&](Tx& tx) { return existing_template(tx, ctx); }));
}

http::Response update_template(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    workflows::TemplateEdit edit;
    edit.key = f.optional_string("key", 64);
    edit.name = f.optional_string("name", 200);
    edit.channel = f.optional_string("channel", 16);
    edit.subject = f.optional_value("subject");
    edit.body = f.optional_text("body", max_template_body);
    f.finish();
    if (edit.name && edit.name->empty()) throw Error::invalid_field("name", "name must be 1 to 200 characters");
    if (edit.body && edit.body->empty()) throw Error::invalid_field("body", "body must not be empty");
    const workflows::Actor actor = ctx.acting(ctx.now());
    return versioned_response(200, ctx.store().write([&](Tx& tx) {
        Template t = existing_template(tx, ctx);
        ctx.require_if_match(etag(t.created_at, t.revision));
        return workflows::edit_template(tx, actor, std::move(t), edit);
    }));
}

http::Response template_action(Context& ctx) {
    const std::string action(ctx.param("action"));
    if (action != "archive" && action != "unarchive") throw Error::not_found("template action " + action);
    const workflows::Actor actor = ctx.acting(ctx.now());
    const Template result = ctx.store().write([&](Tx& tx) {
        return workflows::set_template_archived(tx, actor, existing_template(tx, ctx), action == "archive");
    });
    http::Response res = json_response(200, json::object{{"template", to_json(result)}});
    res.set_header("ETag", etag(result.created_at, result.revision));
    return res;
}

}  // namespace ferry::api
