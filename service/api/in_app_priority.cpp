// In-app message priority of a sandbox: the live in-app campaigns in the order they win, and
// setting that exact order (docs/campaigns.md, In-app message priority).

#include "workflows/in_app_priority.hpp"

#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/sandbox_objects.hpp"

namespace ferry::api {

namespace json = boost::json;

namespace {

// The most campaigns one order may list; far more than one screen's competition.
constexpr std::size_t max_ordered = 10000;

http::Response order_response(const Sandbox& sandbox, const workflows::InAppOrder& order) {
    json::array items;
    std::int64_t rank = 0;
    for (const InAppEntry& e : order.entries) {
        const Campaign& c = e.campaign;
        json::value draft_level = nullptr;
        if (c.draft)
            if (const auto level = in_app_level(c.draft->spec)) draft_level = json::value(to_string(*level));
        items.push_back(json::object{{"id", c.id},
                                     {"key", c.key},
                                     {"name", c.spec.name},
                                     {"status", to_string(c.status)},
                                     {"level", to_string(*in_app_order_level(c))},
                                     {"rank", ++rank},
                                     {"has_draft_version", c.draft.has_value()},
                                     {"draft_level", std::move(draft_level)}});
    }
    http::Response res = json_response(200, json::object{{"sandbox", sandbox.id}, {"items", std::move(items)}});
    res.set_header("ETag", order.etag);
    return res;
}

}  // namespace

http::Response get_in_app_priority(Context& ctx) {
    const auto [sandbox, order] = ctx.store().read([&](Tx& tx) {
        const Sandbox s = path_sandbox(tx, ctx);
        return std::pair{s, workflows::read_in_app_order(tx, s)};
    });
    return order_response(sandbox, order);
}

http::Response put_in_app_priority(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    const json::array& listed = f.required_array("campaigns");
    f.finish();
    if (listed.size() > max_ordered)
        throw Error::invalid_field("campaigns", "campaigns may list at most " + std::to_string(max_ordered) + " ids");
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < listed.size(); ++i) {
        const std::string at = "campaigns[" + std::to_string(i) + "]";
        if (!listed[i].is_string() || listed[i].get_string().empty() || listed[i].get_string().size() > 64)
            throw Error::invalid_field(at, at + " must be a campaign id");
        ids.emplace_back(listed[i].get_string());
    }
    const workflows::Actor actor = ctx.acting(ctx.now());
    const auto [sandbox, order] = ctx.store().write([&](Tx& tx) {
        const Sandbox s = path_sandbox(tx, ctx);
        ctx.require_if_match(workflows::read_in_app_order(tx, s).etag);
        return std::pair{s, workflows::set_in_app_order(tx, actor, s, ids)};
    });
    return order_response(sandbox, order);
}

}  // namespace ferry::api
