// Campaigns: create, read, list, edit (directly or through the draft version of a live
// campaign), lifecycle actions, bulk actions, delivery-engine events and the calendar.

#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/sandbox_objects.hpp"
#include "api/wire.hpp"
#include "campaigns/lifecycle.hpp"
#include "campaigns/spec.hpp"
#include "campaigns/timing.hpp"

#include <algorithm>
#include <charconv>

namespace ferry::api {

namespace json = boost::json;

namespace {

constexpr std::string_view spec_fields[] = {"name", "description", "channels", "schedule", "audience", "content"};

// Spec references resolve against the campaign's own sandbox: nothing of another sandbox is usable.
class SandboxReferences final : public SpecReferences {
public:
    SandboxReferences(Tx& tx, std::string tenant, std::string sandbox)
        : tx_(tx), tenant_(std::move(tenant)), sandbox_(std::move(sandbox)) {}

    std::optional<std::string> check_segment(std::string_view id) override {
        const auto s = tx_.segment(tenant_, sandbox_, id);
        if (!s) return "segment " + std::string(id) + " does not exist in this sandbox";
        if (s->archived) return "segment " + std::string(id) + " is archived";
        return std::nullopt;
    }

    std::optional<std::string> check_template(std::string_view id, Channel channel) override {
        const auto t = tx_.template_(tenant_, sandbox_, id);
        if (!t) return "template " + std::string(id) + " does not exist in this sandbox";
        if (t->archived) return "template " + std::string(id) + " is archived";
        if (t->channel != channel)
            return "template " + std::string(id) + " is for " + std::string(to_string(t->channel)) + ", not " +
                   std::string(to_string(channel));
        return std::nullopt;
    }

private:
    Tx& tx_;
    std::string tenant_;
    std::string sandbox_;
};

// The one place that decides whether activating this campaign needs an approval first. Today it
// is the sandbox's require_approval setting; the approval gate's policies join here.
bool approval_required(const Sandbox& sandbox, const Campaign&) {
    return sandbox.require_approval == ApprovalRequirement::always;
}

Campaign existing_campaign(Tx& tx, const Context& ctx) {
    return or_not_found(tx.campaign(ctx.caller.tenant, ctx.param("sandbox"), ctx.param("campaign")), "campaign");
}

LifecycleFacts facts(const Sandbox& sandbox, const Campaign& c, Timestamp now) {
    return facts_of(c, now, approval_required(sandbox, c));
}

http::Response campaign_response(int status, const Campaign& c, const LifecycleFacts& f) {
    http::Response res = json_response(status, campaign_json(c, f));
    res.set_header("ETag", etag(c.created_at, c.revision));
    return res;
}

Error transition_error(const Campaign& c, CampaignAction action, const LifecycleFacts& f, const std::string& refusal) {
    json::array allowed;
    for (const CampaignAction a : allowed_actions(c.status, f)) allowed.emplace_back(to_string(a));
    std::string message = std::string(to_string(action)) + " is not allowed while the campaign is " +
                          std::string(to_string(c.status));
    if (refusal == "approval_required") message = "this campaign needs an approval before it can go live: submit it";
    if (refusal == "approval_not_required") message = "no approval applies to this campaign: activate it";
    return Error(ErrorKind::conflict, refusal, message,
                 {{"status", to_string(c.status)}, {"action", to_string(action)}, {"allowed_actions", std::move(allowed)}});
}

// Going live needs a complete campaign: an audience (except API-triggered ones, whose API call
// names the recipients) and references that are still usable.
void require_ready(Tx& tx, const Campaign& c, const CampaignSpec& spec) {
    if (c.type != CampaignType::api_triggered && !spec.segment)
        throw Error(ErrorKind::unprocessable, "not_ready", "the campaign needs an audience before it can go live",
                    {{"field", "audience.segment"}});
    SandboxReferences refs(tx, c.tenant, c.sandbox);
    if (spec.segment)
        if (auto problem = refs.check_segment(*spec.segment))
            throw Error(ErrorKind::unprocessable, "not_ready", *problem, {{"field", "audience.segment"}});
    for (const auto& [channel, content] : spec.content)
        if (const auto* t = content.as_object().if_contains("template"))
            if (auto problem = refs.check_template(t->as_string(), *parse_channel(channel)))
                throw Error(ErrorKind::unprocessable, "not_ready", *problem,
                            {{"field", "content." + std::string(channel) + ".template"}});
}

void mark_changed(Campaign& c, const Context& ctx, Timestamp now) {
    c.updated_at = now;
    c.updated_by = ctx.actor();
    ++c.revision;
}

void set_status(Campaign& c, CampaignStatus to, Timestamp now) {
    if (c.status != to) c.status_changed_at = now;
    c.status = to;
}

// First activation makes the current spec live version 1.
void go_live(Tx& tx, Campaign& c, const Context& ctx, Timestamp now) {
    if (c.live_version > 0) return;
    c.live_version = 1;
    tx.insert_campaign_version(c, CampaignVersion{1, c.spec, now, ctx.actor()});
}

// Applies one people's action to the campaign inside the caller's transaction.
void apply_action(Tx& tx, Campaign& c, const Sandbox& sandbox, CampaignAction action, const Context& ctx, Timestamp now) {
    const LifecycleFacts f = facts(sandbox, c, now);
    const Transition t = transition(c.status, action, f);
    if (!t.allowed) throw transition_error(c, action, f, t.refusal);
    const CampaignStatus from = c.status;
    switch (action) {
        case CampaignAction::submit:
            require_ready(tx, c, c.spec);
            c.submitted_by = ctx.actor();
            break;
        case CampaignAction::withdraw:
            if (ctx.actor() != c.submitted_by && !is_tenant_admin(ctx.caller))
                throw Error(ErrorKind::forbidden, "forbidden", "only the submitter (or an administrator) can withdraw it");
            c.submitted_by.clear();
            break;
        case CampaignAction::activate:
            require_ready(tx, c, c.spec);
            go_live(tx, c, ctx, now);
            break;
        case CampaignAction::archive: c.status_before_archive = c.status; break;
        case CampaignAction::unarchive: c.status_before_archive.reset(); break;
        case CampaignAction::activate_draft:
            require_ready(tx, c, c.draft->spec);
            c.spec = c.draft->spec;
            c.draft.reset();
            ++c.live_version;
            tx.insert_campaign_version(c, CampaignVersion{c.live_version, c.spec, now, ctx.actor()});
            break;
        case CampaignAction::discard_draft: c.draft.reset(); break;
        default: break;
    }
    set_status(c, t.to, now);
    if (c.status == CampaignStatus::active && !c.activated_at) c.activated_at = now;
    mark_changed(c, ctx, now);
    tx.update_campaign(c);
    append_audit(tx, ctx.audit(c.tenant, audit_name(action), c.sandbox + "/campaigns/" + c.id,
                               {{"from", to_string(from)}, {"to", to_string(c.status)}}));
}

Campaign duplicate_of(Tx& tx, const Campaign& original, const Context& ctx, Timestamp now) {
    Campaign copy;
    copy.tenant = original.tenant;
    copy.sandbox = original.sandbox;
    copy.id = new_object_id("cmp_");
    copy.type = original.type;
    copy.spec = original.spec;
    const std::string suffix = " (copy)";
    copy.spec.name = original.spec.name.substr(0, 200 - suffix.size()) + suffix;
    copy.tags = original.tags;
    copy.key = choose_key(std::nullopt, original.key + "-copy",
                          [&](std::string_view k) { return tx.campaign_key_exists(copy.tenant, copy.sandbox, k); });
    copy.status = CampaignStatus::draft;
    copy.status_changed_at = copy.created_at = copy.updated_at = now;
    copy.created_by = copy.updated_by = ctx.actor();
    tx.insert_campaign(copy);
    append_audit(tx, ctx.audit(copy.tenant, "campaign.duplicate", copy.sandbox + "/campaigns/" + copy.id,
                               {{"from_campaign", original.id}}));
    return copy;
}

// Reads "type" only where it may change (drafts); "key" never changes.
void check_immutable(const Fields&, const json::object& body, const Campaign& c) {
    if (const auto* key = body.if_contains("key"); key && (!key->is_string() || key->get_string() != c.key))
        throw Error::invalid_field("key", "key cannot be changed");
}

json::object merged_spec(const CampaignSpec& base, const json::object& patch) {
    json::object merged = spec_to_json(base);
    for (const std::string_view field : spec_fields)
        if (const auto* v = patch.if_contains(field)) merged[field] = *v;
    return merged;
}

bool touches_spec(const json::object& body) {
    return std::any_of(std::begin(spec_fields), std::end(spec_fields),
                       [&](std::string_view f) { return body.contains(f); });
}

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
    c.tenant = ctx.caller.tenant;
    c.sandbox = std::string(ctx.param("sandbox"));
    c.id = new_object_id("cmp_");
    c.type = *type;
    c.tags = std::move(tags);
    const Timestamp now = ctx.now();
    c.status_changed_at = c.created_at = c.updated_at = now;
    c.created_by = c.updated_by = ctx.actor();
    const auto [created, sandbox] = ctx.store().write([&](Tx& tx) {
        Sandbox s = path_sandbox(tx, ctx);
        SandboxReferences refs(tx, c.tenant, c.sandbox);
        c.spec = parse_spec(body, refs, false);
        restore_secrets(c.spec, nullptr);
        c.key = choose_key(key, c.spec.name, [&](std::string_view k) { return tx.campaign_key_exists(c.tenant, c.sandbox, k); });
        tx.insert_campaign(c);
        append_audit(tx, ctx.audit(c.tenant, "campaign.create", c.sandbox + "/campaigns/" + c.id, {{"key", c.key}}));
        return std::pair{c, s};
    });
    return campaign_response(201, created, facts(sandbox, created, now));
}

http::Response get_campaign(Context& ctx) {
    const Timestamp now = ctx.now();
    const auto [c, sandbox] = ctx.store().read([&](Tx& tx) {
        Sandbox s = path_sandbox(tx, ctx);
        return std::pair{existing_campaign(tx, ctx), s};
    });
    return campaign_response(200, c, facts(sandbox, c, now));
}

http::Response list_campaigns(Context& ctx) {
    CampaignQuery q;
    q.tenant = ctx.caller.tenant;
    q.sandbox = std::string(ctx.param("sandbox"));
    const auto statuses = ctx.query("status");
    for (const auto& name : split_list(statuses.value_or("draft,scheduled,active"))) {
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
    const auto [page, sandbox] = ctx.store().read([&](Tx& tx) {
        Sandbox s = path_sandbox(tx, ctx);
        return std::pair{tx.campaigns(q), s};
    });
    json::array items;
    for (const Campaign& c : page.items) items.push_back(campaign_json(c, facts(sandbox, c, now), false));
    json::value next = nullptr;
    if (page.more) next = json::value(encode_cursor(page.items.back()));
    return json_response(200, json::object{{"items", std::move(items)}, {"next_cursor", std::move(next)}, {"total", page.total}});
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
    const bool spec_change = touches_spec(body) || type_text.has_value();

    const Timestamp now = ctx.now();
    const auto [updated, sandbox] = ctx.store().write([&](Tx& tx) {
        Sandbox s = path_sandbox(tx, ctx);
        Campaign c = existing_campaign(tx, ctx);
        ctx.require_if_match(etag(c.created_at, c.revision));
        check_immutable(f, body, c);
        const EditRule rule = edit_rule(c.status, c.draft.has_value(), !spec_change);
        if (rule.mode == EditMode::refused) {
            std::string message = "the campaign cannot be edited while " + std::string(to_string(c.status));
            if (rule.refusal == "draft_version_exists")
                message = "a draft version exists: edit it with PUT .../draft, or discard it first";
            throw Error(ErrorKind::conflict, rule.refusal, message, {{"status", to_string(c.status)}});
        }
        json::object changes;
        if (tags) {
            c.tags = *tags;
            changes["tags"] = tags_value ? *tags_value : json::value(nullptr);
        }
        if (type_text) {
            const auto type = parse_campaign_type(*type_text);
            if (!type) throw Error::invalid_field("type", "type must be action, api_triggered or orchestrated");
            if (*type != c.type && c.status != CampaignStatus::draft)
                throw Error::invalid_field("type", "type can only change while the campaign is a draft");
            c.type = *type;
        }
        if (touches_spec(body)) {
            SandboxReferences refs(tx, c.tenant, c.sandbox);
            CampaignSpec spec = parse_spec(merged_spec(c.spec, body), refs, true);
            restore_secrets(spec, &c.spec);
            if (rule.mode == EditMode::via_draft_version) {
                // Editing a live campaign creates its one draft version; the live version runs on untouched.
                c.draft = DraftVersion{std::move(spec), now, ctx.actor()};
                changes["draft_version"] = "created";
            } else {
                c.spec = std::move(spec);
                changes["spec"] = "edited";
            }
        }
        mark_changed(c, ctx, now);
        tx.update_campaign(c);
        append_audit(tx, ctx.audit(c.tenant, "campaign.update", c.sandbox + "/campaigns/" + c.id, std::move(changes)));
        return std::pair{c, s};
    });
    return campaign_response(200, updated, facts(sandbox, updated, now));
}

http::Response delete_campaign(Context& ctx) {
    const Timestamp now = ctx.now();
    ctx.store().write([&](Tx& tx) {
        const Sandbox s = path_sandbox(tx, ctx);
        const Campaign c = existing_campaign(tx, ctx);
        ctx.require_if_match(etag(c.created_at, c.revision));
        const LifecycleFacts f = facts(s, c, now);
        const Transition t = transition(c.status, CampaignAction::remove, f);
        if (!t.allowed) throw transition_error(c, CampaignAction::remove, f, t.refusal);
        tx.delete_campaign(c.tenant, c.sandbox, c.id);
        append_audit(tx, ctx.audit(c.tenant, "campaign.delete", c.sandbox + "/campaigns/" + c.id,
                                   {{"key", c.key}, {"name", c.spec.name}}));
    });
    return no_content();
}

http::Response campaign_action(Context& ctx) {
    const std::string name(ctx.param("action"));
    const auto action = parse_campaign_action(name);
    if (!action) throw Error::not_found("campaign action " + name);
    const json::object body = ctx.body();
    Fields(body).finish();  // actions take no fields yet; a typo'd one is an error, not ignored
    const Timestamp now = ctx.now();
    if (*action == CampaignAction::duplicate) {
        const auto [copy, sandbox] = ctx.store().write([&](Tx& tx) {
            Sandbox s = path_sandbox(tx, ctx);
            return std::pair{duplicate_of(tx, existing_campaign(tx, ctx), ctx, now), s};
        });
        return campaign_response(201, copy, facts(sandbox, copy, now));
    }
    const auto [c, sandbox] = ctx.store().write([&](Tx& tx) {
        Sandbox s = path_sandbox(tx, ctx);
        Campaign campaign = existing_campaign(tx, ctx);
        if (const auto if_match = ctx.request.header("if-match"); !if_match.empty())
            ctx.require_if_match(etag(campaign.created_at, campaign.revision));
        apply_action(tx, campaign, s, *action, ctx, now);
        return std::pair{campaign, s};
    });
    return campaign_response(200, c, facts(sandbox, c, now));
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
            throw Error::invalid_field("ids[" + std::to_string(i) + "]", "ids[" + std::to_string(i) + "] must be a string");

    // Each id is its own transaction: one refusal does not undo the others.
    json::array results;
    for (const auto& id_value : ids) {
        const std::string id(id_value.get_string());
        try {
            const CampaignStatus status = ctx.store().write([&](Tx& tx) {
                const Sandbox s = path_sandbox(tx, ctx);
                Campaign c = or_not_found(tx.campaign(ctx.caller.tenant, s.id, id), "campaign");
                apply_action(tx, c, s, *action, ctx, ctx.now());
                return c.status;
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
    const Timestamp now = ctx.now();
    const Campaign c = ctx.store().write([&](Tx& tx) {
        path_sandbox(tx, ctx);
        Campaign campaign = existing_campaign(tx, ctx);
        if (const auto if_match = ctx.request.header("if-match"); !if_match.empty())
            ctx.require_if_match(etag(campaign.created_at, campaign.revision));
        if (!is_live(campaign.status))
            throw Error::conflict("not_live", "only a scheduled, active or paused campaign has a draft version; edit a "
                                              "draft campaign with PATCH",
                                  {{"status", to_string(campaign.status)}});
        SandboxReferences refs(tx, campaign.tenant, campaign.sandbox);
        const bool created = !campaign.draft;
        CampaignSpec spec = parse_spec(body, refs, true);
        restore_secrets(spec, campaign.draft ? &campaign.draft->spec : &campaign.spec);
        campaign.draft = DraftVersion{std::move(spec), now, ctx.actor()};
        mark_changed(campaign, ctx, now);
        tx.update_campaign(campaign);
        append_audit(tx, ctx.audit(campaign.tenant, created ? "campaign.draft_create" : "campaign.draft_update",
                                   campaign.sandbox + "/campaigns/" + campaign.id));
        return campaign;
    });
    http::Response res = json_response(200, to_json(*c.draft));
    res.set_header("ETag", etag(c.created_at, c.revision));
    return res;
}

http::Response delete_campaign_draft(Context& ctx) {
    const Timestamp now = ctx.now();
    ctx.store().write([&](Tx& tx) {
        const Sandbox s = path_sandbox(tx, ctx);
        Campaign c = existing_campaign(tx, ctx);
        apply_action(tx, c, s, CampaignAction::discard_draft, ctx, now);
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
    const std::string reason = f.required_string("reason", 2000);
    f.finish();
    if (type != "failed" && type != "warning") throw Error::invalid_field("type", "type must be failed or warning");
    const Timestamp now = ctx.now();
    const auto [c, sandbox] = ctx.store().write([&](Tx& tx) {
        Sandbox s = path_sandbox(tx, ctx);
        Campaign campaign = existing_campaign(tx, ctx);
        const CampaignStatus from = campaign.status;
        // Only a campaign the delivery engine runs can report: others keep their state (and their purge date).
        const bool running = is_live(campaign.status) || campaign.status == CampaignStatus::publishing ||
                             campaign.status == CampaignStatus::closed;
        if (!running)
            throw Error::conflict("not_running", "execution events apply to scheduled, active, paused, publishing or "
                                                 "closed campaigns",
                                  {{"status", to_string(campaign.status)}});
        if (type == "failed") {
            const LifecycleFacts lf = facts(s, campaign, now);
            const Transition t = transition(campaign.status, CampaignAction::execution_failed, lf);
            if (!t.allowed) throw transition_error(campaign, CampaignAction::execution_failed, lf, t.refusal);
            set_status(campaign, t.to, now);
        }
        campaign.alerts.push_back(Alert{type == "failed" ? "execution_failed" : "warning", reason, now});
        mark_changed(campaign, ctx, now);
        tx.update_campaign(campaign);
        append_audit(tx, ctx.audit(campaign.tenant, "campaign.execution_" + type,
                                   campaign.sandbox + "/campaigns/" + campaign.id,
                                   {{"from", to_string(from)}, {"to", to_string(campaign.status)}, {"reason", reason}}));
        return std::pair{campaign, s};
    });
    return campaign_response(200, c, facts(sandbox, c, now));
}

http::Response get_calendar(Context& ctx) {
    const auto week = ctx.query("week");
    if (!week) throw bad_query("week", "week is required, as an ISO week like 2026-W48");
    const auto monday = iso_week_start(*week);
    if (!monday) throw bad_query("week", "week must be an ISO week like 2026-W48");
    std::vector<CampaignStatus> statuses{CampaignStatus::active, CampaignStatus::scheduled};
    for (const auto& extra : split_list(ctx.query("include").value_or(""))) {
        if (extra == "completed") statuses.push_back(CampaignStatus::completed);
        else if (extra == "stopped") statuses.push_back(CampaignStatus::stopped);
        else throw bad_query("include", "include takes completed and/or stopped");
    }
    const Timestamp from = *monday;
    const Timestamp to = from + std::chrono::hours(24 * 7);
    const auto campaigns = ctx.store().read([&](Tx& tx) {
        path_sandbox(tx, ctx);
        return tx.campaigns_in_window(ctx.caller.tenant, ctx.param("sandbox"), statuses, from, to);
    });
    json::array days;
    for (int d = 0; d < 7; ++d) {
        const Timestamp day_start = from + std::chrono::hours(24 * d);
        const Timestamp day_end = day_start + std::chrono::hours(24);
        json::array entries;
        for (const Campaign& c : campaigns) {
            const auto span = calendar_span(c);
            if (!span || span->first >= day_end || (span->second && *span->second <= day_start)) continue;
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
                                           {"start", format_rfc3339(span->first)},
                                           {"end", std::move(end)},
                                           {"recurring", c.spec.schedule.recurrence.has_value()}});
        }
        days.push_back(json::object{{"date", format_rfc3339(day_start).substr(0, 10)}, {"campaigns", std::move(entries)}});
    }
    return json_response(200, json::object{{"week", *week},
                                           {"from", format_rfc3339(from).substr(0, 10)},
                                           {"to", format_rfc3339(to - std::chrono::hours(24)).substr(0, 10)},
                                           {"days", std::move(days)}});
}

}  // namespace ferry::api
