// `ferry in-app-priority get|set`: the exact order of a sandbox's live in-app campaigns
// (docs/campaigns.md, In-app message priority). Setting it takes effect at once and is not
// reviewed; the level of each campaign is content, changed with `ferry campaigns edit`.

#include "context.hpp"

#include <boost/json/serialize.hpp>

#include <iostream>
#include <memory>

namespace ferry::cli {

namespace json = boost::json;

namespace {

struct PriorityArgs {
    std::string sandbox;
    std::vector<std::string> ids;
    std::string if_match;
};

Colour level_colour(const std::string& level) {
    if (level == "high") return Colour::bold;
    if (level == "low") return Colour::dim;
    return Colour::none;
}

// The order for people: one line per campaign, in the order they win.
void print_order(const Context& ctx, const json::value& body, const std::string& etag) {
    const json::array items = items_of(body);
    if (items.empty()) {
        std::cout << "no live in-app campaign in sandbox " << text_of(body, "sandbox") << "\n";
        return;
    }
    std::vector<std::string> headers{"RANK", "LEVEL", "ID", "KEY", "NAME", "STATUS", "DRAFT"};
    Table table(headers);
    for (const auto& item : items) {
        // DRAFT: the level a pending draft version would bring, "-" without one.
        std::string draft = "-";
        if (const auto* d = item.as_object().if_contains("has_draft_version"); d && d->is_bool() && d->as_bool())
            draft = "yes (" + text_of(item, "draft_level") + ")";
        table.add({text_of(item, "rank"), text_of(item, "level"), text_of(item, "id"), text_of(item, "key"),
                   text_of(item, "name"), text_of(item, "status"), draft});
        table.colour_last(1, level_colour(text_of(item, "level")));
    }
    table.print(std::cout, ctx.out_style());
    if (ctx.wide() && !etag.empty()) std::cout << "etag: " << etag << "\n";
}

int get_order(Context& ctx, const PriorityArgs& a) {
    const Response r = ctx.expect_ok(ctx.get(ctx.sandbox_path(a.sandbox, "/in-app-priority")));
    if (ctx.print_json(r)) return 0;
    print_order(ctx, r.json(), r.header("etag"));
    return 0;
}

int set_order(Context& ctx, const PriorityArgs& a) {
    const std::string path = ctx.sandbox_path(a.sandbox, "/in-app-priority");
    // The order read just before, unless the script says which one its list is based on.
    const std::string etag = a.if_match.empty() ? ctx.expect_ok(ctx.get(path)).header("etag") : a.if_match;
    json::array ids;
    for (const auto& id : a.ids) ids.emplace_back(id);
    const Response r =
        ctx.send({"PUT", path, json::serialize(json::object{{"campaigns", std::move(ids)}}), {{"If-Match", etag}}});
    if (r.status == 412) {
        ctx.print_error_body(r);
        throw Failure(ExitCode::error,
                      "the in-app order of sandbox " + ctx.sandbox(a.sandbox) +
                          " changed since it was read (a campaign went live, left, or someone reordered it); "
                          "read it again with 'ferry in-app-priority get'" +
                          request_id_suffix(ctx));
    }
    ctx.expect_ok(r);
    if (ctx.print_json(r)) return 0;
    print_order(ctx, r.json(), r.header("etag"));
    return 0;
}

}  // namespace

void add_in_app_priority_commands(CLI::App& root, Commands& commands) {
    CLI::App* group = commands.group(
        root, "in-app-priority",
        "the exact order of a sandbox's live in-app campaigns: level (content) first, then rank (set at once)");

    auto get = std::make_shared<PriorityArgs>();
    CLI::App* g = commands.leaf(*group, "get", "the live in-app campaigns in the order they win, with level and rank",
                                [get](Context& ctx) { return get_order(ctx, *get); });
    add_sandbox_option(g, get->sandbox);

    auto set = std::make_shared<PriorityArgs>();
    CLI::App* s = commands.leaf(
        *group, "set",
        "set the exact order: every live in-app campaign, once, in the order they should win (high first, then "
        "medium, then low); applies at once, draft version or not",
        [set](Context& ctx) { return set_order(ctx, *set); });
    s->add_option("ids", set->ids, "campaign ids, first wins")->required();
    add_sandbox_option(s, set->sandbox);
    s->add_option("--if-match", set->if_match,
                  "for scripts: the order's ETag the list is based on (as 'get -o wide' shows it); default: the "
                  "current one, read just before");
}

}  // namespace ferry::cli
