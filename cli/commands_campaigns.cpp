// Campaigns in a sandbox: list, show, create, edit (the ETag round trip done for the user),
// delete, every lifecycle action, and the draft version of a live campaign.

#include "context.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <iostream>
#include <memory>

namespace ferry::cli {

namespace json = boost::json;

namespace {

struct CampaignArgs {
    std::string sandbox;
    std::string id;
    std::string file;
    std::string if_match;
    std::vector<std::string> sets;
    std::string package;
    std::string bypass_reason;
};

// The largest page the campaign list serves; ferry reads page after page.
constexpr int campaign_page_max = 200;

struct ListArgs {
    std::string sandbox;
    std::vector<std::string> statuses;
    std::string tag;
    std::string query;
    std::string type;
    std::string channel;
    Paging paging;
};

// The lifecycle actions of docs/campaigns.md, each `POST .../campaigns/{id}/actions/{action}`.
struct Action {
    const char* name;
    const char* description;
};
constexpr Action lifecycle_actions[] = {
    {"submit", "put a draft in review (where an approval is required)"},
    {"withdraw", "take a campaign out of review, back to draft"},
    {"activate", "make a draft live (where no approval is required)"},
    {"pause", "pause an active campaign"},
    {"resume", "resume a paused campaign"},
    {"stop", "stop a live campaign for good"},
    {"close", "close an orchestrated recurring campaign to new entrants"},
    {"archive", "archive a campaign"},
    {"unarchive", "bring an archived campaign back (paused, or draft)"},
    {"duplicate", "copy the campaign into a new draft"},
    {"submit-draft", "put a live campaign's draft version in review"},
    {"activate-draft", "make a live campaign's draft version the live one"},
    {"discard-draft", "drop a live campaign's draft version"},
};

Colour status_colour(const std::string& status) {
    if (status == "active" || status == "scheduled") return Colour::green;
    if (status == "in_review" || status == "paused" || status == "publishing") return Colour::yellow;
    if (status == "stopped" || status == "failed") return Colour::red;
    if (status == "archived" || status == "completed" || status == "closed") return Colour::dim;
    return Colour::none;
}

std::string campaign_path(const Context& ctx, const CampaignArgs& a, std::string_view suffix = "") {
    return ctx.sandbox_path(a.sandbox, "/campaigns/" + url_escape(a.id) + std::string(suffix));
}

void print_campaign(const Context& ctx, const json::value& c, const std::string& etag = "") {
    Fields f =
        fields_of(c, {"id", "key", "name", "type", "status", "channels", "tags", "audience.segment", "live_version"});
    const json::value* draft = c.is_object() ? c.as_object().if_contains("draft_version") : nullptr;
    f.emplace_back("draft_version", draft == nullptr || draft->is_null() ? "none" : "yes (ferry campaigns draft get)");
    for (auto& field : fields_of(c, {"allowed_actions", "updated_at", "updated_by"})) f.push_back(std::move(field));
    // Every alert, the delivery engine's and ferry's own, one line each: "type: message (at)".
    const json::value* alerts = c.is_object() ? c.as_object().if_contains("alerts") : nullptr;
    if (alerts == nullptr || !alerts->is_array() || alerts->as_array().empty()) {
        f.emplace_back("alerts", "none");
    } else {
        for (const auto& a : alerts->as_array())
            f.emplace_back("alert", text_of(a, "type") + ": " + text_of(a, "message") + " (" + text_of(a, "at") + ")");
    }
    if (!etag.empty()) f.emplace_back("etag", etag);
    for (auto& [name, value] : f)
        if (name == "status") value = ctx.out_style().paint(value, status_colour(value));
    print_fields(std::cout, f, ctx.out_style());
}

// A --set value: text where the field holds text now (so `name=2026` stays a name), otherwise
// JSON when it parses (`audience=null`, `schedule={...}`), a comma-separated list where the field
// is a list (`tags=summer,promo`), and text for anything else.
json::value value_for(const std::string& raw, const json::value* current) {
    if (current != nullptr && current->is_string()) return json::value(raw);
    boost::system::error_code ec;
    json::value parsed = json::parse(raw, ec);
    if (!ec) return parsed;
    if (current != nullptr && current->is_array()) {
        json::array items;
        std::size_t start = 0;
        while (start <= raw.size()) {
            const auto comma = raw.find(',', start);
            const std::string item = raw.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
            if (!item.empty()) items.emplace_back(item);
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
        return items;
    }
    return json::value(raw);
}

// One --set: a field path (content.email.subject) and the text given for it.
struct Assignment {
    std::vector<std::string> path;
    std::string value;
};

Assignment parse_assignment(const std::string& text) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0)
        throw UsageError("--set takes FIELD=VALUE (e.g. name='Spring sale' or content.email.subject=Hi), not '" + text +
                         "'");
    Assignment a{{}, text.substr(eq + 1)};
    const std::string field = text.substr(0, eq);
    for (std::size_t start = 0;;) {
        const auto dot = field.find('.', start);
        a.path.push_back(field.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (a.path.back().empty()) throw UsageError("'" + field + "' is not a field path");
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return a;
}

// Applies one assignment to the patch. PATCH replaces top-level fields whole, so a nested field
// sends its top-level field as it is now, with the one change.
void apply(json::object& patch, const json::value& campaign, const Assignment& assignment) {
    const auto& path = assignment.path;
    const json::value* current = campaign.as_object().if_contains(path[0]);
    json::value* at = &patch[path[0]];
    if (path.size() > 1 && at->is_null()) *at = current != nullptr && current->is_object() ? *current : json::object();
    for (std::size_t i = 1; i < path.size(); ++i) {
        if (!at->is_object()) *at = json::object();
        at = &at->as_object()[path[i]];
        current = current != nullptr && current->is_object() ? current->as_object().if_contains(path[i]) : nullptr;
    }
    *at = value_for(assignment.value, current);
}

int edit(Context& ctx, const CampaignArgs& a) {
    if (a.sets.empty() == a.file.empty()) throw UsageError("give either --set FIELD=VALUE (repeatable) or --file F");
    std::vector<Assignment> assignments;
    for (const auto& text : a.sets) assignments.push_back(parse_assignment(text));
    const std::string path = campaign_path(ctx, a);
    json::object patch;
    std::string etag = a.if_match;
    if (!assignments.empty()) {
        // The read gives both the ETag to send back and the current values nested --set needs.
        const Response current = ctx.expect_ok(ctx.get(path));
        if (etag.empty()) etag = current.header("etag");
        const json::value campaign = current.json();
        for (const auto& assignment : assignments) apply(patch, campaign, assignment);
    } else {
        patch = read_json_object(a.file);
        if (etag.empty()) etag = ctx.expect_ok(ctx.get(path)).header("etag");
    }

    const Response r = ctx.send({"PATCH", path, json::serialize(patch), {{"If-Match", etag}}});
    if (r.status == 412) {
        ctx.print_error_body(r);
        // The id of the refused write, not of the read below that names who changed it.
        const std::string id = request_id_suffix(ctx);
        std::string name = a.id;
        std::string by = "someone else";
        if (const Response now = ctx.get(path); now.ok()) {
            name = text_of(now.json(), "key");
            by = text_of(now.json(), "updated_by");
        }
        throw Failure(ExitCode::error, "campaign " + name + " changed since you read it (by " + by +
                                           "); re-run to edit the new version" + id);
    }
    ctx.expect_ok(r);
    if (ctx.print_json(r)) return 0;
    print_campaign(ctx, r.json(), r.header("etag"));
    return 0;
}

int run_action(Context& ctx, const CampaignArgs& a, const std::string& action) {
    json::object body;
    if (action == "add-to-package") body["package"] = a.package;
    if (!a.bypass_reason.empty()) body["bypass_reason"] = a.bypass_reason;
    Request request{"POST", campaign_path(ctx, a, "/actions/" + action), json::serialize(body), {}};
    if (!a.if_match.empty()) request.headers.emplace_back("If-Match", a.if_match);
    const Response r = ctx.expect_ok(ctx.send(request));
    if (ctx.print_json(r)) return 0;
    const json::value result = r.json();
    if (action == "add-to-package") {
        std::cout << "added to package " << text_of(result, "name") << "; it now holds "
                  << result.at("campaigns").as_array().size() << " campaign(s)\n";
    } else if (action == "duplicate") {
        std::cout << "duplicated as " << text_of(result, "key") << " (" << text_of(result, "id") << "), a draft\n";
    } else {
        print_campaign(ctx, result);
    }
    return 0;
}

void add_list_and_show(CLI::App& campaigns, Commands& commands) {
    auto list = std::make_shared<ListArgs>();
    CLI::App* ls = commands.leaf(campaigns, "ls", "list campaigns, last modified first", [list](Context& ctx) {
        std::string statuses;
        for (const auto& s : list->statuses) statuses += (statuses.empty() ? "" : ",") + s;
        const std::string target =
            with_query(ctx.sandbox_path(list->sandbox, "/campaigns"), {{"status", statuses},
                                                                       {"tag", list->tag},
                                                                       {"q", list->query},
                                                                       {"type", list->type},
                                                                       {"channel", list->channel}});
        const json::value body = ctx.list(target, list->paging, campaign_page_max);
        if (ctx.print_json(body)) return 0;
        // MARKS: '!' the campaign has alerts, 'D' it has a draft version (the console's two icons).
        std::vector<std::string> headers{"ID", "KEY", "NAME", "STATUS", "MARKS", "TYPE", "CHANNELS", "UPDATED"};
        if (ctx.wide()) headers.insert(headers.end(), {"TAGS", "SEGMENT", "START", "END", "UPDATED BY", "LIVE"});
        Table table(headers);
        for (const auto& c : items_of(body)) {
            std::string marks;
            if (const auto* a = c.as_object().if_contains("alerts"); a && a->is_array() && !a->as_array().empty())
                marks += '!';
            if (const auto* d = c.as_object().if_contains("has_draft_version"); d && d->is_bool() && d->as_bool())
                marks += 'D';
            std::vector<std::string> row{text_of(c, "id"),       text_of(c, "key"),           text_of(c, "name"),
                                         text_of(c, "status"),   marks.empty() ? "-" : marks, text_of(c, "type"),
                                         text_of(c, "channels"), text_of(c, "updated_at")};
            if (ctx.wide())
                row.insert(row.end(),
                           {text_of(c, "tags"), text_of(c, "audience.segment"), text_of(c, "schedule.start"),
                            text_of(c, "schedule.end"), text_of(c, "updated_by"), text_of(c, "live_version")});
            table.add(std::move(row));
            table.colour_last(3, status_colour(text_of(c, "status")));
        }
        table.print(std::cout, ctx.out_style());
        if (const std::string next = text_of(body, "next_cursor"); next != "-")
            std::cerr << items_of(body).size() << " of " << text_of(body, "total") << " shown; the rest: --cursor "
                      << next << "\n";
        return 0;
    });
    add_sandbox_option(ls, list->sandbox);
    ls->add_option("--status", list->statuses,
                   "statuses, comma-separated or repeated (default all but stopped, completed and archived)")
        ->delimiter(',');
    ls->add_option("--tag", list->tag, "only campaigns with this tag");
    ls->add_option("-q,--query", list->query, "part of the name, ignoring case and accents");
    ls->add_option("--type", list->type, "only campaigns of this type");
    ls->add_option("--channel", list->channel, "only campaigns using this channel");
    add_paging_options(ls, list->paging, true);

    auto get = std::make_shared<CampaignArgs>();
    CLI::App* g = commands.leaf(campaigns, "get", "show one campaign", [get](Context& ctx) {
        const Response r = ctx.expect_ok(ctx.get(campaign_path(ctx, *get)));
        if (ctx.print_json(r)) return 0;
        print_campaign(ctx, r.json(), r.header("etag"));
        return 0;
    });
    g->add_option("id", get->id, "campaign id")->required();
    add_sandbox_option(g, get->sandbox);

    auto create = std::make_shared<CampaignArgs>();
    CLI::App* c = commands.leaf(
        campaigns, "create", "create a draft campaign from a JSON file (docs/campaigns.md)", [create](Context& ctx) {
            const Response r = ctx.expect_ok(
                ctx.post(ctx.sandbox_path(create->sandbox, "/campaigns"), read_json_object(create->file)));
            if (ctx.print_json(r)) return 0;
            print_campaign(ctx, r.json());
            return 0;
        });
    add_sandbox_option(c, create->sandbox);
    c->add_option("-f,--file", create->file, "the campaign as JSON ('-': stdin)")->required();
}

void add_edit_and_delete(CLI::App& campaigns, Commands& commands) {
    auto args = std::make_shared<CampaignArgs>();
    CLI::App* e = commands.leaf(campaigns, "edit",
                                "change a campaign: reads it, applies the change, and sends it back with its ETag; "
                                "exit 1 if someone changed it in between",
                                [args](Context& ctx) { return edit(ctx, *args); });
    e->add_option("id", args->id, "campaign id")->required();
    add_sandbox_option(e, args->sandbox);
    CLI::Option* set =
        e->add_option("--set", args->sets,
                      "FIELD=VALUE, repeatable; FIELD may be nested (content.email.subject); VALUE is text, "
                      "or JSON for non-text fields (tags=a,b also works)");
    CLI::Option* file = e->add_option("-f,--file", args->file, "a JSON patch of top-level fields ('-': stdin)");
    set->excludes(file);
    e->add_option("--if-match", args->if_match,
                  "for scripts: the ETag the change is based on, as 'ferry campaigns get' shows it; "
                  "default: the current one (read just before the change)");

    auto del = std::make_shared<CampaignArgs>();
    CLI::App* d = commands.leaf(campaigns, "delete", "delete a draft that was never activated", [del](Context& ctx) {
        const std::string path = campaign_path(ctx, *del);
        const std::string etag = del->if_match.empty() ? ctx.expect_ok(ctx.get(path)).header("etag") : del->if_match;
        const Response r = ctx.expect_ok(ctx.del(path, etag));
        if (ctx.print_json(r)) return 0;
        std::cout << "campaign " << del->id << " deleted\n";
        return 0;
    });
    d->add_option("id", del->id, "campaign id")->required();
    add_sandbox_option(d, del->sandbox);
    d->add_option("--if-match", del->if_match, "the ETag the deletion is based on (default: the current one)");
}

void add_actions(CLI::App& campaigns, Commands& commands) {
    for (const Action& action : lifecycle_actions) {
        auto args = std::make_shared<CampaignArgs>();
        const std::string name = action.name;
        CLI::App* a = commands.leaf(campaigns, name, action.description,
                                    [args, name](Context& ctx) { return run_action(ctx, *args, name); });
        a->add_option("id", args->id, "campaign id")->required();
        add_sandbox_option(a, args->sandbox);
        a->add_option("--if-match", args->if_match, "refuse (412) unless the campaign still has this ETag");
        if (name == "activate" || name == "activate-draft")
            a->add_option(
                "--bypass-reason", args->bypass_reason,
                "break-glass: go live without the approvals a policy requires (needs bypass_approval; audited)");
    }
    auto add = std::make_shared<CampaignArgs>();
    CLI::App* a = commands.leaf(campaigns, "add-to-package", "add the campaign to a partial package of its sandbox",
                                [add](Context& ctx) { return run_action(ctx, *add, "add-to-package"); });
    a->add_option("id", add->id, "campaign id")->required();
    add_sandbox_option(a, add->sandbox);
    a->add_option("-p,--package", add->package, "package name")->required();
}

void add_draft(CLI::App& campaigns, Commands& commands) {
    CLI::App* draft =
        commands.group(campaigns, "draft", "the draft version of a live campaign (scheduled, active, paused)");

    auto get = std::make_shared<CampaignArgs>();
    CLI::App* g = commands.leaf(*draft, "get", "show the draft version", [get](Context& ctx) {
        const Response r = ctx.expect_ok(ctx.get(campaign_path(ctx, *get, "/draft")));
        if (ctx.print_json(r)) return 0;
        std::cout << pretty_json(r.json()) << "\n";
        return 0;
    });
    g->add_option("id", get->id, "campaign id")->required();
    add_sandbox_option(g, get->sandbox);

    auto put = std::make_shared<CampaignArgs>();
    CLI::App* p = commands.leaf(
        *draft, "put", "create or replace the draft version from a full spec in a JSON file", [put](Context& ctx) {
            Request request{
                "PUT", campaign_path(ctx, *put, "/draft"), json::serialize(read_json_object(put->file)), {}};
            if (!put->if_match.empty()) request.headers.emplace_back("If-Match", put->if_match);
            const Response r = ctx.expect_ok(ctx.send(request));
            if (ctx.print_json(r)) return 0;
            std::cout << "draft version of " << put->id << " saved\n";
            return 0;
        });
    p->add_option("id", put->id, "campaign id")->required();
    add_sandbox_option(p, put->sandbox);
    p->add_option("-f,--file", put->file,
                  "name, description, channels, schedule, audience, content as JSON ('-': stdin)")
        ->required();
    p->add_option("--if-match", put->if_match, "refuse (412) unless the campaign still has this ETag");

    auto discard = std::make_shared<CampaignArgs>();
    CLI::App* d = commands.leaf(*draft, "discard", "drop the draft version", [discard](Context& ctx) {
        const Response r = ctx.expect_ok(ctx.del(campaign_path(ctx, *discard, "/draft")));
        if (ctx.print_json(r)) return 0;
        std::cout << "draft version of " << discard->id << " discarded\n";
        return 0;
    });
    d->add_option("id", discard->id, "campaign id")->required();
    add_sandbox_option(d, discard->sandbox);
}

}  // namespace

void add_campaign_commands(CLI::App& root, Commands& commands) {
    CLI::App* campaigns = commands.group(root, "campaigns", "campaigns of a sandbox and their lifecycle");
    add_list_and_show(*campaigns, commands);
    add_edit_and_delete(*campaigns, commands);
    add_actions(*campaigns, commands);
    add_draft(*campaigns, commands);
}

}  // namespace ferry::cli
