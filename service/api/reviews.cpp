// Reviews: the queue, what was submitted (and for a draft version, what changes), and the
// decisions. Every decision is taken inside one transaction that re-reads the policies and the
// approvers' current roles, so eligibility is judged at the moment the campaign would go live.

#include "api/campaign_ops.hpp"
#include "api/handlers.hpp"
#include "api/package_ops.hpp"
#include "api/json_io.hpp"
#include "api/sandbox_objects.hpp"
#include "api/wire.hpp"
#include "core/json_diff.hpp"
#include "webhooks/events.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace ferry::api {

namespace json = boost::json;

namespace {

struct ReviewView {
    approval::Review review;
    std::optional<Campaign> campaign;
    std::vector<approval::Requirement> requirements;
    std::vector<approval::Approval> approvals;
    approval::Evaluation evaluation;
};

std::set<std::string> excluded_from(const approval::Review& r) { return {r.requested_by, r.last_editor}; }

const CampaignSpec* reviewed_spec(const approval::Review& r, const Campaign& c) {
    if (r.subject_kind == "campaign_draft") return c.draft ? &c.draft->spec : nullptr;
    return &c.spec;
}

ReviewView view_of(Tx& tx, const Gate& gate, approval::Review r) {
    ReviewView v;
    v.approvals = tx.approvals(r.tenant, r.id);
    if (r.subject_kind == "package") {
        v.requirements = gate.package_requirements(r.sandbox, r.subject_name, r.requested_by);
        v.evaluation = approval::evaluate(v.requirements, r.sandbox, r.digest, v.approvals,
                                          [&](std::string_view u) { return gate.member(u); }, excluded_from(r));
        v.review = std::move(r);
        return v;
    }
    v.campaign = tx.campaign(r.tenant, r.sandbox, r.subject_id);
    const auto sandbox = tx.sandbox(r.tenant, r.sandbox);
    if (v.campaign && sandbox)
        if (const CampaignSpec* spec = reviewed_spec(r, *v.campaign))
            v.requirements = gate.requirements(*sandbox, *v.campaign, *spec, r.requested_by);
    v.evaluation = approval::evaluate(v.requirements, r.sandbox, r.digest, v.approvals,
                                      [&](std::string_view u) { return gate.member(u); }, excluded_from(r));
    v.review = std::move(r);
    return v;
}

json::object review_json(const ReviewView& v, bool full) {
    const approval::Review& r = v.review;
    json::array required;
    std::set<std::string> counting;
    for (const auto& state : v.evaluation.requirements) {
        json::array counted;
        for (const auto& u : state.counted) {
            counted.emplace_back(u);
            counting.insert(u);
        }
        required.push_back(json::object{{"source", state.requirement.source},
                                        {"name", state.requirement.name},
                                        {"approvers", approval::to_json(state.requirement.approvers)},
                                        {"required", state.requirement.required},
                                        {"counted", std::move(counted)},
                                        {"satisfied", state.satisfied}});
    }
    json::array approvals;
    for (const auto& a : v.approvals)
        approvals.push_back(json::object{{"user", a.user},
                                         {"at", format_rfc3339(a.at)},
                                         {"comment", a.comment},
                                         {"counts", a.digest == r.digest && counting.count(a.user) > 0}});
    json::value decided_at = nullptr;
    if (r.decided_at) decided_at = json::value(format_rfc3339(*r.decided_at));
    json::object subject{{"kind", r.subject_kind}, {"sandbox", r.sandbox}, {"name", r.subject_name}};
    if (r.subject_kind == "package") subject["package"] = r.subject_name;
    else subject["campaign"] = r.subject_id;
    json::object out{{"id", r.id},
                     {"state", approval::to_string(r.state)},
                     {"scope", approval::to_string(r.scope)},
                     {"subject", std::move(subject)},
                     {"digest", r.digest},
                     {"requested_by", r.requested_by},
                     {"requested_at", format_rfc3339(r.requested_at)},
                     {"last_editor", r.last_editor},
                     {"required", std::move(required)},
                     {"approvals", std::move(approvals)},
                     {"decided_at", std::move(decided_at)},
                     {"decided_by", r.decided_by},
                     {"comment", r.comment}};
    if (full && v.campaign) {
        if (const CampaignSpec* spec = reviewed_spec(r, *v.campaign)) {
            out["content"] = redacted_spec_json(*spec);
            // For a draft version, what would change in the live version.
            if (r.subject_kind == "campaign_draft")
                out["diff"] = json_diff(redacted_spec_json(v.campaign->spec), redacted_spec_json(*spec));
        }
    }
    return out;
}

approval::Review visible_review(Tx& tx, const Context& ctx) {
    auto r = tx.review(ctx.caller.tenant, ctx.param("review"));
    // A review of a sandbox the caller cannot see does not exist for them.
    if (!r || !can_see_sandbox(ctx.caller, r->sandbox)) throw Error::not_found("review");
    return std::move(*r);
}

void require_pending(const approval::Review& r) {
    if (r.state != approval::ReviewState::pending)
        throw Error::conflict("review_closed", "the review is already " + std::string(approval::to_string(r.state)),
                              {{"state", approval::to_string(r.state)}});
}

// The reviewer checks shared by approve and request-changes.
void require_reviewer(const ReviewView& v, const Context& ctx, const Gate& gate) {
    if (excluded_from(v.review).count(ctx.actor()))
        throw Error(ErrorKind::forbidden, "self_approval", "the submitter and the last editor cannot review their own change");
    const auto me = gate.member(ctx.actor());
    const bool eligible = me && std::any_of(v.requirements.begin(), v.requirements.end(), [&](const auto& req) {
                              return approval::eligible(req.approvers, v.review.sandbox, *me);
                          });
    if (!eligible) throw Error(ErrorKind::forbidden, "not_eligible", "you are not an approver of any policy this review needs");
}

Campaign reviewed_campaign(const ReviewView& v) {
    if (!v.campaign) throw Error::conflict("review_stale", "the campaign under review no longer exists");
    return *v.campaign;
}

http::Response review_response(Tx& tx, const Gate& gate, const approval::Review& r) {
    return json_response(200, review_json(view_of(tx, gate, r), true));
}

http::Response close_package_review(Tx& tx, const Gate& gate, approval::Review& r, approval::ReviewState state,
                                    const Context& ctx, Timestamp now, const std::string& comment) {
    r.state = state;
    r.decided_at = now;
    r.decided_by = ctx.actor();
    r.comment = comment;
    tx.update_review(r);
    append_audit(tx, ctx.audit(r.tenant, state == approval::ReviewState::withdrawn ? "review.withdraw" : "review.request_changes",
                               "reviews/" + r.id, {{"package", r.subject_name}, {"comment", comment}}));
    webhooks::emit(tx, r.tenant, "review.decided",
                   {{"review", r.id}, {"package", r.subject_name}, {"decision", approval::to_string(state)},
                    {"by", ctx.actor()}, {"comment", comment}},
                   now);
    return review_response(tx, gate, r);
}

}  // namespace

