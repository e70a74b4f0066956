// The approval gate through the real ferryd: policies, reviews, the invariants of product.md §4,
// break-glass, and reviews of a live campaign's draft version.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

using namespace ferry::test;
namespace json = boost::json;

namespace {

class Approvals : public ::testing::Test {
protected:
    void SetUp() override {
        server = std::make_unique<FerrydProcess>();
        c = std::make_unique<HttpClient>(server->base_url());
        acme = make_tenant(*c, server->operator_token(), "acme", {"dev", "prod"});
        admin = acme.admin_token;
        ed = make_user(*c, acme, "ed", R"([{"sandbox":"prod","role":"editor"},{"sandbox":"dev","role":"editor"}])");
        rita = make_user(*c, acme, "rita", R"([{"sandbox":"prod","role":"reviewer"}])");
        roy = make_user(*c, acme, "roy", R"([{"sandbox":"prod","role":"reviewer"}])");
        rob = make_user(*c, acme, "rob", R"([{"sandbox":"prod","role":"reviewer"}])");
        viewer = make_user(*c, acme, "vic", R"([{"sandbox":"prod","role":"viewer"}])");
        segment = id_of(c->post("/v1/tenants/acme/sandboxes/prod/segments", R"({"name":"VIP","rule":{}})", ed));
        policy = id_of(c->post("/v1/tenants/acme/approval-policies", R"({
            "name":"prod email","scope":"campaign",
            "conditions":{"all":[{"field":"sandbox","op":"equals","value":"prod"},{"field":"channel","op":"in","value":["email"]}]},
            "approvers":{"role":"reviewer"},"required_approvals":2})",
                               admin));
    }

    static std::string id_of(const HttpResponse& res) {
        if (res.status != 201) throw std::runtime_error("expected 201: " + res.body);
        return std::string(res.json().at("id").as_string());
    }

    std::string campaign(const std::string& channel = "email", const std::string& sandbox = "prod") {
        const std::string content =
            channel == "email" ? R"({"email":{"subject":"Hi","body":"Hello"}})" : R"({"sms":{"body":"Hello"}})";
        const std::string audience = sandbox == "prod" ? R"(,"audience":{"segment":")" + segment + "\"}" : "";
        return id_of(c->post("/v1/tenants/acme/sandboxes/" + sandbox + "/campaigns",
                             R"({"name":"Launch","type":"action","channels":[")" + channel + R"("],"content":)" +
                                 content + audience + "}",
                             ed));
    }

    std::string cpath(const std::string& id, const std::string& rest = "") const {
        return "/v1/tenants/acme/sandboxes/prod/campaigns/" + id + rest;
    }

    std::string status(const std::string& id) {
        return std::string(c->get(cpath(id), admin).json().at("status").as_string());
    }

    std::string review_of(const std::string& campaign_id) {
        const auto list = c->get("/v1/tenants/acme/reviews?state=all", admin).json();
        for (const auto& r : list.at("items").as_array())
            if (r.at("subject").at("campaign") == json::value(campaign_id) && r.at("state") == "pending")
                return std::string(r.at("id").as_string());
        return "";
    }

    HttpResponse approve(const std::string& review, const std::string& token) {
        return c->post("/v1/tenants/acme/reviews/" + review + "/approve", R"({"comment":"ok"})", token);
    }

    std::unique_ptr<FerrydProcess> server;
    std::unique_ptr<HttpClient> c;
    TenantFixture acme;
    std::string admin, ed, rita, roy, rob, viewer, segment, policy;
};

}  // namespace

