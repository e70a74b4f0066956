#pragma once
// A request for approval: what was submitted (bound to its content digest), by whom, and how it
// was decided. Approvals are stored beside it, one per approver.

#include "approval/policy.hpp"

#include <optional>
#include <string>

namespace ferry::approval {

// voided: the content under review changed (or is gone), so the review ended by itself.
enum class ReviewState { pending, approved, changes_requested, withdrawn, voided };
std::string_view to_string(ReviewState s);
std::optional<ReviewState> parse_review_state(std::string_view s);

struct Review {
    std::string tenant;
    std::string id;
    Scope scope = Scope::campaign;
    std::string sandbox;
    std::string subject_kind;  // "campaign" (a draft campaign), "campaign_draft" (a live campaign's draft version), "package"
    std::string subject_id;
    std::string subject_name;
    std::string digest;        // of the content submitted
    ReviewState state = ReviewState::pending;
    std::string requested_by;
    std::string last_editor;   // of the content, at submission (a package's own last editor; review_rules adds its content's)
    Timestamp requested_at;
    std::optional<Timestamp> decided_at;
    std::string decided_by;
    std::string comment;       // the decision's comment
};

}  // namespace ferry::approval
