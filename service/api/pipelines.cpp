// Promotion pipelines, promotions, freeze windows and the environment matrix (docs/pipelines.md).
// The use cases are workflows/pipelines and workflows/promotions; these handlers decode, call one
// and encode.

#include "workflows/pipelines.hpp"

#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/wire.hpp"
#include "pipelines/json.hpp"
#include "workflows/promotions.hpp"

#include <algorithm>

namespace ferry::api {

namespace json = boost::json;
using pipelines::Pipeline;
using pipelines::Promotion;

namespace {

Pipeline existing_pipeline(Tx& tx, const Context& ctx) {
    return or_not_found(tx.pipeline(ctx.caller.tenant, ctx.param("pipeline")), "pipeline");
}

http::Response pipeline_response(int status, const Pipeline& p) {
    http::Response res = json_response(status, pipelines::to_json(p));
    res.set_header("ETag", etag(p.created_at, p.revision));
    return res;
}

workflows::PromotionServices promotion_services(Context& ctx) {
    return workflows::PromotionServices{ctx.store(), *ctx.services.git, ctx.services.crash_hook};
}

}  // namespace

http::Response list_pipelines(Context& ctx) {
    json::array items;
    for (const auto& p : ctx.store().read([&](Tx& tx) { return tx.pipelines(ctx.caller.tenant); }))
        items.push_back(pipelines::to_json(p));
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response create_pipeline(Context& ctx) {
    const json::object body = ctx.body();
    const workflows::Actor actor = ctx.acting(ctx.now());
    return pipeline_response(201,
                             ctx.store().write([&](Tx& tx) { return workflows::create_pipeline(tx, actor, body); }));
}

http::Response get_pipeline(Context& ctx) {
    return pipeline_response(200, ctx.store().read([&](Tx& tx) { return existing_pipeline(tx, ctx); }));
}

http::Response update_pipeline(Context& ctx) {
    const json::object body = ctx.body();
    const workflows::Actor actor = ctx.acting(ctx.now());
    return pipeline_response(200, ctx.store().write([&](Tx& tx) {
        Pipeline p = existing_pipeline(tx, ctx);
        ctx.require_if_match(etag(p.created_at, p.revision));
        return workflows::edit_pipeline(tx, actor, std::move(p), body);
    }));
}

http::Response delete_pipeline(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    ctx.store().write([&](Tx& tx) {
        const Pipeline p = existing_pipeline(tx, ctx);
        ctx.require_if_match(etag(p.created_at, p.revision));
        workflows::delete_pipeline(tx, actor, p);
    });
    return no_content();
}

http::Response get_pipeline_matrix(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    return json_response(200, ctx.store().read([&](Tx& tx) {
        return workflows::environment_matrix(tx, actor, existing_pipeline(tx, ctx));
    }));
}

http::Response create_promotion(Context& ctx) {
    const json::object body = ctx.body();
    const workflows::Actor actor = ctx.acting(ctx.now());
    const Promotion p = workflows::promote(promotion_services(ctx), actor, std::string(ctx.param("sandbox")), body);
    return json_response(201, pipelines::to_json(p));
}

http::Response list_promotions(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    const auto pipeline = ctx.query("pipeline");
    const auto package = ctx.query("package");
    const auto status = ctx.query("status");
    if (status && !pipelines::parse_promotion_status(*status))
        throw Error(ErrorKind::bad_request, "invalid_query",
                    "status is planned, scheduled, waiting, applied, live, failed or cancelled",
                    {{"parameter", "status"}});
    std::size_t limit = 100;
    if (const auto l = ctx.query("limit")) {
        const bool digits = !l->empty() && l->size() <= 4 && std::all_of(l->begin(), l->end(), ::isdigit);
        if (!digits || std::stoul(*l) < 1 || std::stoul(*l) > 1000)
            throw Error(ErrorKind::bad_request, "invalid_query", "limit is 1 to 1000", {{"parameter", "limit"}});
        limit = std::stoul(*l);
    }
    json::array items;
    for (const auto& p : ctx.store().read([&](Tx& tx) { return tx.promotions(ctx.caller.tenant, 1000); })) {
        if (!actor.sees(p.stage)) continue;
        if ((pipeline && p.pipeline != *pipeline) || (package && p.package != *package) ||
            (status && to_string(p.status) != *status))
            continue;
        items.push_back(pipelines::to_json(p));
        if (items.size() == limit) break;
    }
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response get_promotion(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    return json_response(200, pipelines::to_json(ctx.store().read([&](Tx& tx) {
                             return workflows::visible_promotion(tx, actor, std::string(ctx.param("promotion")));
                         })));
}

namespace {

// Retrying or cancelling needs what promoting needs: the import permission on the stage.
void require_import_permission(Context& ctx, const std::string& stage) {
    if (authorize(ctx.caller, Permission::sandbox_import, ctx.caller.tenant, stage) != Decision::allow)
        throw Error(ErrorKind::forbidden, "forbidden", "this needs the importer or admin role on " + stage);
}

}  // namespace

http::Response retry_promotion(Context& ctx) {
    const json::object body = ctx.body();
    const workflows::Actor actor = ctx.acting(ctx.now());
    const std::string id(ctx.param("promotion"));
    require_import_permission(
        ctx, ctx.store().read([&](Tx& tx) { return workflows::visible_promotion(tx, actor, id); }).stage);
    return json_response(200, pipelines::to_json(workflows::retry_promotion(promotion_services(ctx), actor, id, body)));
}

http::Response cancel_promotion(Context& ctx) {
    Fields(ctx.body()).finish();
    const workflows::Actor actor = ctx.acting(ctx.now());
    return json_response(200, pipelines::to_json(ctx.store().write([&](Tx& tx) {
                             Promotion p = workflows::visible_promotion(tx, actor, std::string(ctx.param("promotion")));
                             require_import_permission(ctx, p.stage);
                             return workflows::cancel_promotion(tx, actor, std::move(p));
                         })));
}

http::Response list_freeze_windows(Context& ctx) {
    const std::string sandbox(ctx.param("sandbox"));
    const Timestamp now = ctx.now();
    return json_response(200, ctx.store().read([&](Tx& tx) {
        or_not_found(tx.sandbox(ctx.caller.tenant, sandbox), "sandbox");
        json::array items;
        for (const auto& w : tx.freeze_windows(ctx.caller.tenant, sandbox)) items.push_back(pipelines::to_json(w));
        json::value active = nullptr;
        if (const auto f = workflows::freeze_in_force(tx, ctx.caller.tenant, sandbox, now))
            active =
                json::object{{"window", f->window}, {"reason", f->reason}, {"ends_at", format_rfc3339(f->ends_at)}};
        return json::object{{"items", std::move(items)}, {"active", std::move(active)}};
    }));
}

http::Response create_freeze_window(Context& ctx) {
    const json::object body = ctx.body();
    const std::string sandbox(ctx.param("sandbox"));
    const workflows::Actor actor = ctx.acting(ctx.now());
    return json_response(201, pipelines::to_json(ctx.store().write([&](Tx& tx) {
                             or_not_found(tx.sandbox(ctx.caller.tenant, sandbox), "sandbox");
                             return workflows::add_freeze_window(tx, actor, sandbox, body);
                         })));
}

http::Response delete_freeze_window(Context& ctx) {
    const std::string sandbox(ctx.param("sandbox"));
    const workflows::Actor actor = ctx.acting(ctx.now());
    ctx.store().write([&](Tx& tx) {
        or_not_found(tx.sandbox(ctx.caller.tenant, sandbox), "sandbox");
        workflows::remove_freeze_window(tx, actor, sandbox, std::string(ctx.param("window")));
    });
    return no_content();
}

}  // namespace ferry::api
