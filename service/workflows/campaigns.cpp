#include "workflows/campaigns.hpp"

#include "campaigns/conditions.hpp"
#include "campaigns/timing.hpp"
#include "core/canonical_json.hpp"
#include "core/crypto.hpp"
#include "workflows/pipelines.hpp"
#include "workflows/reviews.hpp"

#include <algorithm>

namespace ferry::workflows {

namespace json = boost::json;

SandboxReferences::SandboxReferences(Tx& tx, std::string tenant, std::string sandbox)
    : tx_(tx), tenant_(std::move(tenant)), sandbox_(std::move(sandbox)) {}

std::optional<std::string> SandboxReferences::check_segment(std::string_view id) {
    const auto s = tx_.segment(tenant_, sandbox_, id);
    if (!s) return "segment " + std::string(id) + " does not exist in this sandbox";
    if (s->archived) return "segment " + s->key + " (" + std::string(id) + ") is archived";
    return std::nullopt;
}

std::optional<std::string> SandboxReferences::check_template(std::string_view id, Channel channel) {
    const auto t = tx_.template_(tenant_, sandbox_, id);
    if (!t) return "template " + std::string(id) + " does not exist in this sandbox";
    if (t->archived) return "template " + t->key + " (" + std::string(id) + ") is archived";
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

std::vector<approval::Requirement> Gate::requirements(const Sandbox& sandbox, const Campaign& c,
                                                      const CampaignSpec& spec, std::string_view requester) const {
    approval::Subject subject;
    subject.sandbox = sandbox.id;
    subject.type = std::string(to_string(c.type));
    for (const Channel ch : spec.channels) subject.channels.emplace_back(to_string(ch));
    subject.tags = c.tags;
    subject.name = spec.name;
    subject.requester = std::string(requester);
    if (const auto m = member(requester))
        for (const RoleGrant& g : m->roles)
            if (g.sandbox == all_sandboxes || g.sandbox == sandbox.id)
                subject.requester_roles.emplace_back(to_string(g.role));
    return approval::requirements_for(policies_, approval::Scope::campaign, subject,
                                      sandbox.require_approval == ApprovalRequirement::always);
}

std::vector<approval::Requirement> Gate::package_requirements(const std::string& source_sandbox,
                                                              const std::string& package,
                                                              std::string_view requester) const {
    approval::Subject subject;
    subject.sandbox = source_sandbox;
    subject.name = package;
    subject.requester = std::string(requester);
    if (const auto m = member(requester))
        for (const RoleGrant& g : m->roles)
            if (g.sandbox == all_sandboxes || g.sandbox == source_sandbox)
                subject.requester_roles.emplace_back(to_string(g.role));
    // A sandbox's "always" is about activating campaigns; packages answer to package policies only.
    return approval::requirements_for(policies_, approval::Scope::package, subject, false);
}

LifecycleFacts Gate::facts(const Sandbox& sandbox, const Campaign& c, Timestamp now, std::string_view requester) const {
    LifecycleFacts f = facts_of(c, now, !requirements(sandbox, c, gated_spec(c), requester).empty());
    SandboxReferences refs(tx_, c.tenant, c.sandbox);
    f.conditions = condition_alerts(c, now, refs);
    return f;
}

const CampaignSpec& gated_spec(const Campaign& c) { return is_live(c.status) && c.draft ? c.draft->spec : c.spec; }

std::string review_digest(const Campaign& c, const CampaignSpec& spec, std::string_view review_key) {
    json::array tags;
    for (const auto& t : c.tags) tags.emplace_back(t);
    json::object digested = spec_to_json(spec);
    for (auto& [channel, content] : digested.at("content").as_object())
        if (auto* secret = content.as_object().if_contains("auth_header"); secret && secret->is_string())
            *secret = "hmac-sha256:" + crypto::hmac_sha256_hex(review_key, secret->get_string());
    return content_digest(
        json::object{{"type", to_string(c.type)}, {"tags", std::move(tags)}, {"spec", std::move(digested)}});
}

Error transition_error(const Campaign& c, CampaignAction action, const LifecycleFacts& f, const std::string& refusal) {
    json::array allowed;
    for (const CampaignAction a : allowed_actions(c.status, f)) allowed.emplace_back(to_string(a));
    std::string message =
        std::string(to_string(action)) + " is not allowed while the campaign is " + std::string(to_string(c.status));
    if (f.draft_in_review && (action == CampaignAction::activate_draft || action == CampaignAction::discard_draft ||
                              action == CampaignAction::submit_draft))
        message = "the draft version is in review: withdraw the review first";
    if (refusal == "approval_required") message = "this needs an approval before it can go live: submit it";
    if (refusal == "approval_not_required") message = "no approval applies here: activate it directly";
    if (refusal == "stopped_not_reusable")
        message = "a stopped action or API-triggered campaign cannot be reused: create a new campaign";
    return Error(
        ErrorKind::conflict, refusal, message,
        {{"status", to_string(c.status)}, {"action", to_string(action)}, {"allowed_actions", std::move(allowed)}});
}

Transition require_transition(const Campaign& c, CampaignAction action, const LifecycleFacts& f) {
    Transition t = transition(c.status, action, f);
    if (!t.allowed) throw transition_error(c, action, f, t.refusal);
    return t;
}

void enter(Campaign& c, const Transition& t, Timestamp at) {
    if (c.status != t.to) c.status_changed_at = at;
    c.status = t.to;
    if (c.status == CampaignStatus::active && !c.activated_at) c.activated_at = at;
}

void mark_changed(Campaign& c, const Actor& actor) {
    c.updated_at = actor.at;
    c.updated_by = actor.name();
    ++c.revision;
}

namespace {

std::string target_of(const Campaign& c) { return c.sandbox + "/campaigns/" + c.id; }

// A final campaign is read-only (seed: "Après l'arrêt d'une campagne, elle sera disponible en
// lecture seule uniquement"): the draft version it still had, and a review of it, end with it,
// recorded in the audit chain (who last edited it and when; not its content, which may hold
// write-only secrets).
void discard_draft_of_final(Tx& tx, Journal& journal, Campaign& c, const std::string& why) {
    const bool final = c.status == CampaignStatus::stopped || c.status == CampaignStatus::completed ||
                       c.status == CampaignStatus::failed;
    if (!final || !c.draft) return;
    if (c.draft->in_review) cancel_pending_review(tx, journal, c, why);
    json::object details{{"reason", why},
                         {"status", to_string(c.status)},
                         {"draft_updated_by", c.draft->updated_by},
                         {"draft_updated_at", format_rfc3339(c.draft->updated_at)}};
    c.draft.reset();
    journal.record(c.tenant, "campaign.draft_discarded", target_of(c), std::move(details));
}

}  // namespace

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

namespace {

bool has_permission(Tx& tx, const Actor& actor, std::string_view permission) {
    if (actor.kind != Actor::Kind::person && actor.kind != Actor::Kind::token) return false;
    if (actor.user.empty()) return false;
    const auto u = tx.user(actor.tenant, actor.user);
    return u && std::find(u->permissions.begin(), u->permissions.end(), permission) != u->permissions.end();
}

}  // namespace

void replace_live_with_draft(Tx& tx, Campaign& c, const std::string& by, Timestamp now) {
    c.spec = c.draft->spec;
    c.spec_edited_by = c.draft->updated_by;
    c.draft.reset();
    ++c.live_version;
    tx.insert_campaign_version(c, CampaignVersion{c.live_version, c.spec, now, by});
}

ActionResult act(Tx& tx, const Actor& actor, const Sandbox& sandbox, Campaign c, CampaignAction action,
                 const ActionOptions& options) {
    const Gate gate(tx, c.tenant);
    const Timestamp now = actor.at;
    Journal journal(tx, actor);
    LifecycleFacts f = gate.facts(sandbox, c, now, actor.name());
    const bool activation = action == CampaignAction::activate || action == CampaignAction::activate_draft;
    // Nothing goes live in a frozen sandbox (docs/pipelines.md), except by break-glass.
    if (activation || action == CampaignAction::resume)
        require_unfrozen(tx, actor, c.sandbox, options.bypass_reason, "campaign", target_of(c));
    bool bypassed = false;
    if (activation && f.approval_required && options.bypass_reason) {
        // Break-glass: a separate permission, and always audited. It only matters where the
        // action would be valid without the gate; otherwise the transition error says more.
        LifecycleFacts open = f;
        open.approval_required = false;
        require_transition(c, action, open);
        if (!has_permission(tx, actor, bypass_approval))
            throw Error(ErrorKind::forbidden, "bypass_not_permitted",
                        "bypassing approval needs the bypass_approval permission");
        f.approval_required = false;
        bypassed = true;
    }
    const Transition t = require_transition(c, action, f);
    const CampaignStatus from = c.status;
    switch (action) {
        case CampaignAction::submit:
            require_ready(tx, c, c.spec);
            c.submitted_by = actor.name();
            open_campaign_review(tx, journal, c, sandbox, false);
            break;
        case CampaignAction::submit_draft:
            require_ready(tx, c, c.draft->spec);
            c.draft->in_review = true;
            open_campaign_review(tx, journal, c, sandbox, true);
            break;
        case CampaignAction::withdraw:
            if (auto review = tx.pending_review(c.tenant, c.sandbox, c.id)) {
                approval::DecisionFacts facts;
                facts.requested_by = review->requested_by;
                facts.tenant_admin = actor.is_tenant_admin();
                const approval::Ruling ruling = approval::rule(approval::Decision::withdraw, actor.name(), facts);
                if (ruling.refusal) throw *ruling.refusal;
                end_campaign_review(tx, journal, *review, c, approval::ReviewState::withdrawn, "");
                return ActionResult{c, gate.facts(sandbox, c, now, actor.name())};
            }
            c.submitted_by.clear();
            break;
        case CampaignAction::activate:
            require_ready(tx, c, c.spec);
            go_live(tx, c, actor.name(), now);
            break;
        case CampaignAction::archive:
            c.status_before_archive = c.status;
            cancel_pending_review(tx, journal, c, "campaign archived");
            break;
        case CampaignAction::stop:
            // A stopped campaign never goes live again: a review of its draft version is moot.
            cancel_pending_review(tx, journal, c, "campaign stopped");
            break;
        case CampaignAction::unarchive: c.status_before_archive.reset(); break;
        case CampaignAction::activate_draft:
            require_ready(tx, c, c.draft->spec);
            replace_live_with_draft(tx, c, actor.name(), now);
            break;
        case CampaignAction::discard_draft: c.draft.reset(); break;
        default: break;
    }
    enter(c, t, now);
    discard_draft_of_final(tx, journal, c, "campaign " + std::string(to_string(c.status)));
    if (bypassed)
        c.bypass = json::object{{"by", actor.name()}, {"reason", *options.bypass_reason}, {"at", format_rfc3339(now)}};
    mark_changed(c, actor);
    tx.update_campaign(c);
    journal.record(c.tenant, audit_name(action), target_of(c),
                   {{"from", to_string(from)}, {"to", to_string(c.status)}});
    journal.emit(CampaignStatusChanged{c, from});
    // What a package publishes changes with these: an archived campaign cannot be packaged, and
    // a new live version is new content.
    if (action == CampaignAction::archive || action == CampaignAction::unarchive ||
        action == CampaignAction::activate_draft)
        void_changed_package_reviews(tx, actor, c.sandbox);
    if (bypassed)
        journal.record(c.tenant, "campaign.bypass_approval", target_of(c),
                       {{"action", to_string(action)}, {"reason", *options.bypass_reason}});
    return ActionResult{c, gate.facts(sandbox, c, now, actor.name())};
}

Campaign duplicate(Tx& tx, const Actor& actor, const Campaign& original) {
    require_transition(original, CampaignAction::duplicate, facts_of(original, actor.at, false));
    Campaign copy;
    copy.tenant = original.tenant;
    copy.sandbox = original.sandbox;
    copy.id = crypto::new_object_id("cmp_");
    copy.type = original.type;
    copy.spec = original.spec;
    const std::string suffix = " (copy)";
    copy.spec.name = original.spec.name.substr(0, 200 - suffix.size()) + suffix;
    copy.tags = original.tags;
    copy.key = choose_key(std::nullopt, original.key + "-copy",
                          [&](std::string_view k) { return tx.campaign_key_exists(copy.tenant, copy.sandbox, k); });
    copy.status = CampaignStatus::draft;
    copy.status_changed_at = copy.created_at = copy.updated_at = actor.at;
    copy.created_by = copy.updated_by = copy.spec_edited_by = actor.name();
    tx.insert_campaign(copy);
    Journal(tx, actor).record(copy.tenant, "campaign.duplicate", target_of(copy), {{"from_campaign", original.id}});
    void_changed_package_reviews(tx, actor, copy.sandbox);  // a full package holds the copy
    return copy;
}

std::vector<std::string> archive_with_segment(Tx& tx, const Actor& actor, const Segment& segment) {
    Journal journal(tx, actor);
    std::vector<std::string> archived;
    for (const std::string& id : tx.campaigns_using(segment.tenant, segment.sandbox, ObjectKind::segment, segment.id)) {
        auto found = tx.campaign(segment.tenant, segment.sandbox, id);
        if (!found) throw Error::not_found("campaign");
        Campaign c = std::move(*found);
        const Transition t = transition(c.status, CampaignAction::segment_archived, facts_of(c, actor.at, false));
        if (!t.allowed) continue;  // archived already
        const CampaignStatus from = c.status;
        c.status_before_archive = from;
        cancel_pending_review(tx, journal, c, "segment archived");
        enter(c, t, actor.at);
        mark_changed(c, actor);
        tx.update_campaign(c);
        journal.emit(CampaignStatusChanged{c, from});
        journal.record(c.tenant, "campaign.archive", target_of(c),
                       {{"from", to_string(from)}, {"reason", "segment archived"}, {"segment", segment.id}});
        archived.push_back(c.id);
    }
    return archived;
}

Campaign report_execution(Tx& tx, const Actor& actor, Campaign c, const std::string& type, const std::string& reason) {
    const CampaignStatus from = c.status;
    // Only a campaign the delivery engine runs can report: others keep their state (and their purge date).
    const bool running =
        is_live(c.status) || c.status == CampaignStatus::publishing || c.status == CampaignStatus::closed;
    if (!running)
        throw Error::conflict("not_running",
                              "execution events apply to scheduled, active, paused, publishing or "
                              "closed campaigns",
                              {{"status", to_string(c.status)}});
    if (type == "failed") {
        const auto sandbox = tx.sandbox(c.tenant, c.sandbox);
        if (!sandbox) throw Error::not_found("sandbox");
        const LifecycleFacts f = Gate(tx, c.tenant).facts(*sandbox, c, actor.at, actor.name());
        enter(c, require_transition(c, CampaignAction::execution_failed, f), actor.at);
    }
    Journal journal(tx, actor);
    discard_draft_of_final(tx, journal, c, "campaign failed");
    c.alerts.push_back(Alert{type == "failed" ? "execution_failed" : "warning", reason, actor.at});
    mark_changed(c, actor);
    tx.update_campaign(c);
    journal.emit(CampaignStatusChanged{c, from});
    journal.record(c.tenant, "campaign.execution_" + type, target_of(c),
                   {{"from", to_string(from)}, {"to", to_string(c.status)}, {"reason", reason}});
    return c;
}

DueResult apply_due_events(Tx& tx, const Actor& actor, const CampaignRef& ref) {
    constexpr int max_steps_per_campaign = 8;
    DueResult out;
    auto found = tx.campaign(ref.tenant, ref.sandbox, ref.id);
    if (!found) return out;
    Campaign c = std::move(*found);
    Journal journal(tx, actor);
    std::size_t& steps = out.applied;
    for (int i = 0; i < max_steps_per_campaign; ++i) {
        const auto event = next_due(c);
        if (!event || event->at > actor.at) break;
        if (event->action == CampaignAction::purge_due) {
            tx.delete_campaign(c.tenant, c.sandbox, c.id);
            // The campaign is gone; the audit log keeps a tombstone of what it was.
            journal.record(c.tenant, "campaign.purged", target_of(c),
                           {{"id", c.id},
                            {"key", c.key},
                            {"name", c.spec.name},
                            {"archived_since", format_rfc3339(c.updated_at)}});
            ++steps;
            return out;
        }
        // Decided as of the moment the event fell due, not as of this (possibly late) pass.
        const Transition t = transition(c.status, event->action, facts_of(c, event->at, false));
        if (!t.allowed) {
            out.stuck = event->action;
            out.stuck_status = c.status;
            break;
        }
        const CampaignStatus from = c.status;
        enter(c, t, event->at);
        json::object details{
            {"from", to_string(from)}, {"to", to_string(c.status)}, {"due_at", format_rfc3339(event->at)}};
        // Not a clean completion when the run raised alerts (seed: "Terminé … sans erreur").
        if (c.status == CampaignStatus::completed) {
            details["without_errors"] = c.alerts.empty();
            details["alerts"] = c.alerts.size();
        }
        journal.record(c.tenant, audit_name(event->action), target_of(c), std::move(details));
        journal.emit(CampaignStatusChanged{c, from});
        discard_draft_of_final(tx, journal, c, "campaign " + std::string(to_string(c.status)));
        ++steps;
    }
    if (steps > 0) {
        mark_changed(c, actor);
        tx.update_campaign(c);
    }
    return out;
}

}  // namespace ferry::workflows

namespace ferry::workflows {

namespace {

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

}  // namespace

Campaign edit_campaign(Tx& tx, const Actor& actor, Campaign c, const json::object& body,
                       const std::optional<std::string>& type_text,
                       const std::optional<std::vector<std::string>>& tags) {
    if (const auto* key = body.if_contains("key"); key && (!key->is_string() || key->get_string() != c.key))
        throw Error::invalid_field("key", "key cannot be changed");
    const bool spec_change = touches_spec(body) || type_text.has_value();
    const EditRule rule = edit_rule(c.status, c.draft.has_value(), !spec_change);
    if (rule.mode == EditMode::refused) {
        std::string message = "the campaign cannot be edited while " + std::string(to_string(c.status));
        if (rule.refusal == "draft_version_exists")
            message = "a draft version exists: edit it with PUT .../draft, or discard it first";
        throw Error(ErrorKind::conflict, rule.refusal, message, {{"status", to_string(c.status)}});
    }
    json::object changes;
    if (tags && c.draft && c.draft->in_review)
        throw Error::conflict("content_locked",
                              "tags decide which approvals apply: they are locked while the draft "
                              "version is in review");
    if (tags) {
        c.tags = *tags;
        const auto* sent = body.if_contains("tags");
        changes["tags"] = sent ? *sent : json::value(nullptr);
    }
    if (type_text) {
        const auto type = parse_campaign_type(*type_text);
        if (!type) throw Error::invalid_field("type", "type must be action, api_triggered or orchestrated");
        if (*type != c.type && c.status != CampaignStatus::draft)
            throw Error::invalid_field("type", "type can only change while the campaign is a draft");
        if (*type != c.type) c.spec_edited_by = actor.name();  // the type is reviewed content too
        c.type = *type;
    }
    if (touches_spec(body)) {
        SandboxReferences refs(tx, c.tenant, c.sandbox);
        CampaignSpec spec = parse_spec(merged_spec(c.spec, body), refs, true);
        restore_secrets(spec, &c.spec);
        if (rule.mode == EditMode::via_draft_version) {
            // Editing a live campaign creates its one draft version; the live version runs on untouched.
            c.draft = DraftVersion{std::move(spec), actor.at, actor.name(), false};
            changes["draft_version"] = "created";
        } else {
            c.spec = std::move(spec);
            c.spec_edited_by = actor.name();
            changes["spec"] = "edited";
        }
    }
    mark_changed(c, actor);
    tx.update_campaign(c);
    Journal(tx, actor).record(c.tenant, "campaign.update", target_of(c), std::move(changes));
    void_changed_package_reviews(tx, actor, c.sandbox);
    return c;
}

Campaign put_draft_version(Tx& tx, const Actor& actor, Campaign c, const json::object& body) {
    if (!is_live(c.status))
        throw Error::conflict("not_live",
                              "only a scheduled, active or paused campaign has a draft version; edit a "
                              "draft campaign with PATCH",
                              {{"status", to_string(c.status)}});
    if (c.draft && c.draft->in_review)
        throw Error::conflict("content_locked", "the draft version is in review: withdraw the review first");
    SandboxReferences refs(tx, c.tenant, c.sandbox);
    const bool created = !c.draft;
    CampaignSpec spec = parse_spec(body, refs, true);
    restore_secrets(spec, c.draft ? &c.draft->spec : &c.spec);
    c.draft = DraftVersion{std::move(spec), actor.at, actor.name(), false};
    mark_changed(c, actor);
    tx.update_campaign(c);
    Journal(tx, actor).record(c.tenant, created ? "campaign.draft_create" : "campaign.draft_update", target_of(c));
    return c;
}

}  // namespace ferry::workflows
