#include "workflows/reviews.hpp"

#include "campaigns/timing.hpp"
#include "core/canonical_json.hpp"
#include "core/crypto.hpp"
#include "workflows/package_snapshot.hpp"
#include "workflows/pipelines.hpp"

#include <algorithm>

namespace ferry::workflows {

namespace json = boost::json;
using approval::Review;
using approval::ReviewState;

namespace {

using approval::SubjectKind;

bool is_package(const Review& r) { return r.subject_kind == SubjectKind::package; }

std::string new_review_id() { return "rev_" + crypto::random_base62(20); }

// The audit action of a review's end.
std::string_view ending_action(ReviewState state) {
    switch (state) {
        case ReviewState::changes_requested: return "review.request_changes";
        case ReviewState::voided: return "review.void";
        default: return "review.withdraw";
    }
}

// Ends a pending review in `state` (never approved): recorded, audited, announced.
void close_review(Tx& tx, Journal& journal, Review& r, ReviewState state, const std::string& comment,
                  json::object details, std::optional<std::int64_t> live_version = std::nullopt) {
    r.state = state;
    r.decided_at = journal.actor().at;
    r.decided_by = journal.actor().name();
    r.comment = comment;
    tx.update_review(r);
    journal.record(r.tenant, ending_action(state), "reviews/" + r.id, std::move(details));
    journal.emit(ReviewDecided{r, live_version});
}

bool eligible_for_any(const ReviewStatus& s, const Gate& gate, const std::string& who) {
    const auto me = gate.member(who);
    return me && std::any_of(s.requirements.begin(), s.requirements.end(),
                             [&](const auto& req) { return approval::eligible(req.approvers, s.review.sandbox, *me); });
}

approval::DecisionFacts decision_facts(const ReviewStatus& s, const Gate& gate, const Actor& actor) {
    approval::DecisionFacts f;
    f.state = s.review.state;
    f.requested_by = s.review.requested_by;
    f.editors = s.editors;
    f.content_changed = s.content_changed;
    for (const auto& a : s.approvals) f.approved_by.push_back(a.user);
    f.eligible = eligible_for_any(s, gate, actor.name());
    f.tenant_admin = actor.is_tenant_admin();
    return f;
}

approval::Evaluation evaluate(const ReviewStatus& s, const Gate& gate) {
    return approval::evaluate(
        s.requirements, s.review.sandbox, s.review.digest, s.approvals,
        [&](std::string_view u) { return gate.member(u); }, approval::excluded(s.review.requested_by, s.editors));
}

// Ends the review of a package (changes requested, withdrawn, voided).
void end_package_review(Tx& tx, Journal& journal, Review& r, ReviewState state, const std::string& comment) {
    close_review(tx, journal, r, state, comment, {{"package", r.subject_name}, {"comment", comment}});
}

// Ends a review that was not approved, whatever its subject.
void end_review(Tx& tx, Journal& journal, ReviewStatus& s, ReviewState state, const std::string& comment) {
    if (!is_package(s.review) && s.campaign) {
        end_campaign_review(tx, journal, s.review, *s.campaign, state, comment);
        return;
    }
    end_package_review(tx, journal, s.review, state, comment);
}

}  // namespace

const CampaignSpec* reviewed_spec(const Review& r, const Campaign& c) {
    if (r.subject_kind == SubjectKind::campaign_draft) return c.draft ? &c.draft->spec : nullptr;
    return &c.spec;
}

ReviewStatus review_status(Tx& tx, const Gate& gate, Review r) {
    ReviewStatus s;
    s.approvals = tx.approvals(r.tenant, r.id);
    if (is_package(r)) {
        s.requirements = gate.package_requirements(r.sandbox, r.subject_name, r.requested_by);
        s.editors = {r.last_editor};
        const auto p = tx.package(r.tenant, r.subject_name);
        if (!p || p->deleted) {
            s.content_changed = true;
        } else {
            // The editors of everything the package holds never count: they changed the content.
            try {
                PackageSnapshot snapshot = package_snapshot(tx, *p);
                s.content_changed = package_content_digest(*p, snapshot) != r.digest;
                s.editors.insert(snapshot.editors.begin(), snapshot.editors.end());
                s.package = *p;
                s.snapshot = std::move(snapshot);
            } catch (const Error&) {
                s.content_changed = true;  // it cannot be published as it is: not what was requested
            }
        }
    } else {
        s.editors = {r.last_editor};
        s.campaign = tx.campaign(r.tenant, r.sandbox, r.subject_id);
        const auto sandbox = tx.sandbox(r.tenant, r.sandbox);
        const CampaignSpec* spec = s.campaign ? reviewed_spec(r, *s.campaign) : nullptr;
        if (spec && sandbox) s.requirements = gate.requirements(*sandbox, *s.campaign, *spec, r.requested_by);
        s.content_changed = spec == nullptr || review_digest(*s.campaign, *spec, tx.review_key(r.tenant)) != r.digest;
    }
    s.review = std::move(r);
    s.evaluation = evaluate(s, gate);
    return s;
}

Review visible_review(Tx& tx, const Actor& actor, std::string_view review_id) {
    auto r = tx.review(actor.tenant, review_id);
    // A review of a sandbox the caller cannot see does not exist for them.
    if (!r || !actor.sees(r->sandbox)) throw Error::not_found("review");
    return std::move(*r);
}

void open_campaign_review(Tx& tx, Journal& journal, const Campaign& c, const Sandbox& sandbox, bool draft_version) {
    const CampaignSpec& spec = draft_version ? c.draft->spec : c.spec;
    Review r;
    r.tenant = c.tenant;
    r.id = new_review_id();
    r.scope = approval::Scope::campaign;
    r.sandbox = sandbox.id;
    r.subject_kind = draft_version ? SubjectKind::campaign_draft : SubjectKind::campaign;
    r.subject_id = c.id;
    r.subject_name = spec.name;
    r.digest = review_digest(c, spec, tx.review_key(c.tenant));
    r.requested_by = journal.actor().name();
    r.last_editor = draft_version ? c.draft->updated_by : c.spec_edited_by;
    r.requested_at = journal.actor().at;
    tx.insert_review(r);
    journal.record(c.tenant, "review.request", "reviews/" + r.id,
                   {{"campaign", c.id}, {"kind", approval::to_string(r.subject_kind)}, {"digest", r.digest}});
    journal.emit(ReviewRequested{r});
}

void cancel_pending_review(Tx& tx, Journal& journal, Campaign& c, const std::string& reason) {
    auto review = tx.pending_review(c.tenant, c.sandbox, c.id);
    if (!review) return;
    if (c.draft) c.draft->in_review = false;
    close_review(tx, journal, *review, ReviewState::withdrawn, reason, {{"campaign", c.id}, {"reason", reason}});
}

void end_campaign_review(Tx& tx, Journal& journal, Review& review, Campaign& c, ReviewState state,
                         const std::string& comment) {
    const CampaignStatus from = c.status;
    if (review.subject_kind == SubjectKind::campaign) {
        // A veto, a withdrawal or a void: back to draft, through the lifecycle's rows.
        const CampaignAction action =
            state == ReviewState::changes_requested ? CampaignAction::request_changes : CampaignAction::withdraw;
        if (const Transition t = transition(c.status, action, facts_of(c, journal.actor().at, true)); t.allowed)
            enter(c, t, journal.actor().at);
        c.submitted_by.clear();
    } else if (c.draft) {
        c.draft->in_review = false;
    }
    mark_changed(c, journal.actor());
    tx.update_campaign(c);
    close_review(tx, journal, review, state, comment,
                 {{"campaign", c.id}, {"from", to_string(from)}, {"to", to_string(c.status)}, {"comment", comment}});
    journal.emit(CampaignStatusChanged{c, from});
}

namespace {

// The review once approved: the campaign goes live (or its draft version replaces the live one).
void complete_campaign_review(Tx& tx, Journal& journal, const Gate& gate, Review& review, Campaign& c) {
    const Actor& actor = journal.actor();
    const Sandbox sandbox = or_not_found(tx.sandbox(review.tenant, review.sandbox), "sandbox");
    review.state = ReviewState::approved;
    review.decided_at = actor.at;
    review.decided_by = actor.name();
    tx.update_review(review);
    const CampaignStatus from = c.status;
    if (review.subject_kind == SubjectKind::campaign) {
        const LifecycleFacts f = gate.facts(sandbox, c, actor.at, review.requested_by);
        const Transition t = require_transition(c, CampaignAction::approve, f);
        require_ready(tx, c, c.spec);
        go_live(tx, c, review.requested_by, actor.at);
        enter(c, t, actor.at);
        c.submitted_by.clear();
    } else {
        if (!is_live(c.status) || !c.draft)
            throw Error::conflict("review_stale", "the campaign is no longer live: its draft version cannot go live",
                                  {{"status", to_string(c.status)}});
        require_ready(tx, c, c.draft->spec);
        replace_live_with_draft(tx, c, review.requested_by, actor.at);
    }
    mark_changed(c, actor);
    tx.update_campaign(c);
    journal.record(c.tenant, "campaign.approve", c.sandbox + "/campaigns/" + c.id,
                   {{"review", review.id},
                    {"from", to_string(from)},
                    {"to", to_string(c.status)},
                    {"live_version", c.live_version}});
    journal.emit(ReviewDecided{review, c.live_version});
    journal.emit(CampaignStatusChanged{c, from});
}

}  // namespace

Review request_changes(Tx& tx, const Actor& actor, std::string_view review_id, const std::string& comment) {
    const Gate gate(tx, actor.tenant);
    ReviewStatus s = review_status(tx, gate, visible_review(tx, actor, review_id));
    const approval::Ruling ruling =
        approval::rule(approval::Decision::request_changes, actor.name(), decision_facts(s, gate, actor));
    if (ruling.refusal) throw *ruling.refusal;
    if (!is_package(s.review) && !s.campaign)
        throw Error::conflict("review_stale", "the campaign under review no longer exists");
    Journal journal(tx, actor);
    // One request for changes is a veto: every approval of this review is spent.
    end_review(tx, journal, s, ReviewState::changes_requested, comment);
    return s.review;
}

Review withdraw(Tx& tx, const Actor& actor, std::string_view review_id) {
    Review r = visible_review(tx, actor, review_id);
    approval::DecisionFacts f;
    f.state = r.state;
    f.requested_by = r.requested_by;
    f.tenant_admin = actor.is_tenant_admin();
    const approval::Ruling ruling = approval::rule(approval::Decision::withdraw, actor.name(), f);
    if (ruling.refusal) throw *ruling.refusal;
    Journal journal(tx, actor);
    if (is_package(r)) {
        end_package_review(tx, journal, r, ReviewState::withdrawn, "");
        return r;
    }
    auto c = tx.campaign(r.tenant, r.sandbox, r.subject_id);
    if (!c) throw Error::conflict("review_stale", "the campaign under review no longer exists");
    end_campaign_review(tx, journal, r, *c, ReviewState::withdrawn, "");
    return r;
}

ApprovalOutcome approve(Tx& tx, const Actor& actor, std::string_view review_id, const std::string& comment) {
    const Gate gate(tx, actor.tenant);
    ReviewStatus s = review_status(tx, gate, visible_review(tx, actor, review_id));
    const approval::Ruling ruling =
        approval::rule(approval::Decision::approve, actor.name(), decision_facts(s, gate, actor));
    Journal journal(tx, actor);
    if (ruling.verdict == approval::Verdict::void_review) {
        end_review(tx, journal, s, ReviewState::voided, std::string(approval::void_reason));
        return ApprovalOutcome{s.review, ruling.refusal, std::nullopt};
    }
    if (ruling.refusal) throw *ruling.refusal;
    Review& r = s.review;
    const approval::Approval mine{actor.name(), r.digest, actor.at, comment};
    tx.insert_approval(r.tenant, r.id, mine);
    journal.record(r.tenant, "review.approve", "reviews/" + r.id, {{"digest", r.digest}, {"comment", comment}});
    // Evaluated here, in the transaction that decides: current policies, current roles.
    s.approvals.push_back(mine);
    s.evaluation = evaluate(s, gate);
    ApprovalOutcome out;
    if (s.evaluation.satisfied) {
        if (is_package(r)) {
            r.state = ReviewState::approved;
            r.decided_at = actor.at;
            r.decided_by = actor.name();
            tx.update_review(r);
            // Announced with the version it publishes (workflows::approve_review), or not at all
            // if that version cannot be written and the approval is taken back.
            // Only the approvals that counted go into the manifest.
            std::set<std::string> counted;
            for (const auto& state : s.evaluation.requirements)
                counted.insert(state.counted.begin(), state.counted.end());
            Publication p{std::move(*s.package), std::move(*s.snapshot), r.digest, r.requested_by, {}};
            for (const auto& a : s.approvals)
                if (a.digest == r.digest && counted.count(a.user)) p.approvals.push_back(a);
            out.publish = std::move(p);
        } else {
            // Going live in a frozen sandbox waits for the window's end (the approval is not kept).
            require_unfrozen(tx, actor, r.sandbox, std::nullopt, "review", "reviews/" + r.id);
            complete_campaign_review(tx, journal, gate, r, *s.campaign);
        }
    }
    out.review = r;
    return out;
}

std::string package_content_digest(Tx& tx, const packager::Package& package) {
    return package_content_digest(package, package_snapshot(tx, package));
}

void reopen_package_review(Tx& tx, Journal& journal, const std::string& tenant, const std::string& review_id,
                           const std::string& reason) {
    auto r = tx.review(tenant, review_id);
    if (!r || r->state != ReviewState::approved) return;
    const std::string approver = r->decided_by;
    tx.delete_approval(tenant, r->id, approver);
    r->state = ReviewState::pending;
    r->decided_at.reset();
    r->decided_by.clear();
    r->comment.clear();
    tx.update_review(*r);
    journal.record(tenant, "review.reopen", "reviews/" + r->id,
                   {{"package", r->subject_name}, {"approval_taken_back", approver}, {"reason", reason}});
}

std::string package_content_digest(const packager::Package& package, const PackageSnapshot& snapshot) {
    json::array objects;
    for (const auto& o : snapshot.objects) objects.push_back(json::object{{"path", o.path}, {"sha256", o.sha256}});
    return content_digest(json::object{{"package", package.name}, {"objects", std::move(objects)}});
}

void void_changed_package_reviews(Tx& tx, const Actor& actor, std::string_view sandbox) {
    for (Review& r : tx.reviews(actor.tenant, ReviewState::pending, 10000)) {
        if (r.subject_kind != SubjectKind::package || r.sandbox != sandbox) continue;
        const auto p = tx.package(r.tenant, r.subject_name);
        bool changed = !p || p->deleted;
        if (!changed) {
            try {
                changed = package_content_digest(tx, *p) != r.digest;
            } catch (const Error&) {
                changed = true;  // it can no longer be packaged (a campaign archived or gone)
            }
        }
        if (!changed) continue;
        Journal journal(tx, actor);
        end_package_review(tx, journal, r, ReviewState::voided, std::string(approval::void_reason));
    }
}

bool package_review_required(Tx& tx, const Actor& actor, const packager::Package& p) {
    return !Gate(tx, actor.tenant).package_requirements(p.source_sandbox, p.name, actor.name()).empty();
}

std::optional<Review> request_package_review(Tx& tx, const Actor& actor, const packager::Package& p) {
    const Gate gate(tx, actor.tenant);
    if (gate.package_requirements(p.source_sandbox, p.name, actor.name()).empty()) return std::nullopt;
    const std::string digest = package_content_digest(tx, p);
    Journal journal(tx, actor);
    if (auto pending = tx.pending_review(p.tenant, p.source_sandbox, "package:" + p.name)) {
        if (pending->digest == digest) return pending;
        // The content changed since that review was requested: it is void; a new one starts.
        end_package_review(tx, journal, *pending, ReviewState::voided, std::string(approval::void_reason));
    }
    Review r;
    r.tenant = p.tenant;
    r.id = new_review_id();
    r.scope = approval::Scope::package;
    r.sandbox = p.source_sandbox;
    r.subject_kind = SubjectKind::package;
    r.subject_id = "package:" + p.name;
    r.subject_name = p.name;
    r.digest = digest;
    r.requested_by = actor.name();
    r.last_editor = p.updated_by;
    r.requested_at = actor.at;
    tx.insert_review(r);
    journal.record(p.tenant, "review.request", "reviews/" + r.id, {{"package", p.name}, {"digest", digest}});
    journal.emit(ReviewRequested{r});
    return r;
}

}  // namespace ferry::workflows
