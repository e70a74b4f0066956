// Property test of the approval invariants (product.md §4): a fixed-seed random walk of people
// creating, editing, submitting, approving (the submitter and editors included), requesting
// changes, withdrawing, activating, breaking glass, while roles and policies change under them.
// An oracle written here, independently of ferry's code, predicts every answer; after each step
// the server must agree. FERRY_PROPERTY_STEPS and FERRY_PROPERTY_SEED override the defaults.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <random>
#include <set>
#include <sstream>

using namespace ferry::test;
namespace json = boost::json;

namespace {

struct Requirement {
    bool by_role = true;  // role reviewer; else the users r1, r2
    int required = 1;
};

struct OracleCampaign {
    std::string id;
    bool email = false;
    bool vip = false;
    std::string status = "draft";
    std::string last_editor;
    std::string review;  // pending review id
    std::string submitter;
    std::set<std::string> approvals;
};

class Oracle {
public:
    bool p1_active = true;  // prod + email: 2 reviewers (role)
    bool p2_active = true;  // tag vip: 1 of the users r1, r2
    std::set<std::string> reviewer_role{"r1", "r2", "r3", "r4"};

    std::vector<Requirement> requirements(const OracleCampaign& c) const {
        std::vector<Requirement> out;
        if (p1_active && c.email) out.push_back({true, 2});
        if (p2_active && c.vip) out.push_back({false, 1});
        return out;
    }

    bool eligible(const std::string& user, const Requirement& r) const {
        if (user == "admin") return true;
        return r.by_role ? reviewer_role.count(user) > 0 : (user == "r1" || user == "r2");
    }

    bool eligible_any(const std::string& user, const OracleCampaign& c) const {
        for (const auto& r : requirements(c))
            if (eligible(user, r)) return true;
        return false;
    }

    bool satisfied(const OracleCampaign& c) const {
        const auto reqs = requirements(c);
        if (reqs.empty()) return false;  // an open review completes only through its requirements
        for (const auto& r : reqs) {
            int count = 0;
            for (const auto& u : c.approvals)
                if (u != c.submitter && u != c.last_editor && eligible(u, r)) ++count;
            if (count < r.required) return false;
        }
        return true;
    }
};

long env_or(const char* name, long fallback) {
    const char* v = std::getenv(name);
    return v ? std::strtol(v, nullptr, 10) : fallback;
}

}  // namespace