TEST_F(Approvals, TwoReviewersNeitherTheSubmitterNorTwiceTheSame) {
    const std::string id = campaign();
    auto direct = c->post(cpath(id, "/actions/activate"), "{}", ed);
    EXPECT_EQ(direct.status, 409);
    EXPECT_EQ(direct.error_code(), "approval_required");
    EXPECT_EQ(c->post(cpath(id, "/actions/submit"), "{}", ed).json().at("status").as_string(), "in_review");
    const std::string review = review_of(id);
    ASSERT_FALSE(review.empty());
    // The review waits for rita and roy, not for the submitter.
    EXPECT_EQ(c->get("/v1/tenants/acme/reviews?assigned=me", rita).json().at("items").as_array().size(), 1U);
    EXPECT_TRUE(c->get("/v1/tenants/acme/reviews?assigned=me", ed).json().at("items").as_array().empty());

    auto own = approve(review, ed);
    EXPECT_EQ(own.status, 403);
    EXPECT_EQ(own.error_code(), "self_approval");
    auto outsider = approve(review, viewer);
    EXPECT_EQ(outsider.status, 403);
    EXPECT_EQ(outsider.error_code(), "not_eligible");
    auto first = approve(review, rita);
    ASSERT_EQ(first.status, 200) << first.body;
    EXPECT_EQ(first.json().at("state").as_string(), "pending");
    EXPECT_EQ(status(id), "in_review");
    auto again = approve(review, rita);
    EXPECT_EQ(again.status, 409);
    EXPECT_EQ(again.error_code(), "already_approved");
    EXPECT_TRUE(c->get("/v1/tenants/acme/reviews?assigned=me", rita).json().at("items").as_array().empty());
    auto second = approve(review, roy);
    ASSERT_EQ(second.status, 200);
    EXPECT_EQ(second.json().at("state").as_string(), "approved");
    EXPECT_EQ(status(id), "active");
    EXPECT_EQ(approve(review, rob).error_code(), "review_closed");
}

TEST_F(Approvals, ResubmittedContentNeedsFreshApprovals) {
    const std::string id = campaign();
    c->post(cpath(id, "/actions/submit"), "{}", ed);
    const std::string first_review = review_of(id);
    ASSERT_EQ(approve(first_review, rita).status, 200);
    // Content is locked while in review.
    EXPECT_EQ(c->patch(cpath(id), R"({"description":"x"})", ed, "*").error_code(), "content_locked");
    EXPECT_EQ(c->post(cpath(id, "/actions/withdraw"), "{}", ed).json().at("status").as_string(), "draft");
    EXPECT_EQ(c->get("/v1/tenants/acme/reviews/" + first_review, admin).json().at("state").as_string(), "withdrawn");
    ASSERT_EQ(c->patch(cpath(id), R"({"description":"edited after withdrawal"})", ed, "*").status, 200);
    c->post(cpath(id, "/actions/submit"), "{}", ed);
    const std::string second_review = review_of(id);
    ASSERT_NE(second_review, first_review);
    // rita's approval was of other content: it does not count; one more approval is not enough.
    ASSERT_EQ(approve(second_review, roy).status, 200);
    EXPECT_EQ(status(id), "in_review");
    const auto r = c->get("/v1/tenants/acme/reviews/" + second_review, admin).json();
    EXPECT_EQ(r.at("required").as_array()[0].at("counted").as_array().size(), 1U);
    ASSERT_EQ(approve(second_review, rita).status, 200);
    EXPECT_EQ(status(id), "active");
}

TEST_F(Approvals, AnApproverWhoLostTheRoleNoLongerCounts) {
    const std::string id = campaign();
    c->post(cpath(id, "/actions/submit"), "{}", ed);
    const std::string review = review_of(id);
    ASSERT_EQ(approve(review, rita).status, 200);
    const std::string etag = c->get("/v1/tenants/acme/users/rita", admin).header("etag");
    ASSERT_EQ(c->patch("/v1/tenants/acme/users/rita", R"({"roles":[{"sandbox":"prod","role":"viewer"}]})", admin, etag)
                  .status,
              200);
    ASSERT_EQ(approve(review, roy).status, 200);
    EXPECT_EQ(status(id), "in_review") << "rita's approval must be re-checked at activation";
    const auto r = c->get("/v1/tenants/acme/reviews/" + review, admin).json();
    for (const auto& a : r.at("approvals").as_array()) EXPECT_EQ(a.at("counts").as_bool(), a.at("user") == "roy") << a;
    ASSERT_EQ(approve(review, rob).status, 200);
    EXPECT_EQ(status(id), "active");
}

