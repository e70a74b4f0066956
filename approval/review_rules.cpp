#include "review_rules.hpp"

#include <algorithm>

namespace ferry::approval {

namespace {

Ruling refuse(Error e) { return Ruling{Verdict::refuse, std::move(e)}; }

}  // namespace

std::string_view to_string(Decision d) {
    switch (d) {
        case Decision::approve: return "approve";
        case Decision::request_changes: return "request_changes";
        case Decision::withdraw: return "withdraw";
    }
    return "approve";
}

std::set<std::string> excluded(const std::string& requested_by, const std::set<std::string>& editors) {
    std::set<std::string> out = editors;
    out.insert(requested_by);
    out.erase("");
    return out;
}

// The checks run in this order, so that each answer names the first thing in the way: a closed
// review; for an approval, whether the content is still what was requested; who may decide;
// whether this approver has approved already.
Ruling rule(Decision decision, std::string_view who, const DecisionFacts& f) {
    if (f.state != ReviewState::pending)
        return refuse(Error::conflict("review_closed", "the review is already " + std::string(to_string(f.state)),
                                      {{"state", to_string(f.state)}}));
    const std::string me(who);
    if (decision == Decision::withdraw) {
        if (me != f.requested_by && !f.tenant_admin)
            return refuse(Error(ErrorKind::forbidden, "forbidden",
                                "only the submitter (or an administrator) can withdraw a review"));
        return {};
    }
    // An approval is of the exact content requested: a changed content voids the review, whoever
    // finds it out (nothing of it could be approved any more).
    if (decision == Decision::approve && f.content_changed)
        return Ruling{Verdict::void_review,
                      Error::conflict("review_stale",
                                      "the content changed since the review was requested: ask again to "
                                      "request a new review")};
    // Approving and requesting changes are a reviewer's: never one's own change.
    if (excluded(f.requested_by, f.editors).count(me))
        return refuse(Error(ErrorKind::forbidden, "self_approval",
                            "the submitter and the last editor cannot review their own change"));
    if (!f.eligible)
        return refuse(
            Error(ErrorKind::forbidden, "not_eligible", "you are not an approver of any policy this review needs"));
    if (decision == Decision::request_changes) return {};  // a veto, whatever the content is now
    if (std::find(f.approved_by.begin(), f.approved_by.end(), me) != f.approved_by.end())
        return refuse(
            Error::conflict("already_approved", "you approved this already; approvals count once per person"));
    return {};
}

}  // namespace ferry::approval
