#include "api/campaign_ops.hpp"

#include "api/json_io.hpp"
#include "api/sandbox_objects.hpp"
#include "api/wire.hpp"
#include "campaigns/timing.hpp"
#include "core/canonical_json.hpp"
#include "webhooks/events.hpp"

#include <algorithm>

namespace ferry::api {

namespace json = boost::json;

SandboxReferences::SandboxReferences(Tx& tx, std::string tenant, std::string sandbox)
    : tx_(tx), tenant_(std::move(tenant)), sandbox_(std::move(sandbox)) {}

std::optional<std::string> SandboxReferences::check_segment(std::string_view id) {
    const auto s = tx_.segment(tenant_, sandbox_, id);
    if (!s) return "segment " + std::string(id) + " does not exist in this sandbox";
    if (s->archived) return "segment " + std::string(id) + " is archived";
    return std::nullopt;
}

std::optional<std::string> SandboxReferences::check_template(std::string_view id, Channel channel) {
    const auto t = tx_.template_(tenant_, sandbox_, id);
    if (!t) return "template " + std::string(id) + " does not exist in this sandbox";
    if (t->archived) return "template " + std::string(id) + " is archived";
    if (t->channel != channel)
        return "template " + std::string(id) + " is for " + std::string(to_string(t->channel)) + ", not " +
               std::string(to_string(channel));
    return std::nullopt;
}

Gate::Gate(Tx& tx, std::string tenant) : tx_(tx), tenant_(std::move(tenant)), policies_(tx.policies(tenant_)) {}

std::optional<approval::Member> Gate::member(std::string_view user) const {
    const auto u = tx_.user(tenant_, user);
    if (!u) return std::nullopt;
    return approval::Member{u->id, u->roles};
}

std::vector<approval::Requirement> Gate::requirements(const Sandbox& sandbox, const Campaign& c, const CampaignSpec& spec,
                                                      std::string_view requester) const {
    approval::Subject subject;
    subject.sandbox = sandbox.id;
    subject.type = std::string(to_string(c.type));
    for (const Channel ch : spec.channels) subject.channels.emplace_back(to_string(ch));
    subject.tags = c.tags;
    subject.name = spec.name;
    subject.requester = std::string(requester);
    if (const auto m = member(requester))
        for (const RoleGrant& g : m->roles)
            if (g.sandbox == all_sandboxes || g.sandbox == sandbox.id) subject.requester_roles.emplace_back(to_string(g.role));
    return approval::requirements_for(policies_, approval::Scope::campaign, subject,
                                      sandbox.require_approval == ApprovalRequirement::always);
}

std::vector<approval::Requirement> Gate::package_requirements(const std::string& source_sandbox, const std::string& package,
                                                              std::string_view requester) const {
    approval::Subject subject;
    subject.sandbox = source_sandbox;
    subject.name = package;
    subject.requester = std::string(requester);
    if (const auto m = member(requester))
        for (const RoleGrant& g : m->roles)
            if (g.sandbox == all_sandboxes || g.sandbox == source_sandbox) subject.requester_roles.emplace_back(to_string(g.role));
    // A sandbox's "always" is about activating campaigns; packages answer to package policies only.
    return approval::requirements_for(policies_, approval::Scope::package, subject, false);
}

LifecycleFacts Gate::facts(const Sandbox& sandbox, const Campaign& c, Timestamp now, std::string_view requester) const {
    return facts_of(c, now, !requirements(sandbox, c, gated_spec(c), requester).empty());
}

const CampaignSpec& gated_spec(const Campaign& c) { return is_live(c.status) && c.draft ? c.draft->spec : c.spec; }

std::string review_digest(const Campaign& c, const CampaignSpec& spec) {
    json::array tags;
    for (const auto& t : c.tags) tags.emplace_back(t);
    return content_digest(json::object{{"type", to_string(c.type)}, {"tags", std::move(tags)}, {"spec", spec_to_json(spec)}});
}

Campaign existing_campaign(Tx& tx, const Context& ctx) {
    return or_not_found(tx.campaign(ctx.caller.tenant, ctx.param("sandbox"), ctx.param("campaign")), "campaign");
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
    if (f.draft_in_review && (action == CampaignAction::activate_draft || action == CampaignAction::discard_draft ||
                              action == CampaignAction::submit_draft))
        message = "the draft version is in review: withdraw the review first";
    if (refusal == "approval_required") message = "this needs an approval before it can go live: submit it";
    if (refusal == "approval_not_required") message = "no approval applies here: activate it directly";
    return Error(ErrorKind::conflict, refusal, message,
                 {{"status", to_string(c.status)}, {"action", to_string(action)}, {"allowed_actions", std::move(allowed)}});
}

namespace {

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

// First activation makes the current spec live version 1.
void go_live(Tx& tx, Campaign& c, const std::string& by, Timestamp now) {
    if (c.live_version > 0) return;
    c.live_version = 1;
    tx.insert_campaign_version(c, CampaignVersion{1, c.spec, now, by});
}

void replace_live_with_draft(Tx& tx, Campaign& c, const std::string& by, Timestamp now) {
    c.spec = c.draft->spec;
    c.spec_edited_by = c.draft->updated_by;
    c.draft.reset();
    ++c.live_version;
    tx.insert_campaign_version(c, CampaignVersion{c.live_version, c.spec, now, by});
}

void open_review(Tx& tx, Campaign& c, const Sandbox& sandbox, bool draft_version, const Context& ctx, Timestamp now) {
    const CampaignSpec& spec = draft_version ? c.draft->spec : c.spec;
    approval::Review r;
    r.tenant = c.tenant;
    r.id = new_object_id("rev_");
    r.scope = approval::Scope::campaign;
    r.sandbox = sandbox.id;
    r.subject_kind = draft_version ? "campaign_draft" : "campaign";
    r.subject_id = c.id;
    r.subject_name = spec.name;
    r.digest = review_digest(c, spec);
    r.requested_by = ctx.actor();
    r.last_editor = draft_version ? c.draft->updated_by : c.spec_edited_by;
    r.requested_at = now;
    tx.insert_review(r);
    append_audit(tx, ctx.audit(c.tenant, "review.request", "reviews/" + r.id,
                               {{"campaign", c.id}, {"kind", r.subject_kind}, {"digest", r.digest}}));
    webhooks::emit(tx, c.tenant, "review.requested",
                   {{"review", r.id}, {"kind", r.subject_kind}, {"campaign", c.id}, {"sandbox", r.sandbox},
                    {"name", r.subject_name}, {"requested_by", r.requested_by}, {"digest", r.digest}},
                   now);
}

bool has_permission(Tx& tx, const Context& ctx, std::string_view permission) {
    if (ctx.caller.is_operator || ctx.caller.user.empty()) return false;
    const auto u = tx.user(ctx.caller.tenant, ctx.caller.user);
    return u && std::find(u->permissions.begin(), u->permissions.end(), permission) != u->permissions.end();
}

}  // namespace

void announce_status(Tx& tx, const Campaign& c, CampaignStatus from, Timestamp now, std::string_view by) {
    if (from == c.status) return;
    webhooks::emit(tx, c.tenant, "campaign.status_changed",
                   {{"campaign", c.id}, {"key", c.key}, {"sandbox", c.sandbox}, {"from", to_string(from)},
                    {"to", to_string(c.status)}, {"by", by}},
                   now);
}

void mark_changed(Campaign& c, const Context& ctx, Timestamp now) {
    c.updated_at = now;
    c.updated_by = ctx.actor();
    ++c.revision;
}

void set_status(Campaign& c, CampaignStatus to, Timestamp now) {
    if (c.status != to) c.status_changed_at = now;
    c.status = to;
    if (c.status == CampaignStatus::active && !c.activated_at) c.activated_at = now;
}

void apply_action(Tx& tx, const Gate& gate, Campaign& c, const Sandbox& sandbox, CampaignAction action,
                  const Context& ctx, Timestamp now, const ActionOptions& options) {
    LifecycleFacts f = gate.facts(sandbox, c, now, ctx.actor());
    const bool activation = action == CampaignAction::activate || action == CampaignAction::activate_draft;
    bool bypassed = false;
    if (activation && f.approval_required && options.bypass_reason) {
        // Break-glass: a separate permission, and always audited. It only matters where the
        // action would be valid without the gate; otherwise the transition error says more.
        LifecycleFacts open = f;
        open.approval_required = false;
        if (const Transition t = transition(c.status, action, open); !t.allowed) throw transition_error(c, action, f, t.refusal);
        if (!has_permission(tx, ctx, bypass_approval))
            throw Error(ErrorKind::forbidden, "bypass_not_permitted", "bypassing approval needs the bypass_approval permission");
        f.approval_required = false;
        bypassed = true;
    }
    const Transition t = transition(c.status, action, f);
    if (!t.allowed) throw transition_error(c, action, f, t.refusal);
    const CampaignStatus from = c.status;
    switch (action) {
        case CampaignAction::submit:
            require_ready(tx, c, c.spec);
            c.submitted_by = ctx.actor();
            open_review(tx, c, sandbox, false, ctx, now);
            break;
        case CampaignAction::submit_draft:
            require_ready(tx, c, c.draft->spec);
            c.draft->in_review = true;
            open_review(tx, c, sandbox, true, ctx, now);
            break;
        case CampaignAction::withdraw: {
            auto review = tx.pending_review(c.tenant, c.sandbox, c.id);
            if (review && review->requested_by != ctx.actor() && !is_tenant_admin(ctx.caller))
                throw Error(ErrorKind::forbidden, "forbidden", "only the submitter (or an administrator) can withdraw it");
            if (review) {
                end_review(tx, *review, c, approval::ReviewState::withdrawn, ctx, now, "");
                return;  // end_review saved the campaign
            }
            c.submitted_by.clear();
            break;
        }
        case CampaignAction::activate:
            require_ready(tx, c, c.spec);
            go_live(tx, c, ctx.actor(), now);
            break;
        case CampaignAction::archive:
            c.status_before_archive = c.status;
            cancel_pending_review(tx, c, ctx, now, "campaign archived");
            break;
        case CampaignAction::stop:
            // A stopped campaign never goes live again: a review of its draft version is moot.
            cancel_pending_review(tx, c, ctx, now, "campaign stopped");
            break;
        case CampaignAction::unarchive: c.status_before_archive.reset(); break;
        case CampaignAction::activate_draft:
            require_ready(tx, c, c.draft->spec);
            replace_live_with_draft(tx, c, ctx.actor(), now);
            break;
        case CampaignAction::discard_draft: c.draft.reset(); break;
        default: break;
    }
    set_status(c, t.to, now);
    if (bypassed) c.bypass = json::object{{"by", ctx.actor()}, {"reason", *options.bypass_reason}, {"at", format_rfc3339(now)}};
    mark_changed(c, ctx, now);
    tx.update_campaign(c);
    append_audit(tx, ctx.audit(c.tenant, audit_name(action), c.sandbox + "/campaigns/" + c.id,
                               {{"from", to_string(from)}, {"to", to_string(c.status)}}));
    announce_status(tx, c, from, now, ctx.actor());
    if (bypassed)
        append_audit(tx, ctx.audit(c.tenant, "campaign.bypass_approval", c.sandbox + "/campaigns/" + c.id,
                                   {{"action", to_string(action)}, {"reason", *options.bypass_reason}}));
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
    copy.created_by = copy.updated_by = copy.spec_edited_by = ctx.actor();
    tx.insert_campaign(copy);
    append_audit(tx, ctx.audit(copy.tenant, "campaign.duplicate", copy.sandbox + "/campaigns/" + copy.id,
                               {{"from_campaign", original.id}}));
    return copy;
}

void cancel_pending_review(Tx& tx, Campaign& c, const Context& ctx, Timestamp now, const std::string& reason) {
    auto review = tx.pending_review(c.tenant, c.sandbox, c.id);
    if (!review) return;
    review->state = approval::ReviewState::withdrawn;
    review->decided_at = now;
    review->decided_by = ctx.actor();
    review->comment = reason;
    tx.update_review(*review);
    if (c.draft) c.draft->in_review = false;
    append_audit(tx, ctx.audit(c.tenant, "review.withdraw", "reviews/" + review->id, {{"campaign", c.id}, {"reason", reason}}));
    webhooks::emit(tx, c.tenant, "review.decided",
                   {{"review", review->id}, {"campaign", c.id}, {"decision", "withdrawn"}, {"by", ctx.actor()},
                    {"comment", reason}},
                   now);
}

void end_review(Tx& tx, approval::Review& review, Campaign& c, approval::ReviewState state, const Context& ctx,
                Timestamp now, const std::string& comment) {
    review.state = state;
    review.decided_at = now;
    review.decided_by = ctx.actor();
    review.comment = comment;
    tx.update_review(review);
    const CampaignStatus from = c.status;
    if (review.subject_kind == "campaign") {
        if (c.status == CampaignStatus::in_review) set_status(c, CampaignStatus::draft, now);
        c.submitted_by.clear();
    } else if (c.draft) {
        c.draft->in_review = false;
    }
    mark_changed(c, ctx, now);
    tx.update_campaign(c);
    const std::string action = state == approval::ReviewState::withdrawn ? "review.withdraw" : "review.request_changes";
    append_audit(tx, ctx.audit(c.tenant, action, "reviews/" + review.id,
                               {{"campaign", c.id}, {"from", to_string(from)}, {"to", to_string(c.status)}, {"comment", comment}}));
    webhooks::emit(tx, c.tenant, "review.decided",
                   {{"review", review.id}, {"campaign", c.id}, {"decision", approval::to_string(state)},
                    {"by", ctx.actor()}, {"comment", comment}},
                   now);
    announce_status(tx, c, from, now, ctx.actor());
}

void complete_review(Tx& tx, const Gate& gate, approval::Review& review, Campaign& c, const Sandbox& sandbox,
                     const Context& ctx, Timestamp now) {
    review.state = approval::ReviewState::approved;
    review.decided_at = now;
    review.decided_by = ctx.actor();
    tx.update_review(review);
    const CampaignStatus from = c.status;
    if (review.subject_kind == "campaign") {
        LifecycleFacts f = gate.facts(sandbox, c, now, review.requested_by);
        const Transition t = transition(c.status, CampaignAction::approve, f);
        if (!t.allowed) throw transition_error(c, CampaignAction::approve, f, t.refusal);
        require_ready(tx, c, c.spec);
        go_live(tx, c, review.requested_by, now);
        set_status(c, t.to, now);
        c.submitted_by.clear();
    } else {
        if (!is_live(c.status) || !c.draft)
            throw Error::conflict("review_stale", "the campaign is no longer live: its draft version cannot go live",
                                  {{"status", to_string(c.status)}});
        require_ready(tx, c, c.draft->spec);
        replace_live_with_draft(tx, c, review.requested_by, now);
    }
    mark_changed(c, ctx, now);
    tx.update_campaign(c);
    append_audit(tx, ctx.audit(c.tenant, "campaign.approve", c.sandbox + "/campaigns/" + c.id,
                               {{"review", review.id}, {"from", to_string(from)}, {"to", to_string(c.status)},
                                {"live_version", c.live_version}}));
    webhooks::emit(tx, c.tenant, "review.decided",
                   {{"review", review.id}, {"campaign", c.id}, {"decision", "approved"}, {"by", ctx.actor()},
                    {"live_version", c.live_version}},
                   now);
    announce_status(tx, c, from, now, ctx.actor());
}

}  // namespace ferry::api