TEST_F(Approvals, OneRequestForChangesSendsItBack) {
    const std::string id = campaign();
    c->post(cpath(id, "/actions/submit"), "{}", ed);
    const std::string review = review_of(id);
    approve(review, rita);
    EXPECT_EQ(c->post("/v1/tenants/acme/reviews/" + review + "/request-changes", "{}", roy).status, 422);
    EXPECT_EQ(c->post("/v1/tenants/acme/reviews/" + review + "/request-changes", R"({"comment":"x"})", ed).error_code(),
              "self_approval");
    auto veto =
        c->post("/v1/tenants/acme/reviews/" + review + "/request-changes", R"({"comment":"wrong audience"})", roy);
    ASSERT_EQ(veto.status, 200) << veto.body;
    EXPECT_EQ(veto.json().at("state").as_string(), "changes_requested");
    EXPECT_EQ(status(id), "draft");
    EXPECT_EQ(approve(review, rob).error_code(), "review_closed");
    EXPECT_EQ(c->post("/v1/tenants/acme/reviews/" + review + "/withdraw", "{}", ed).error_code(), "review_closed");
}

TEST_F(Approvals, NoMatchingPolicyMeansNoApprovalUnlessTheSandboxAlwaysWantsOne) {
    const std::string sms = campaign("sms");
    EXPECT_EQ(c->post(cpath(sms, "/actions/submit"), "{}", ed).error_code(), "approval_not_required");
    EXPECT_EQ(c->post(cpath(sms, "/actions/activate"), "{}", ed).json().at("status").as_string(), "active");

    const std::string etag = c->get("/v1/tenants/acme/sandboxes/prod", admin).header("etag");
    ASSERT_EQ(c->patch("/v1/tenants/acme/sandboxes/prod", R"({"require_approval":"always"})", admin, etag).status, 200);
    const std::string gated = campaign("sms");
    EXPECT_EQ(c->post(cpath(gated, "/actions/activate"), "{}", ed).error_code(), "approval_required");
    c->post(cpath(gated, "/actions/submit"), "{}", ed);
    const std::string review = review_of(gated);
    const auto r = c->get("/v1/tenants/acme/reviews/" + review, admin).json();
    EXPECT_EQ(r.at("required").as_array()[0].at("source").as_string(), "sandbox");
    ASSERT_EQ(approve(review, rita).status, 200);
    EXPECT_EQ(status(gated), "active");
}

// A '*' or '?' in a campaign's name or tag is an ordinary character: it cannot stand in for the
// policy pattern's wildcard and so escape the gate (once a campaign named "Promo*X" activated at
// once under a policy on "Promo*" while "Promo X" was held for review).
TEST_F(Approvals, WildcardsInANameOrTagDoNotEscapeAMatchesPolicy) {
    ASSERT_EQ(c->post("/v1/tenants/acme/approval-policies", R"({
        "name":"promos","scope":"campaign",
        "conditions":{"any":[{"field":"name","op":"matches","value":"Promo*"},{"field":"tag","op":"matches","value":"*-vip"}]},
        "approvers":{"role":"reviewer"}})",
                      admin)
                  .status,
              201);
    auto sms = [&](const std::string& name, const std::string& tags) {
        return id_of(c->post("/v1/tenants/acme/sandboxes/prod/campaigns",
                             R"({"name":")" + name + R"(","type":"action","channels":["sms"],"tags":)" + tags +
                                 R"(,"content":{"sms":{"body":"Hello"}},"audience":{"segment":")" + segment + R"("}})",
                             ed));
    };
    for (const std::string name : {"Promo X", "Promo*X", "promo*", "Promo?", "Promo**", "Promo*?x"}) {
        const std::string id = sms(name, "[]");
        const auto res = c->post(cpath(id, "/actions/activate"), "{}", ed);
        EXPECT_EQ(res.status, 409) << name << ": " << res.body;
        EXPECT_EQ(res.error_code(), "approval_required") << name;
        EXPECT_EQ(status(id), "draft") << name;
    }
    for (const std::string tag : {"*-vip", "**-vip", "a*-vip", "?-vip"}) {
        const std::string id = sms("Spring", R"([")" + tag + R"("])");
        EXPECT_EQ(c->post(cpath(id, "/actions/activate"), "{}", ed).error_code(), "approval_required") << tag;
    }
    // What the patterns do not match still goes live without a review.
    for (const std::string name : {"*Promo", "Prom*o", "?romo"}) {
        const std::string id = sms(name, R"(["vip-*"])");
        const auto res = c->post(cpath(id, "/actions/activate"), "{}", ed);
        EXPECT_EQ(res.status, 200) << name << ": " << res.body;
    }
}