TEST(ApprovalProperty, RandomWalkKeepsEveryInvariant) {
    const long steps = env_or("FERRY_PROPERTY_STEPS", 10000);
    const auto seed = static_cast<std::uint32_t>(env_or("FERRY_PROPERTY_SEED", 20261122));
    std::mt19937 rng(seed);
    auto pick = [&](std::size_t n) { return std::uniform_int_distribution<std::size_t>(0, n - 1)(rng); };

    FerrydProcess server;
    HttpClient c(server.base_url());
    TenantFixture acme = make_tenant(c, server.operator_token(), "acme", {"prod"});
    std::map<std::string, std::string> token{{"admin", acme.admin_token}};
    for (const std::string u : {"e1", "e2"})
        token[u] = make_user(c, acme, u, R"([{"sandbox":"prod","role":"editor"}])");
    for (const std::string u : {"r1", "r2", "r3", "r4"})
        token[u] = make_user(c, acme, u, R"([{"sandbox":"prod","role":"reviewer"}])");
    token["brk"] = make_user(c, acme, "brk", R"([{"sandbox":"prod","role":"editor"}])");
    ASSERT_EQ(
        c.patch("/v1/tenants/acme/users/brk", R"({"permissions":["bypass_approval"]})", acme.admin_token, "*").status,
        200);
    const std::string base = "/v1/tenants/acme/sandboxes/prod/campaigns";
    auto segment = c.post("/v1/tenants/acme/sandboxes/prod/segments", R"({"name":"All","rule":{}})", acme.admin_token);
    const std::string segment_id(segment.json().at("id").as_string());
    auto policy_id = [&](const std::string& body) {
        return std::string(
            c.post("/v1/tenants/acme/approval-policies", body, acme.admin_token).json().at("id").as_string());
    };
    const std::string p1 = policy_id(
        R"({"name":"P1","scope":"campaign","conditions":{"all":[{"field":"sandbox","op":"equals","value":"prod"},{"field":"channel","op":"in","value":["email"]}]},"approvers":{"role":"reviewer"},"required_approvals":2})");
    const std::string p2 = policy_id(
        R"({"name":"P2","scope":"campaign","conditions":{"all":[{"field":"tag","op":"equals","value":"vip"}]},"approvers":{"users":["r1","r2"]},"required_approvals":1})");

    Oracle oracle;
    std::vector<OracleCampaign> campaigns;
    const std::vector<std::string> editors{"e1", "e2", "brk"};
    const std::vector<std::string> everyone{"e1", "e2", "brk", "r1", "r2", "r3", "r4", "admin"};
    std::map<std::string, int> counts;
    std::ostringstream trail;

    auto fail = [&](long step, const std::string& what) {
        FAIL() << "invariant violated at step " << step << " (seed " << seed << "): " << what << "\nlast steps:\n"
               << trail.str();
    };
    auto server_status = [&](const OracleCampaign& oc) {
        return std::string(c.get(base + "/" + oc.id, acme.admin_token).json().at("status").as_string());
    };
    // Usually a campaign the action makes sense for (so most steps act); sometimes any campaign,
    // so that refusals are exercised too.
    auto choose = [&](const std::string& wanted) -> OracleCampaign* {
        std::vector<OracleCampaign*> fitting;
        for (auto& oc : campaigns)
            if (oc.status == wanted) fitting.push_back(&oc);
        if (!fitting.empty() && pick(10) < 9) return fitting[pick(fitting.size())];
        return campaigns.empty() ? nullptr : &campaigns[pick(campaigns.size())];
    };

    // Counts steps that acted: skipped picks (a review action aimed at a campaign not in review)
    // do not count, so "steps" is the number of actions taken.
    long acted = 0;
    for (long step = 0; acted < steps && step < 3 * steps; ++step) {
        if (trail.str().size() > 4000) trail.str("");
        const std::size_t kind = campaigns.size() < 3 ? 0 : pick(100);
        if (kind < 8) {  // create
            OracleCampaign oc;
            oc.email = pick(2) == 0;
            oc.vip = pick(3) == 0;
            oc.last_editor = editors[pick(editors.size())];
            const std::string channel = oc.email ? "email" : "sms";
            const std::string content =
                oc.email ? R"({"email":{"subject":"s","body":"b"}})" : R"({"sms":{"body":"b"}})";
            auto res = c.post(base,
                              R"({"name":"P","type":"action","channels":[")" + channel + R"("],"tags":[)" +
                                  (oc.vip ? "\"vip\"" : "") + R"(],"audience":{"segment":")" + segment_id +
                                  R"("},"content":)" + content + "}",
                              token[oc.last_editor]);
            if (res.status != 201) return fail(step, "create: " + res.body);
            oc.id = std::string(res.json().at("id").as_string());
            campaigns.push_back(oc);
            ++acted;
            trail << step << " create " << oc.id << " email=" << oc.email << " vip=" << oc.vip << " by "
                  << oc.last_editor << "\n";
            ++counts["create"];
            continue;
        }
        const bool review_step = kind >= 33 && kind < 73;
        OracleCampaign* oc = choose(review_step ? "in_review" : "draft");
        if (oc == nullptr) continue;
        const std::string user = everyone[pick(everyone.size())];
        const std::string editor = editors[pick(editors.size())];
        if (review_step && oc->status != "in_review") {
            ++counts["skipped"];
            continue;
        }
        ++counts["actions"];
        ++acted;
        if (kind < 18) {  // edit
            auto res = c.patch(base + "/" + oc->id, R"({"description":"d)" + std::to_string(step) + R"("})",
                               token[editor], "*");
            const long want = oc->status == "draft" ? 200 : (oc->status == "in_review" ? 409 : 200);
            if (oc->status == "draft" || oc->status == "in_review") {
                if (res.status != want)
                    return fail(step, "edit of " + oc->status + " answered " + std::to_string(res.status));
                if (res.status == 200) oc->last_editor = editor;
            }
            ++counts["edit"];
        } else if (kind < 33) {  // submit
            auto res = c.post(base + "/" + oc->id + "/actions/submit", "{}", token[editor]);
            const bool needs = !oracle.requirements(*oc).empty();
            long want = 409;
            if (oc->status == "draft" && needs) want = 200;
            if (res.status != want)
                return fail(step,
                            "submit of " + oc->status + " (needs=" + std::to_string(needs) + ") answered " + res.body);
            if (res.status == 200) {
                oc->status = "in_review";
                oc->submitter = editor;
                oc->approvals.clear();
                const auto list = c.get("/v1/tenants/acme/reviews", acme.admin_token).json();
                for (const auto& r : list.at("items").as_array())
                    if (r.at("subject").at("campaign") == json::value(oc->id))
                        oc->review = std::string(r.at("id").as_string());
            }
            ++counts["submit"];
        } else if (kind < 63) {  // approve
            auto res = c.post("/v1/tenants/acme/reviews/" + oc->review + "/approve", "{}", token[user]);
            long want = 200;
            if (user == oc->submitter || user == oc->last_editor)
                want = 403;
            else if (!oracle.eligible_any(user, *oc))
                want = 403;
            else if (oc->approvals.count(user))
                want = 409;
            if (res.status != want)
                return fail(step, user + " approving (submitter " + oc->submitter + ", editor " + oc->last_editor +
                                      ") answered " + std::to_string(res.status) + " " + res.body);
            if (res.status == 200) {
                oc->approvals.insert(user);
                if (oracle.satisfied(*oc)) oc->status = "active";
            }
            trail << step << " approve " << oc->id << " by " << user << " -> " << res.status << "\n";
            ++counts["approve"];
        } else if (kind < 68) {  // request changes
            auto res = c.post("/v1/tenants/acme/reviews/" + oc->review + "/request-changes", R"({"comment":"no"})",
                              token[user]);
            long want = 200;
            if (user == oc->submitter || user == oc->last_editor || !oracle.eligible_any(user, *oc)) want = 403;
            if (res.status != want) return fail(step, user + " requesting changes answered " + res.body);
            if (res.status == 200) oc->status = "draft";
            ++counts["request_changes"];
        } else if (kind < 73) {  // withdraw
            auto res = c.post("/v1/tenants/acme/reviews/" + oc->review + "/withdraw", "{}", token[user]);
            const long want = user == oc->submitter || user == "admin" ? 200 : 403;
            if (res.status != want) return fail(step, user + " withdrawing answered " + res.body);
            if (res.status == 200) oc->status = "draft";
            ++counts["withdraw"];
        } else if (kind < 83) {  // activate, with or without break-glass
            const bool bypass = pick(2) == 0;
            const std::string who = bypass ? (pick(2) == 0 ? "brk" : "e1") : editor;
            auto res = c.post(base + "/" + oc->id + "/actions/activate", bypass ? R"({"bypass_reason":"test"})" : "{}",
                              token[who]);
            const bool needs = !oracle.requirements(*oc).empty();
            long want = 409;
            if (oc->status == "draft") want = !needs ? 200 : (bypass ? (who == "brk" ? 200 : 403) : 409);
            if (res.status != want)
                return fail(step, who + " activating " + oc->status + " (needs=" + std::to_string(needs) +
                                      ", bypass=" + std::to_string(bypass) + ") answered " + res.body);
            if (res.status == 200) {
                oc->status = "active";
                const bool flagged = !res.json().at("bypass").is_null();
                if (flagged != (needs && bypass)) return fail(step, "bypass flag wrong: " + res.body);
            }
            ++counts[bypass ? "bypass" : "activate"];
        } else if (kind < 91) {  // a reviewer loses or regains the role
            const std::string who = pick(2) == 0 ? "r3" : "r4";
            const bool has = oracle.reviewer_role.count(who) > 0;
            const std::string roles =
                has ? R"([{"sandbox":"prod","role":"viewer"}])" : R"([{"sandbox":"prod","role":"reviewer"}])";
            if (c.patch("/v1/tenants/acme/users/" + who, R"({"roles":)" + roles + "}", acme.admin_token, "*").status !=
                200)
                return fail(step, "role change failed");
            if (has)
                oracle.reviewer_role.erase(who);
            else
                oracle.reviewer_role.insert(who);
            trail << step << " " << who << (has ? " loses" : " regains") << " reviewer\n";
            ++counts["role_change"];
        } else {  // a policy is switched off or on
            const bool first = pick(2) == 0;
            bool& active = first ? oracle.p1_active : oracle.p2_active;
            const std::string id = first ? p1 : p2;
            if (c.post("/v1/tenants/acme/approval-policies/" + id + "/actions/" + (active ? "deactivate" : "activate"),
                       "{}", acme.admin_token)
                    .status != 200)
                return fail(step, "policy switch failed");
            active = !active;
            trail << step << " policy " << (first ? "P1" : "P2") << (active ? " on" : " off") << "\n";
            ++counts["policy_change"];
        }
        // Invariant 5 and agreement: the server's status is the oracle's, every step, for the campaign touched.
        if (const std::string s = server_status(*oc); s != oc->status)
            return fail(step, "campaign " + oc->id + " is " + s + " but the oracle says " + oc->status);
    }
    // A final sweep: every campaign, as the oracle says.
    for (const auto& oc : campaigns)
        if (server_status(oc) != oc.status) return fail(steps, "final sweep: " + oc.id);
    std::cout << "seed " << seed << ", " << acted << " steps acted, 0 violations\n";
    for (const auto& [k, n] : counts) std::cout << k << ": " << n << "\n";
    // Most steps act (creations included), and every kind of step happens often.
    EXPECT_EQ(acted, steps);
    EXPECT_GT(counts["approve"], steps / 10);
    EXPECT_GT(counts["bypass"], steps / 50);
    EXPECT_GT(counts["role_change"], steps / 50);
    EXPECT_GT(counts["request_changes"], steps / 100);
    EXPECT_GT(counts["withdraw"], steps / 100);
}
