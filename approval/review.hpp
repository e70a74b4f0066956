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

// What a review is about: a draft campaign going live, a live campaign's draft version replacing
// its live version, or a package version being published. Stored and shown as these names.
enum class SubjectKind { campaign, campaign_draft, package };
std::string_view to_string(SubjectKind k);
std::optional<SubjectKind> parse_subject_kind(std::string_view s);

struct Review {
    std::string tenant;
    std::string id;
    Scope scope = Scope::campaign;
    std::string sandbox;
    SubjectKind subject_kind = SubjectKind::campaign;
    std::string subject_id;
    std::string subject_name;
    std::string digest;  // of the content submitted
    ReviewState state = ReviewState::pending;
    std::string requested_by;
    std::string
        last_editor;  // of the content, at submission (a package's own last editor; review_rules adds its content's)
    Timestamp requested_at;
    std::optional<Timestamp> decided_at;
    std::string decided_by;
    std::string comment;  // the decision's comment
};

}  // namespace ferry::approval