TEST_F(Approvals, PoliciesAreEditedOnlyWhileInactive) {
    const std::string base = "/v1/tenants/acme/approval-policies/" + policy;
    auto active = c->get(base, admin);
    auto refused = c->patch(base, R"({"required_approvals":1})", admin, active.header("etag"));
    EXPECT_EQ(refused.status, 409);
    EXPECT_EQ(refused.error_code(), "policy_active");
    EXPECT_EQ(c->del(base, admin, active.header("etag")).error_code(), "policy_active");
    auto off = c->post(base + "/actions/deactivate", "{}", admin);
    ASSERT_EQ(off.status, 200);
    auto edited = c->patch(base, R"({"required_approvals":1})", admin, off.header("etag"));
    ASSERT_EQ(edited.status, 200) << edited.body;
    EXPECT_EQ(edited.json().at("required_approvals").as_int64(), 1);
    EXPECT_EQ(c->post(base + "/actions/activate", "{}", admin).json().at("active").as_bool(), true);
    auto copy = c->post(base + "/actions/duplicate", "{}", admin);
    ASSERT_EQ(copy.status, 201);
    EXPECT_FALSE(copy.json().at("active").as_bool());
    EXPECT_EQ(copy.json().at("conditions"), edited.json().at("conditions"));
    EXPECT_EQ(c->get("/v1/tenants/acme/approval-policies", admin).json().at("items").as_array().size(), 2U);

    struct Bad {
        std::string body;
        std::string field;
    };
    for (
        const Bad& bad : std::vector<Bad>{
            {R"({"name":"x","scope":"campaign","conditions":{"all":[{"field":"colour","op":"equals","value":"red"}]},"approvers":{"role":"reviewer"}})",
             "conditions.all[0].field"},
            {R"({"name":"x","scope":"campaign","conditions":{"all":[{"field":"tag","op":"near","value":"x"}]},"approvers":{"role":"reviewer"}})",
             "conditions.all[0].op"},
            {R"({"name":"x","scope":"campaign","conditions":{"any":[{"all":[{"field":"tag","op":"in","value":"vip"}]}]},"approvers":{"role":"reviewer"}})",
             "conditions.any[0].all[0].value"},
            {R"({"name":"x","scope":"budget","conditions":{"all":[]},"approvers":{"role":"reviewer"}})", "scope"},
            {R"({"name":"x","scope":"campaign","conditions":{"all":[]},"approvers":{"users":["rita"]},"required_approvals":2})",
             "required_approvals"},
            {R"({"name":"x","scope":"campaign","conditions":{"all":[]},"approvers":{"users":["ghost"]}})",
             "approvers.users[0]"},
            {R"({"name":"x","scope":"campaign","conditions":{"all":[]},"approvers":{"role":"reviewer"},"required_approvals":11})",
             "required_approvals"},
        }) {
        auto res = c->post("/v1/tenants/acme/approval-policies", bad.body, admin);
        EXPECT_EQ(res.status, 422) << bad.body;
        EXPECT_EQ(res.json().at("error").at("details").at("field").as_string(), bad.field) << res.body;
    }
    // Only administrators manage policies.
    EXPECT_EQ(c->get("/v1/tenants/acme/approval-policies", ed).status, 403);
}

