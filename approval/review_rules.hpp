#pragma once
// The rules for deciding a review (product.md §4), as one pure function and the same for every
// kind of subject (a draft campaign, a live campaign's draft version, a package): who may approve,
// request changes or withdraw, what a changed content does to the review, and who never counts.
// No storage, no clock: the caller gathers DecisionFacts in the deciding transaction.

#include "approval/review.hpp"
#include "core/error.hpp"

#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::approval {

enum class Decision { approve, request_changes, withdraw };
std::string_view to_string(Decision d);

// What the rules look at, as things are at the moment of the decision.
struct DecisionFacts {
    ReviewState state = ReviewState::pending;
    std::string requested_by;
    // The last editors of the content under review: a campaign's (or draft version's) last
    // editor; for a package, its own last editor and the last editors of everything it holds.
    std::set<std::string> editors;
    // The content's digest differs from the review's, or the subject is gone.
    bool content_changed = false;
    std::vector<std::string> approved_by;  // users whose approval of this review is recorded
    bool eligible = false;                 // the decider may approve for at least one requirement now
    bool tenant_admin = false;             // the decider is admin on "*"
};

enum class Verdict {
    proceed,      // the decision is taken
    void_review,  // the review ends as voided (and the decision answers 409 review_stale)
    refuse,       // nothing changes; `refusal` says why
};

struct Ruling {
    Verdict verdict = Verdict::proceed;
    std::optional<Error> refusal;  // with refuse, and with void_review (the answer after voiding)
};

Ruling rule(Decision decision, std::string_view who, const DecisionFacts& facts);

// Whose approvals never count: the requester and the content's last editors.
std::set<std::string> excluded(const std::string& requested_by, const std::set<std::string>& editors);

// The comment a voided review carries.
inline constexpr std::string_view void_reason = "the content changed since the review was requested";

}  // namespace ferry::approval