http::Response list_reviews(Context& ctx) {
    std::optional<approval::ReviewState> state = approval::ReviewState::pending;
    if (const auto s = ctx.query("state")) {
        state = *s == "all" ? std::nullopt : approval::parse_review_state(*s);
        if (!state && *s != "all")
            throw Error(ErrorKind::bad_request, "invalid_query",
                        "state must be pending, approved, changes_requested, withdrawn or all", {{"parameter", "state"}});
    }
    const auto assigned = ctx.query("assigned");
    if (assigned && *assigned != "me")
        throw Error(ErrorKind::bad_request, "invalid_query", "assigned takes the value me", {{"parameter", "assigned"}});
    json::array items;
    ctx.store().read([&](Tx& tx) {
        const Gate gate(tx, ctx.caller.tenant);
        const auto me = gate.member(ctx.actor());
        for (auto& r : tx.reviews(ctx.caller.tenant, state, 500)) {
            if (!can_see_sandbox(ctx.caller, r.sandbox)) continue;
            const ReviewView v = view_of(tx, gate, r);
            if (assigned) {
                // Waiting for me: pending, not mine to approve as submitter or editor, not yet
                // approved by me, and I can count toward a requirement still unsatisfied.
                const bool mine = v.review.state == approval::ReviewState::pending && me &&
                                  !excluded_from(v.review).count(ctx.actor()) &&
                                  std::none_of(v.approvals.begin(), v.approvals.end(),
                                               [&](const auto& a) { return a.user == ctx.actor(); }) &&
                                  std::any_of(v.evaluation.requirements.begin(), v.evaluation.requirements.end(),
                                              [&](const auto& s) {
                                                  return !s.satisfied && approval::eligible(s.requirement.approvers,
                                                                                            v.review.sandbox, *me);
                                              });
                if (!mine) continue;
            }
            items.push_back(review_json(v, false));
        }
    });
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response get_review(Context& ctx) {
    return ctx.store().read([&](Tx& tx) {
        const Gate gate(tx, ctx.caller.tenant);
        return review_response(tx, gate, visible_review(tx, ctx));
    });
}

http::Response approve_review(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    const std::string comment = f.optional_string("comment", 2000).value_or("");
    f.finish();
    const Timestamp now = ctx.now();
    // A package review, once approved, publishes its version after this transaction: git work
    // does not run inside a database transaction.
    std::optional<approval::Review> to_publish;
    std::vector<approval::Approval> approvals;
    bool stale = false;
    http::Response res = ctx.store().write([&](Tx& tx) {
        const Gate gate(tx, ctx.caller.tenant);
        approval::Review r = visible_review(tx, ctx);
        require_pending(r);
        ReviewView v = view_of(tx, gate, r);
        if (r.subject_kind == "package") {
            require_reviewer(v, ctx, gate);
            // The approval is of the exact content requested; changed content voids the review.
            const auto p = tx.package(r.tenant, r.subject_name);
            if (!p || p->deleted || package_content_digest(tx, *p) != r.digest) {
                stale = true;
                r.state = approval::ReviewState::withdrawn;
                r.decided_at = now;
                r.decided_by = ctx.actor();
                r.comment = "the package's content changed since the review was requested";
                tx.update_review(r);
                append_audit(tx, ctx.audit(r.tenant, "review.withdraw", "reviews/" + r.id, {{"reason", r.comment}}));
                return review_response(tx, gate, r);
            }
            if (std::any_of(v.approvals.begin(), v.approvals.end(), [&](const auto& a) { return a.user == ctx.actor(); }))
                throw Error::conflict("already_approved", "you approved this already; approvals count once per person");
            tx.insert_approval(r.tenant, r.id, approval::Approval{ctx.actor(), r.digest, now, comment});
            append_audit(tx, ctx.audit(r.tenant, "review.approve", "reviews/" + r.id, {{"digest", r.digest}, {"comment", comment}}));
            v = view_of(tx, gate, r);
            if (v.evaluation.satisfied) {
                r.state = approval::ReviewState::approved;
                r.decided_at = now;
                r.decided_by = ctx.actor();
                tx.update_review(r);
                webhooks::emit(tx, r.tenant, "review.decided",
                               {{"review", r.id}, {"package", r.subject_name}, {"decision", "approved"}, {"by", ctx.actor()}}, now);
                to_publish = r;
                approvals = v.approvals;
            }
            return review_response(tx, gate, r);
        }
        Campaign c = reviewed_campaign(v);
        const CampaignSpec* spec = reviewed_spec(r, c);
        // The approval is of the exact content submitted; content that changed voids the review.
        if (spec == nullptr || review_digest(c, *spec) != r.digest)
            throw Error::conflict("review_stale", "the content changed since it was submitted");
        require_reviewer(v, ctx, gate);
        if (std::any_of(v.approvals.begin(), v.approvals.end(), [&](const auto& a) { return a.user == ctx.actor(); }))
            throw Error::conflict("already_approved", "you approved this already; approvals count once per person");
        const approval::Approval mine{ctx.actor(), r.digest, now, comment};
        tx.insert_approval(r.tenant, r.id, mine);
        append_audit(tx, ctx.audit(r.tenant, "review.approve", "reviews/" + r.id, {{"digest", r.digest}, {"comment", comment}}));
        // Re-evaluated here, in the transaction that would activate: current policies, current roles.
        v = view_of(tx, gate, r);
        if (v.evaluation.satisfied) {
            const Sandbox s = or_not_found(tx.sandbox(r.tenant, r.sandbox), "sandbox");
            complete_review(tx, gate, r, c, s, ctx, now);
        }
        return review_response(tx, gate, r);
    });
    if (stale)
        throw Error::conflict("review_stale", "the package's content changed since the review was requested: publish again "
                                              "to request a new review");
    if (!to_publish) return res;
    // Only the approvals that counted go into the manifest.
    std::vector<approval::Approval> counted;
    for (const auto& a : approvals)
        if (a.digest == to_publish->digest && !excluded_from(*to_publish).count(a.user)) counted.push_back(a);
    const auto version = publish_package(ctx, to_publish->subject_name, counted, to_publish->digest, to_publish->requested_by);
    auto decided = json::parse(res.body).as_object();
    decided["published"] = version_json(version);
    return json_response(200, decided);
}

http::Response request_review_changes(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    const std::string comment = f.required_string("comment", 2000);
    f.finish();
    if (comment.empty()) throw Error::invalid_field("comment", "say what needs to change");
    const Timestamp now = ctx.now();
    return ctx.store().write([&](Tx& tx) {
        const Gate gate(tx, ctx.caller.tenant);
        approval::Review r = visible_review(tx, ctx);
        require_pending(r);
        const ReviewView v = view_of(tx, gate, r);
        require_reviewer(v, ctx, gate);
        if (r.subject_kind == "package") return close_package_review(tx, gate, r, approval::ReviewState::changes_requested, ctx, now, comment);
        Campaign c = reviewed_campaign(v);
        // One request for changes is a veto: back to draft, every approval of this review spent.
        end_review(tx, r, c, approval::ReviewState::changes_requested, ctx, now, comment);
        return review_response(tx, gate, r);
    });
}

http::Response withdraw_review(Context& ctx) {
    Fields(ctx.body()).finish();
    const Timestamp now = ctx.now();
    return ctx.store().write([&](Tx& tx) {
        const Gate gate(tx, ctx.caller.tenant);
        approval::Review r = visible_review(tx, ctx);
        require_pending(r);
        if (r.requested_by != ctx.actor() && !is_tenant_admin(ctx.caller))
            throw Error(ErrorKind::forbidden, "forbidden", "only the submitter (or an administrator) can withdraw a review");
        if (r.subject_kind == "package") return close_package_review(tx, gate, r, approval::ReviewState::withdrawn, ctx, now, "");
        Campaign c = reviewed_campaign(view_of(tx, gate, r));
        end_review(tx, r, c, approval::ReviewState::withdrawn, ctx, now, "");
        return review_response(tx, gate, r);
    });
}

}  // namespace ferry::api