TEST_F(Approvals, NamedApproversAndNestedConditions) {
    ASSERT_EQ(c->post("/v1/tenants/acme/approval-policies/" + policy + "/actions/deactivate", "{}", admin).status, 200);
    id_of(c->post("/v1/tenants/acme/approval-policies", R"({
        "name":"VIP or big launches","scope":"campaign",
        "conditions":{"any":[{"field":"tag","op":"equals","value":"vip"},{"all":[{"field":"name","op":"matches","value":"*launch*"},{"field":"requester_role","op":"equals","value":"editor"}]}]},
        "approvers":{"users":["roy"]},"required_approvals":1})",
                  admin));
    const std::string id = campaign("sms");  // named "Launch", requested by an editor
    c->post(cpath(id, "/actions/submit"), "{}", ed);
    const std::string review = review_of(id);
    ASSERT_FALSE(review.empty());
    EXPECT_EQ(approve(review, rita).error_code(), "not_eligible");
    ASSERT_EQ(approve(review, roy).status, 200);
    EXPECT_EQ(status(id), "active");
}

TEST_F(Approvals, BreakGlassIsAPermissionAndAlwaysAudited) {
    const std::string id = campaign();
    auto refused = c->post(cpath(id, "/actions/activate"), R"({"bypass_reason":"outage fix"})", ed);
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(refused.error_code(), "bypass_not_permitted");
    const std::string etag = c->get("/v1/tenants/acme/users/ed", admin).header("etag");
    ASSERT_EQ(c->patch("/v1/tenants/acme/users/ed", R"({"permissions":["bypass_approval"]})", admin, etag).status, 200);
    EXPECT_EQ(c->post(cpath(id, "/actions/activate"), R"({"bypass_reason":""})", ed).status, 422);
    auto forced = c->post(cpath(id, "/actions/activate"), R"({"bypass_reason":"outage fix"})", ed);
    ASSERT_EQ(forced.status, 200) << forced.body;
    EXPECT_EQ(forced.json().at("status").as_string(), "active");
    EXPECT_EQ(forced.json().at("bypass").at("reason").as_string(), "outage fix");
    EXPECT_EQ(forced.json().at("bypass").at("by").as_string(), "ed");
    const auto audit = c->get("/v1/tenants/acme/audit?limit=500", admin).json();
    bool audited = false;
    for (const auto& e : audit.at("items").as_array())
        if (e.at("action") == "campaign.bypass_approval" && e.at("actor") == "ed" &&
            e.at("details").at("reason") == "outage fix")
            audited = true;
    EXPECT_TRUE(audited);
    EXPECT_EQ(c->patch("/v1/tenants/acme/users/ed", R"({"permissions":["root"]})", admin, "*").status, 422);
}

TEST_F(Approvals, ADraftVersionIsReviewedWhileTheLiveVersionRuns) {
    const std::string id = campaign();
    c->post(cpath(id, "/actions/submit"), "{}", ed);
    std::string review = review_of(id);
    approve(review, rita);
    approve(review, roy);
    ASSERT_EQ(status(id), "active");
    ASSERT_EQ(c->patch(cpath(id),
                       R"({"name":"Launch v2","content":{"email":{"subject":"New subject","body":"Hello"}}})", ed, "*")
                  .status,
              200);
    EXPECT_EQ(c->post(cpath(id, "/actions/activate-draft"), "{}", ed).error_code(), "approval_required");
    auto submitted = c->post(cpath(id, "/actions/submit-draft"), "{}", ed);
    ASSERT_EQ(submitted.status, 200) << submitted.body;
    EXPECT_EQ(submitted.json().at("status").as_string(), "active");
    review = review_of(id);
    const auto r = c->get("/v1/tenants/acme/reviews/" + review, rita).json();
    EXPECT_EQ(r.at("subject").at("kind").as_string(), "campaign_draft");
    std::set<std::string> changed;
    for (const auto& d : r.at("diff").as_array()) changed.emplace(d.at("field").as_string());
    EXPECT_EQ(changed, (std::set<std::string>{"name", "content.email.subject"}));
    // Locked while in review.
    const std::string spec = R"({"name":"Sneaky","channels":["email"],"audience":{"segment":")" + segment +
                             R"("},"content":{"email":{"subject":"s","body":"b"}}})";
    EXPECT_EQ(c->request("PUT", cpath(id, "/draft"), ed, &spec).error_code(), "content_locked");
    EXPECT_EQ(c->post(cpath(id, "/actions/discard-draft"), "{}", ed).status, 409);
    approve(review, rita);
    EXPECT_EQ(c->get(cpath(id), ed).json().at("name").as_string(), "Launch") << "live runs on until approved";
    approve(review, roy);
    const auto live = c->get(cpath(id), ed).json();
    EXPECT_EQ(live.at("name").as_string(), "Launch v2");
    EXPECT_EQ(live.at("live_version").as_int64(), 2);
    EXPECT_EQ(live.at("status").as_string(), "active");
}

