// The review rules as a table, like the lifecycle's: each row is a decision by someone on a
// review in some state, and what the rules answer. The rows hold for every kind of subject (a
// campaign, a draft version, a package): the facts are all the rules look at.

#include "approval/review_rules.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace ferry;
using namespace ferry::approval;

namespace {

// A pending review requested by "sub", whose content was last edited by "ed1" and "ed2" (for a
// package: its own last editor and the editors of what it holds), already approved by "r1".
DecisionFacts pending() {
    DecisionFacts f;
    f.state = ReviewState::pending;
    f.requested_by = "sub";
    f.editors = {"ed1", "ed2"};
    f.approved_by = {"r1"};
    f.eligible = true;
    return f;
}

struct Row {
    std::string name;
    Decision decision;
    std::string who;
    DecisionFacts facts;
    Verdict verdict;
    std::string code;  // of the refusal (or of the answer after a void); empty when it proceeds
};

DecisionFacts with(DecisionFacts f, auto change) {
    change(f);
    return f;
}

std::vector<Row> rows() {
    const auto closed = [](ReviewState s) { return with(pending(), [s](DecisionFacts& f) { f.state = s; }); };
    const auto changed = with(pending(), [](DecisionFacts& f) { f.content_changed = true; });
    const auto ineligible = with(pending(), [](DecisionFacts& f) { f.eligible = false; });
    const auto admin = with(pending(), [](DecisionFacts& f) { f.tenant_admin = true; });
    std::vector<Row> out{
        {"an eligible reviewer approves", Decision::approve, "r2", pending(), Verdict::proceed, ""},
        {"the submitter approves", Decision::approve, "sub", pending(), Verdict::refuse, "self_approval"},
        {"a last editor approves", Decision::approve, "ed1", pending(), Verdict::refuse, "self_approval"},
        {"another last editor approves", Decision::approve, "ed2", pending(), Verdict::refuse, "self_approval"},
        {"someone not eligible approves", Decision::approve, "r2", ineligible, Verdict::refuse, "not_eligible"},
        {"an approver approves twice", Decision::approve, "r1", pending(), Verdict::refuse, "already_approved"},
        {"changed content voids on approval", Decision::approve, "r2", changed, Verdict::void_review, "review_stale"},
        {"changed content voids whoever finds it out", Decision::approve, "sub", changed, Verdict::void_review,
         "review_stale"},
        {"changed content voids before eligibility", Decision::approve, "r2",
         with(changed, [](DecisionFacts& f) { f.eligible = false; }), Verdict::void_review, "review_stale"},
        {"changed content voids before a second approval", Decision::approve, "r1", changed, Verdict::void_review,
         "review_stale"},
        {"a reviewer requests changes", Decision::request_changes, "r2", pending(), Verdict::proceed, ""},
        {"an approver then vetoes", Decision::request_changes, "r1", pending(), Verdict::proceed, ""},
        {"a veto of changed content still ends it", Decision::request_changes, "r2", changed, Verdict::proceed, ""},
        {"the submitter requests changes", Decision::request_changes, "sub", pending(), Verdict::refuse,
         "self_approval"},
        {"a last editor requests changes", Decision::request_changes, "ed2", pending(), Verdict::refuse,
         "self_approval"},
        {"someone not eligible requests changes", Decision::request_changes, "r2", ineligible, Verdict::refuse,
         "not_eligible"},
        {"the submitter withdraws", Decision::withdraw, "sub", pending(), Verdict::proceed, ""},
        {"the submitter withdraws changed content", Decision::withdraw, "sub", changed, Verdict::proceed, ""},
        {"a tenant admin withdraws", Decision::withdraw, "adm", admin, Verdict::proceed, ""},
        {"a reviewer withdraws", Decision::withdraw, "r2", pending(), Verdict::refuse, "forbidden"},
        {"an editor withdraws", Decision::withdraw, "ed1", pending(), Verdict::refuse, "forbidden"},
    };
    for (const ReviewState s :
         {ReviewState::approved, ReviewState::changes_requested, ReviewState::withdrawn, ReviewState::voided})
        for (const Decision d : {Decision::approve, Decision::request_changes, Decision::withdraw})
            out.push_back({std::string(to_string(d)) + " on a review already " + std::string(to_string(s)), d, "sub",
                           closed(s), Verdict::refuse, "review_closed"});
    return out;
}

}  // namespace

TEST(ReviewRules, EveryRowOfTheTable) {
    for (const Row& row : rows()) {
        const Ruling r = rule(row.decision, row.who, row.facts);
        EXPECT_EQ(r.verdict, row.verdict) << row.name;
        EXPECT_EQ(r.refusal ? r.refusal->code() : "", row.code) << row.name;
        if (r.verdict == Verdict::proceed) {
            EXPECT_FALSE(r.refusal) << row.name;
        }
    }
}

TEST(ReviewRules, TheRefusalsCarryTheirHttpKind) {
    EXPECT_EQ(rule(Decision::approve, "sub", pending()).refusal->kind(), ErrorKind::forbidden);
    EXPECT_EQ(rule(Decision::approve, "r1", pending()).refusal->kind(), ErrorKind::conflict);
    EXPECT_EQ(rule(Decision::withdraw, "r2", pending()).refusal->kind(), ErrorKind::forbidden);
    auto changed = pending();
    changed.content_changed = true;
    EXPECT_EQ(rule(Decision::approve, "r2", changed).refusal->kind(), ErrorKind::conflict);
}

TEST(ReviewRules, TheRequesterAndEveryLastEditorAreExcluded) {
    EXPECT_EQ(excluded("sub", {"ed1", "ed2"}), (std::set<std::string>{"sub", "ed1", "ed2"}));
    EXPECT_EQ(excluded("sub", {"", "sub"}), (std::set<std::string>{"sub"})) << "an unknown editor excludes nobody";
}

TEST(ReviewRules, VoidedIsAReviewState) {
    EXPECT_EQ(to_string(ReviewState::voided), "voided");
    EXPECT_EQ(parse_review_state("voided"), ReviewState::voided);
}
