// Campaigns: create, read, list, edit (directly or through the draft version of a live
// campaign), lifecycle actions, bulk actions, delivery-engine events and the calendar.

#include "api/campaign_ops.hpp"
#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/sandbox_objects.hpp"
#include "api/wire.hpp"
#include "campaigns/calendar.hpp"
#include "campaigns/lifecycle.hpp"
#include "campaigns/spec.hpp"
#include "campaigns/timing.hpp"
#include "pipelines/freeze.hpp"
#include "workflows/objects.hpp"
#include "workflows/reviews.hpp"

#include <algorithm>
#include <charconv>

namespace ferry::api {

namespace json = boost::json;

namespace {

using workflows::spec_fields;

std::int64_t read_limit(const Context& ctx) {
    const auto text = ctx.query("limit");
    if (!text) return 50;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < 1 || value > 200)
        throw Error(ErrorKind::bad_request, "invalid_query", "limit must be a whole number from 1 to 200",
                    {{"parameter", "limit"}});
    return value;
}

Error bad_query(std::string_view parameter, std::string message) {
    return Error(ErrorKind::bad_request, "invalid_query", std::move(message), {{"parameter", parameter}});
}

std::vector<std::string> split_list(std::string_view text) {
    std::vector<std::string> out;
    std::size_t pos = 0;
    while (pos <= text.size()) {
        const std::size_t end = std::min(text.find(',', pos), text.size());
        if (end > pos) out.emplace_back(text.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

// Cursors are "<updated_at ms>.<id>" of the last item returned: positions, not offsets, so rows
// inserted meanwhile cannot shift a page.
std::string encode_cursor(const Campaign& c) { return std::to_string(to_millis(c.updated_at)) + "." + c.id; }

std::pair<Timestamp, std::string> decode_cursor(const std::string& text) {
    const auto dot = text.find('.');
    std::int64_t ms = 0;
    if (dot == std::string::npos || dot + 1 >= text.size() ||
        std::from_chars(text.data(), text.data() + dot, ms).ptr != text.data() + dot)
        throw bad_query("cursor", "cursor is not one this server returned");
    return {from_millis(ms), text.substr(dot + 1)};
}

Timestamp read_time(const Context& ctx, std::string_view name) {
    const auto t = parse_rfc3339(*ctx.query(name));
    if (!t) throw bad_query(name, std::string(name) + " must be an RFC 3339 date-time");
    return *t;
}

}  // namespace

http::Response create_campaign(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    const auto key = f.optional_string("key", 64);
    const auto type = parse_campaign_type(f.required_string("type", 32));
    if (!type) throw Error::invalid_field("type", "type must be action, api_triggered or orchestrated");
    std::vector<std::string> tags;
    if (const auto* t = f.optional_value("tags"); t && !t->is_null()) tags = parse_tags(*t, "tags");
    for (const std::string_view field : spec_fields) f.optional_value(field);
    f.finish();

    Campaign c;
    c.sandbox = std::string(ctx.param("sandbox"));
    c.type = *type;
    c.tags = std::move(tags);
    const workflows::Actor actor = ctx.acting(ctx.now());
    const auto [created, sandbox] = ctx.store().write([&](Tx& tx) {
        const Sandbox s = path_sandbox(tx, ctx);
        const Campaign made = workflows::create_campaign(tx, actor, c, body, key);
        return std::pair{made, Gate(tx, made.tenant).facts(s, made, actor.at, actor.name())};
    });
    return campaign_response(201, created, sandbox);
}

http::Response get_campaign(Context& ctx) {
    const Timestamp now = ctx.now();
    const auto [c, f] = ctx.store().read([&](Tx& tx) {
        const Sandbox s = path_sandbox(tx, ctx);
        Campaign campaign = existing_campaign(tx, ctx);
        return std::pair{campaign, Gate(tx, ctx.caller.tenant).facts(s, campaign, now, ctx.actor())};
    });
    return campaign_response(200, c, f);
}

http::Response list_campaigns(Context& ctx) {
    CampaignQuery q;
    q.tenant = ctx.caller.tenant;
    q.sandbox = std::string(ctx.param("sandbox"));
    const auto statuses = ctx.query("status");
    for (const auto& name : split_list(statuses.value_or(std::string(default_list_statuses)))) {
        const auto status = parse_campaign_status(name);
        if (!status) throw bad_query("status", "unknown status " + name);
        q.statuses.push_back(*status);
    }
    if (const auto type = ctx.query("type")) {
        q.type = parse_campaign_type(*type);
        if (!q.type) throw bad_query("type", "type must be action, api_triggered or orchestrated");
    }
    if (const auto channel = ctx.query("channel")) {
        q.channel = parse_channel(*channel);
        if (!q.channel) throw bad_query("channel", "channel must be one of email, sms, push, in_app, webhook");
    }
    q.tag = ctx.query("tag");
    if (ctx.query("created_after")) q.created_after = read_time(ctx, "created_after");
    if (ctx.query("created_before")) q.created_before = read_time(ctx, "created_before");
    if (const auto text = ctx.query("q"); text && !text->empty()) q.name_contains = *text;
    q.limit = static_cast<std::size_t>(read_limit(ctx));
    if (const auto cursor = ctx.query("cursor")) q.after = decode_cursor(*cursor);

    const Timestamp now = ctx.now();
    json::array items;
    const CampaignPage page = ctx.store().read([&](Tx& tx) {
        const Sandbox s = path_sandbox(tx, ctx);
        CampaignPage result = tx.campaigns(q);
        const Gate gate(tx, ctx.caller.tenant);
        for (const Campaign& c : result.items)
            items.push_back(campaign_json(c, gate.facts(s, c, now, ctx.actor()), false));
        return result;
    });
    json::value next = nullptr;
    if (page.more) next = json::value(encode_cursor(page.items.back()));
    return json_response(200, json::object{{"items", std::move(items)},
                                           {"next_cursor", std::move(next)},
                                           {"total", page.total},
                                           {"total_capped", page.total_capped}});
}

http::Response update_campaign(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    f.optional_value("key");
    const auto type_text = f.optional_string("type", 32);
    const json::value* tags_value = f.optional_value("tags");
    for (const std::string_view field : spec_fields) f.optional_value(field);
    f.finish();
    std::optional<std::vector<std::string>> tags;
    if (tags_value) tags = tags_value->is_null() ? std::vector<std::string>{} : parse_tags(*tags_value, "tags");
    const workflows::Actor actor = ctx.acting(ctx.now());
    const auto [updated, facts] = ctx.store().write([&](Tx& tx) {
        const Sandbox s = path_sandbox(tx, ctx);
        Campaign c = existing_campaign(tx, ctx);
        ctx.require_if_match(etag(c.created_at, c.revision));
        c = workflows::edit_campaign(tx, actor, std::move(c), body, type_text, tags);
        return std::pair{c, Gate(tx, c.tenant).facts(s, c, actor.at, actor.name())};
    });
    return campaign_response(200, updated, facts);
}

http::Response delete_campaign(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    ctx.store().write([&](Tx& tx) {
        const Sandbox s = path_sandbox(tx, ctx);
        const Campaign c = existing_campaign(tx, ctx);
        ctx.require_if_match(etag(c.created_at, c.revision));
        workflows::delete_campaign(tx, actor, s, c);
    });
    return no_content();
}

http::Response campaign_action(Context& ctx) {
    const std::string name(ctx.param("action"));
    if (name == "add-to-package") return add_to_package(ctx, ctx.body());
    const auto action = parse_campaign_action(name);
    if (!action) throw Error::not_found("campaign action " + name);
    const json::object body = ctx.body();
    Fields f(body);
    workflows::ActionOptions options;
    const bool activation = *action == CampaignAction::activate || *action == CampaignAction::activate_draft;
    if (activation) options.bypass_reason = f.optional_text("bypass_reason", 2000);
    if (options.bypass_reason && options.bypass_reason->empty())
        throw Error::invalid_field("bypass_reason", "bypass_reason must say why");
    f.finish();  // a typo'd field is an error, not ignored
    const workflows::Actor actor = ctx.acting(ctx.now());
    if (*action == CampaignAction::duplicate) {
        const auto [copy, facts] = ctx.store().write([&](Tx& tx) {
            const Sandbox s = path_sandbox(tx, ctx);
            Campaign created = workflows::duplicate(tx, actor, existing_campaign(tx, ctx));
            return std::pair{created, Gate(tx, ctx.caller.tenant).facts(s, created, actor.at, actor.name())};
        });
        return campaign_response(201, copy, facts);
    }
    const workflows::ActionResult done = ctx.store().write([&](Tx& tx) {
        const Sandbox s = path_sandbox(tx, ctx);
        Campaign campaign = existing_campaign(tx, ctx);
        if (const auto if_match = ctx.request.header("if-match"); !if_match.empty())
            ctx.require_if_match(etag(campaign.created_at, campaign.revision));
        return workflows::act(tx, actor, s, std::move(campaign), *action, options);
    });
    return campaign_response(200, done.campaign, done.facts);
}

http::Response bulk_campaigns(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    const std::string name = f.required_string("action", 32);
    const json::array& ids = f.required_array("ids");
    f.finish();
    const auto action = parse_campaign_action(name);
    const std::vector<CampaignAction> bulk_actions{CampaignAction::archive, CampaignAction::unarchive,
                                                   CampaignAction::stop, CampaignAction::pause, CampaignAction::resume};
    if (!action || std::find(bulk_actions.begin(), bulk_actions.end(), *action) == bulk_actions.end())
        throw Error::invalid_field("action", "action must be archive, unarchive, stop, pause or resume");
    if (ids.empty() || ids.size() > 1000) throw Error::invalid_field("ids", "ids must list 1 to 1000 campaign ids");
    for (std::size_t i = 0; i < ids.size(); ++i)
        if (!ids[i].is_string())
            throw Error::invalid_field("ids[" + std::to_string(i) + "]",
                                       "ids[" + std::to_string(i) + "] must be a string");

    // Each id is its own transaction: one refusal does not undo the others.
    json::array results;
    for (const auto& id_value : ids) {
        const std::string id(id_value.get_string());
        try {
            const CampaignStatus status = ctx.store().write([&](Tx& tx) {
                const Sandbox s = path_sandbox(tx, ctx);
                Campaign c = or_not_found(tx.campaign(ctx.caller.tenant, s.id, id), "campaign");
                return workflows::act(tx, ctx.acting(ctx.now()), s, std::move(c), *action).campaign.status;
            });
            results.push_back(json::object{{"id", id}, {"ok", true}, {"status", to_string(status)}});
        } catch (const Error& e) {
            results.push_back(json::object{
                {"id", id},
                {"ok", false},
                {"error", json::object{{"code", e.code()}, {"message", e.message()}, {"details", e.details()}}}});
        }
    }
    return json_response(200, json::object{{"results", std::move(results)}});
}

http::Response get_campaign_draft(Context& ctx) {
    const Campaign c = ctx.store().read([&](Tx& tx) { return existing_campaign(tx, ctx); });
    if (!c.draft) throw Error::not_found("draft version");
    return json_response(200, to_json(*c.draft));
}

http::Response put_campaign_draft(Context& ctx) {
    const json::object body = ctx.body();
    const workflows::Actor actor = ctx.acting(ctx.now());
    const Campaign c = ctx.store().write([&](Tx& tx) {
        path_sandbox(tx, ctx);
        Campaign campaign = existing_campaign(tx, ctx);
        if (const auto if_match = ctx.request.header("if-match"); !if_match.empty())
            ctx.require_if_match(etag(campaign.created_at, campaign.revision));
        return workflows::put_draft_version(tx, actor, std::move(campaign), body);
    });
    http::Response res = json_response(200, to_json(*c.draft));
    res.set_header("ETag", etag(c.created_at, c.revision));
    return res;
}

http::Response delete_campaign_draft(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    ctx.store().write([&](Tx& tx) {
        const Sandbox s = path_sandbox(tx, ctx);
        workflows::act(tx, actor, s, existing_campaign(tx, ctx), CampaignAction::discard_draft);
    });
    return no_content();
}

http::Response list_campaign_versions(Context& ctx) {
    json::array items;
    ctx.store().read([&](Tx& tx) {
        const Campaign c = existing_campaign(tx, ctx);
        for (const CampaignVersion& v : tx.campaign_versions(c.tenant, c.sandbox, c.id)) items.push_back(to_json(v));
    });
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response post_execution_event(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    const std::string type = f.required_string("type", 32);
    const std::string reason = f.required_text("reason", 2000);
    f.finish();
    if (type != "failed" && type != "warning") throw Error::invalid_field("type", "type must be failed or warning");
    const workflows::Actor actor = ctx.acting(ctx.now());
    const auto [c, facts] = ctx.store().write([&](Tx& tx) {
        const Sandbox s = path_sandbox(tx, ctx);
        const Campaign campaign = workflows::report_execution(tx, actor, existing_campaign(tx, ctx), type, reason);
        return std::pair{campaign, Gate(tx, s.tenant).facts(s, campaign, actor.at, actor.name())};
    });
    // A reporter (a delivery engine) reads nothing: it learns the outcome, not the campaign.
    if (authorize(ctx.caller, Permission::sandbox_read, ctx.caller.tenant, ctx.param("sandbox")) != Decision::allow)
        return json_response(200, json::object{{"id", c.id}, {"status", to_string(c.status)}});
    return campaign_response(200, c, facts);
}

http::Response get_calendar(Context& ctx) {
    // No week: the current one (UTC; tenants have no time zone of their own yet).
    const std::string week = ctx.query("week").value_or(iso_week_of(ctx.now()));
    const auto monday = iso_week_start(week);
    if (!monday) throw bad_query("week", "week must be an ISO week like 2026-W48");
    std::vector<CampaignStatus> statuses{CampaignStatus::active, CampaignStatus::scheduled};
    for (const auto& extra : split_list(ctx.query("include").value_or(""))) {
        if (extra == "completed")
            statuses.push_back(CampaignStatus::completed);
        else if (extra == "stopped")
            statuses.push_back(CampaignStatus::stopped);
        else
            throw bad_query("include", "include takes completed and/or stopped");
    }
    CalendarFilter filter;
    if (const auto type = ctx.query("type")) {
        filter.type = parse_campaign_type(*type);
        if (!filter.type) throw bad_query("type", "type must be action, api_triggered or orchestrated");
    }
    if (const auto channel = ctx.query("channel")) {
        filter.channel = parse_channel(*channel);
        if (!filter.channel) throw bad_query("channel", "channel must be one of email, sms, push, in_app, webhook");
    }
    const Timestamp from = *monday;
    const Timestamp to = from + std::chrono::hours(24 * 7);
    json::array freezes;
    const auto campaigns = ctx.store().read([&](Tx& tx) {
        path_sandbox(tx, ctx);
        // The week's freeze occurrences (docs/pipelines.md), in order.
        std::vector<pipelines::Occurrence> found;
        for (const auto& w : tx.freeze_windows(ctx.caller.tenant, ctx.param("sandbox")))
            for (auto& o : pipelines::occurrences(w, from, to)) found.push_back(std::move(o));
        std::sort(found.begin(), found.end(), [](const auto& a, const auto& b) { return a.start < b.start; });
        for (const auto& o : found)
            freezes.push_back(json::object{{"window", o.window},
                                           {"reason", o.reason},
                                           {"start", format_rfc3339(o.start)},
                                           {"end", format_rfc3339(o.end)}});
        return tx.campaigns_in_window(ctx.caller.tenant, ctx.param("sandbox"), statuses, from, to);
    });
    json::array days;
    for (const CalendarDay& day : calendar_week(campaigns, from, filter)) {
        json::array entries;
        for (const CalendarEntry& e : day.entries) {
            const Campaign& c = *e.campaign;
            json::array channels;
            for (const Channel ch : c.spec.channels) channels.emplace_back(to_string(ch));
            json::value end = nullptr;
            if (c.spec.schedule.end) end = json::value(format_rfc3339(*c.spec.schedule.end));
            entries.push_back(json::object{{"id", c.id},
                                           {"key", c.key},
                                           {"name", c.spec.name},
                                           {"type", to_string(c.type)},
                                           {"status", to_string(c.status)},
                                           {"channels", std::move(channels)},
                                           {"start", format_rfc3339(e.start)},
                                           {"end", std::move(end)},
                                           {"recurring", c.spec.schedule.recurrence.has_value()},
                                           {"multi_day", e.multi_day}});
        }
        days.push_back(
            json::object{{"date", format_rfc3339(day.start).substr(0, 10)}, {"campaigns", std::move(entries)}});
    }
    return json_response(200, json::object{{"week", week},
                                           {"from", format_rfc3339(from).substr(0, 10)},
                                           {"to", format_rfc3339(to - std::chrono::hours(24)).substr(0, 10)},
                                           {"days", std::move(days)},
                                           {"freeze_windows", std::move(freezes)}});
}

}  // namespace ferry::api