TEST_F(Approvals, ReviewsOfInvisibleSandboxesDoNotExistForTheCaller) {
    const std::string dev_only = make_user(*c, acme, "devrev", R"([{"sandbox":"dev","role":"reviewer"}])");
    const std::string id = campaign();
    c->post(cpath(id, "/actions/submit"), "{}", ed);
    const std::string review = review_of(id);
    EXPECT_TRUE(c->get("/v1/tenants/acme/reviews", dev_only).json().at("items").as_array().empty());
    EXPECT_EQ(c->get("/v1/tenants/acme/reviews/" + review, dev_only).status, 404);
    EXPECT_EQ(approve(review, dev_only).status, 404);
}

TEST_F(Approvals, WhoeverChangedTheTypeCannotApprove) {
    ASSERT_EQ(c->post("/v1/tenants/acme/approval-policies/" + policy + "/actions/deactivate", "{}", admin).status, 200);
    ASSERT_EQ(
        c->post(
             "/v1/tenants/acme/approval-policies",
             R"({"name":"all","scope":"campaign","conditions":{"all":[]},"approvers":{"role":"reviewer"},"required_approvals":1})",
             admin)
            .status,
        201);
    const std::string id = campaign();
    ASSERT_EQ(c->patch(cpath(id), R"({"type":"orchestrated"})", admin, "*").status, 200);
    c->post(cpath(id, "/actions/submit"), "{}", ed);
    EXPECT_EQ(approve(review_of(id), admin).error_code(), "self_approval");
}

TEST_F(Approvals, TagsAreLockedWhileInReview) {
    const std::string id = campaign();
    c->post(cpath(id, "/actions/submit"), "{}", ed);
    auto res = c->patch(cpath(id), R"({"tags":["vip"]})", ed, "*");
    EXPECT_EQ(res.status, 409);
    EXPECT_EQ(res.error_code(), "content_locked");
}

TEST_F(Approvals, StoppingOrArchivingEndsPendingReviews) {
    // A live campaign whose draft version is in review, then stopped: the review is moot.
    const std::string id = campaign();
    c->post(cpath(id, "/actions/submit"), "{}", ed);
    std::string review = review_of(id);
    approve(review, rita);
    approve(review, roy);
    ASSERT_EQ(status(id), "active");
    c->patch(cpath(id), R"({"name":"Next"})", ed, "*");
    ASSERT_EQ(c->post(cpath(id, "/actions/submit-draft"), "{}", ed).status, 200);
    review = review_of(id);
    approve(review, rita);
    ASSERT_EQ(c->post(cpath(id, "/actions/stop"), "{}", ed).status, 200);
    EXPECT_EQ(c->get("/v1/tenants/acme/reviews/" + review, admin).json().at("state").as_string(), "withdrawn");
    EXPECT_EQ(approve(review, roy).error_code(), "review_closed");
    EXPECT_EQ(c->get(cpath(id), ed).json().at("live_version").as_int64(), 1);
    // A campaign in review whose segment is archived: archived with it, its review withdrawn.
    const std::string other = campaign();
    c->post(cpath(other, "/actions/submit"), "{}", ed);
    const std::string other_review = review_of(other);
    ASSERT_EQ(c->post("/v1/tenants/acme/sandboxes/prod/segments/" + segment + "/actions/archive", "{}", ed).status,
              200);
    EXPECT_EQ(status(other), "archived");
    EXPECT_EQ(c->get("/v1/tenants/acme/reviews/" + other_review, admin).json().at("state").as_string(), "withdrawn");
}

