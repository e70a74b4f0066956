// Reviews: the queue, what was submitted (and for a draft version, what changes), and the
// decisions, each one use case of workflows/reviews.hpp in one transaction.

#include "workflows/reviews.hpp"

#include "api/campaign_ops.hpp"
#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/packages.hpp"
#include "api/sandbox_objects.hpp"
#include "api/wire.hpp"
#include "core/json_diff.hpp"

#include <boost/json/parse.hpp>

#include <algorithm>

namespace ferry::api {

namespace json = boost::json;

namespace {

using workflows::ReviewStatus;

json::object review_json(const ReviewStatus& v, bool full) {
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
    json::object subject{
        {"kind", approval::to_string(r.subject_kind)}, {"sandbox", r.sandbox}, {"name", r.subject_name}};
    if (r.subject_kind == approval::SubjectKind::package)
        subject["package"] = r.subject_name;
    else
        subject["campaign"] = r.subject_id;
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
        if (const CampaignSpec* spec = workflows::reviewed_spec(r, *v.campaign)) {
            out["content"] = redacted_spec_json(*spec);
            // For a draft version, what would change in the live version.
            if (r.subject_kind == approval::SubjectKind::campaign_draft)
                out["diff"] = json_diff(redacted_spec_json(v.campaign->spec), redacted_spec_json(*spec));
        }
    }
    return out;
}

// The review in full, as it stands in this transaction.
http::Response review_response(Tx& tx, const approval::Review& r) {
    return json_response(200, review_json(workflows::review_status(tx, Gate(tx, r.tenant), r), true));
}

}  // namespace

http::Response list_reviews(Context& ctx) {
    std::optional<approval::ReviewState> state = approval::ReviewState::pending;
    if (const auto s = ctx.query("state")) {
        state = *s == "all" ? std::nullopt : approval::parse_review_state(*s);
        if (!state && *s != "all")
            throw Error(ErrorKind::bad_request, "invalid_query",
                        "state must be pending, approved, changes_requested, withdrawn, voided or all",
                        {{"parameter", "state"}});
    }
    const auto assigned = ctx.query("assigned");
    if (assigned && *assigned != "me")
        throw Error(ErrorKind::bad_request, "invalid_query", "assigned takes the value me",
                    {{"parameter", "assigned"}});
    json::array items;
    ctx.store().read([&](Tx& tx) {
        const Gate gate(tx, ctx.caller.tenant);
        const auto me = gate.member(ctx.actor());
        for (auto& r : tx.reviews(ctx.caller.tenant, state, 500)) {
            if (!can_see_sandbox(ctx.caller, r.sandbox)) continue;
            const ReviewStatus v = workflows::review_status(tx, gate, r);
            if (assigned) {
                // Waiting for me: pending, not mine to approve as submitter or editor, not yet
                // approved by me, and I can count toward a requirement still unsatisfied.
                const bool mine =
                    v.review.state == approval::ReviewState::pending && me &&
                    !approval::excluded(v.review.requested_by, v.editors).count(ctx.actor()) &&
                    std::none_of(v.approvals.begin(), v.approvals.end(),
                                 [&](const auto& a) { return a.user == ctx.actor(); }) &&
                    std::any_of(v.evaluation.requirements.begin(), v.evaluation.requirements.end(), [&](const auto& s) {
                        return !s.satisfied && approval::eligible(s.requirement.approvers, v.review.sandbox, *me);
                    });
                if (!mine) continue;
            }
            items.push_back(review_json(v, false));
        }
    });
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response get_review(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    return ctx.store().read(
        [&](Tx& tx) { return review_response(tx, workflows::visible_review(tx, actor, ctx.param("review"))); });
}

http::Response approve_review(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    const std::string comment = f.optional_text("comment", 2000).value_or("");
    f.finish();
    const workflows::Actor actor = ctx.acting(ctx.now());
    // A package review that this approval completes publishes its version in the same use case,
    // counted among publishes.
    std::optional<Metrics::Measurement> measured;
    if (ctx.store()
            .read([&](Tx& tx) { return workflows::visible_review(tx, actor, ctx.param("review")); })
            .subject_kind == approval::SubjectKind::package)
        measured.emplace(ctx.services.metrics, Metrics::UseCase::publish);
    const workflows::Approved approved =
        workflows::approve_review(publish_services(ctx), actor, ctx.param("review"), comment);
    if (measured) measured->outcome(approved.published ? "published" : "approved");
    // The void of a review whose content changed is committed; the approval answers that.
    if (approved.stale) throw *approved.stale;
    http::Response res = ctx.store().read([&](Tx& tx) { return review_response(tx, approved.review); });
    if (!approved.published) return res;
    auto decided = json::parse(res.body).as_object();
    decided["published"] = version_json(*approved.published);
    return json_response(200, decided);
}

http::Response request_review_changes(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    const std::string comment = f.required_text("comment", 2000);
    f.finish();
    if (comment.empty()) throw Error::invalid_field("comment", "say what needs to change");
    const workflows::Actor actor = ctx.acting(ctx.now());
    return ctx.store().write([&](Tx& tx) {
        return review_response(tx, workflows::request_changes(tx, actor, ctx.param("review"), comment));
    });
}

http::Response withdraw_review(Context& ctx) {
    Fields(ctx.body()).finish();
    const workflows::Actor actor = ctx.acting(ctx.now());
    return ctx.store().write(
        [&](Tx& tx) { return review_response(tx, workflows::withdraw(tx, actor, ctx.param("review"))); });
}

}  // namespace ferry::api