// Issue 23, fault 1: a review's digest, which viewers, the audit log and review.requested show,
// covered a webhook channel's write-only auth_header in plain text, so a guess at the secret
// could be checked offline against it. The secret now enters only through an HMAC under the
// tenant's own key: the same campaign with the same secret has unrelated digests in two tenants
// (on the old digest they were equal), while any change of the secret still changes the digest.
TEST_F(Approvals, AReviewDigestLetsNoOneTestGuessesAtAWebhookSecret) {
    const std::string webhook_policy = R"({"name":"prod webhooks","scope":"campaign",
        "conditions":{"all":[{"field":"sandbox","op":"equals","value":"prod"},{"field":"channel","op":"in","value":["webhook"]}]},
        "approvers":{"role":"reviewer"},"required_approvals":1})";
    ASSERT_EQ(c->post("/v1/tenants/acme/approval-policies", webhook_policy, admin).status, 201);
    const auto body = [](const std::string& secret) {
        return R"({"name":"Hook","type":"api_triggered","channels":["webhook"],"content":{"webhook":{"url":"https://hooks.example.com/x","auth_header":")" +
               secret + R"("}}})";
    };
    // The digest of the pending review of a campaign, as a viewer of the sandbox reads it.
    const auto submitted_digest = [&](HttpClient& client, const std::string& tenant, const std::string& id,
                                      const std::string& editor, const std::string& reader) {
        const std::string path = "/v1/tenants/" + tenant + "/sandboxes/prod/campaigns/" + id;
        const auto submitted = client.post(path + "/actions/submit", "{}", editor);
        EXPECT_EQ(submitted.status, 200) << submitted.body;
        const auto list = client.get("/v1/tenants/" + tenant + "/reviews?state=pending", reader).json();
        for (const auto& r : list.at("items").as_array())
            if (r.at("subject").at("campaign") == json::value(id)) return std::string(r.at("digest").as_string());
        ADD_FAILURE() << "no pending review of " << id << " visible to the reader";
        return std::string();
    };

    const std::string id = id_of(c->post("/v1/tenants/acme/sandboxes/prod/campaigns", body("Bearer hunter2"), ed));
    const std::string first = submitted_digest(*c, "acme", id, ed, viewer);
    ASSERT_FALSE(first.empty());
    EXPECT_EQ(first.substr(0, 7), "sha256:");

    // Another tenant, the same campaign and the same secret: another digest.
    const TenantFixture globex = make_tenant(*c, server->operator_token(), "globex", {"prod"});
    ASSERT_EQ(c->post("/v1/tenants/globex/approval-policies", webhook_policy, globex.admin_token).status, 201);
    const std::string other_id = id_of(
        c->post("/v1/tenants/globex/sandboxes/prod/campaigns", body("Bearer hunter2"), globex.token_of.at("editor")));
    const std::string other =
        submitted_digest(*c, "globex", other_id, globex.token_of.at("editor"), globex.token_of.at("viewer"));
    EXPECT_NE(other, first) << "the digest is a function of the content alone: a guess can be checked offline";

    // Within the tenant the digest still binds the secret: the same secret gives the same digest,
    // another secret another one.
    const std::string path = cpath(id);
    ASSERT_EQ(c->post(path + "/actions/withdraw", "{}", ed).status, 200);
    ASSERT_EQ(
        c->patch(path,
                 R"({"content":{"webhook":{"url":"https://hooks.example.com/x","auth_header":"Bearer hunter3"}}})", ed,
                 "*")
            .status,
        200);
    const std::string changed = submitted_digest(*c, "acme", id, ed, viewer);
    EXPECT_NE(changed, first);
    ASSERT_EQ(c->post(path + "/actions/withdraw", "{}", ed).status, 200);
    ASSERT_EQ(
        c->patch(path,
                 R"({"content":{"webhook":{"url":"https://hooks.example.com/x","auth_header":"Bearer hunter2"}}})", ed,
                 "*")
            .status,
        200);
    EXPECT_EQ(submitted_digest(*c, "acme", id, ed, viewer), first);
    // And survives a restart (the key is stored, not made per process).
    ASSERT_EQ(c->post(path + "/actions/withdraw", "{}", ed).status, 200);
    server->kill9();
    server->start();
    c = std::make_unique<HttpClient>(server->base_url());
    EXPECT_EQ(submitted_digest(*c, "acme", id, ed, viewer), first);
}
