// Issue 17: one event, one shape, whichever path produced it. A real ferryd (test clock, webhooks
// to a local receiver) ends reviews and moves campaigns through every path (a reviewer's
// request, the scheduler, a segment-archive cascade, the void of a package review whose content
// changed) and the receiver compares the bodies. Also: the editors of what a package holds never
// approve its publication.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "webhook_receiver.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <set>

using namespace ferry::test;
namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

std::set<std::string> keys(const json::value& v) {
    std::set<std::string> out;
    for (const auto& kv : v.as_object()) out.insert(std::string(kv.key()));
    return out;
}

class ReviewEvents : public ::testing::Test {
protected:
    void SetUp() override {
        server = std::make_unique<FerrydProcess>(FerrydOptions{
            {"--allow-private-webhooks", "--test-clock", "--test-clock-start", "2026-11-23T09:00:00Z"}, {}});
        c = std::make_unique<HttpClient>(server->base_url());
        acme = make_tenant(*c, server->operator_token(), "acme", {"prod"});
        editor = acme.token_of.at("editor");
        rita = make_user(*c, acme, "rita", R"([{"sandbox":"prod","role":"reviewer"}])");
        // An editor who is also a reviewer: may review others' work, never their own.
        rex =
            make_user(*c, acme, "rex", R"([{"sandbox":"prod","role":"editor"},{"sandbox":"prod","role":"reviewer"}])");
        ASSERT_EQ(
            c->post("/v1/tenants/acme/webhooks",
                    R"({"url":")" + receiver.url() +
                        R"(","events":["review.decided","campaign.status_changed"],"secret":"whsec-0123456789abcdef"})",
                    acme.admin_token)
                .status,
            201);
        ASSERT_EQ(
            c->post(
                 "/v1/tenants/acme/approval-policies",
                 R"({"name":"gated","scope":"campaign","conditions":{"all":[{"field":"tag","op":"equals","value":"gated"}]},"approvers":{"role":"reviewer"},"required_approvals":1})",
                 acme.admin_token)
                .status,
            201);
        ASSERT_EQ(
            c->post(
                 "/v1/tenants/acme/approval-policies",
                 R"({"name":"packages","scope":"package","conditions":{"all":[]},"approvers":{"role":"reviewer"},"required_approvals":1})",
                 acme.admin_token)
                .status,
            201);
        segment = make_segment("All");
    }

    std::string make_segment(const std::string& name) {
        auto res =
            c->post("/v1/tenants/acme/sandboxes/prod/segments", R"({"name":")" + name + R"(","rule":{}})", editor);
        EXPECT_EQ(res.status, 201) << res.body;
        return std::string(res.json().at("id").as_string());
    }

    std::string make_campaign(const std::string& name, const std::string& on_segment, const std::string& token,
                              const std::string& extra = R"("tags":["gated"])") {
        auto res = c->post("/v1/tenants/acme/sandboxes/prod/campaigns",
                           R"({"name":")" + name + R"(","type":"action","channels":["email"],"audience":{"segment":")" +
                               on_segment + R"("},"content":{"email":{"subject":"s","body":"b"}},)" + extra + "}",
                           token);
        EXPECT_EQ(res.status, 201) << res.body;
        return std::string(res.json().at("id").as_string());
    }

    std::string path(const std::string& id) const { return "/v1/tenants/acme/sandboxes/prod/campaigns/" + id; }

    std::string pending_review_of(const std::string& subject_field, const std::string& value) {
        const json::value reviews = c->get("/v1/tenants/acme/reviews", acme.admin_token).json();
        for (const auto& r : reviews.at("items").as_array())
            if (r.at("subject").as_object().if_contains(subject_field) &&
                r.at("subject").at(subject_field).as_string() == value)
                return std::string(r.at("id").as_string());
        ADD_FAILURE() << "no pending review of " << value;
        return "";
    }

    // The events of this type received so far, their data objects.
    std::vector<json::value> data_of(const std::string& type) const {
        std::vector<json::value> out;
        for (const auto& r : receiver.received()) {
            const auto event = json::parse(r.body);
            if (event.at("type").as_string() == type) out.push_back(event.at("data"));
        }
        return out;
    }

    WebhookReceiver receiver;
    std::unique_ptr<FerrydProcess> server;
    std::unique_ptr<HttpClient> c;
    TenantFixture acme;
    std::string editor, rita, rex, segment;
};

}  // namespace

TEST_F(ReviewEvents, EveryPathAnnouncesReviewsAndStatusChangesInOneShape) {
    // A reviewer's approval: in_review -> active.
    const std::string approved = make_campaign("Approved", segment, editor);
    ASSERT_EQ(c->post(path(approved) + "/actions/submit", "{}", editor).status, 200);
    ASSERT_EQ(
        c->post("/v1/tenants/acme/reviews/" + pending_review_of("campaign", approved) + "/approve", "{}", rita).status,
        200);
    // A reviewer's veto: in_review -> draft.
    const std::string vetoed = make_campaign("Vetoed", segment, editor);
    ASSERT_EQ(c->post(path(vetoed) + "/actions/submit", "{}", editor).status, 200);
    ASSERT_EQ(c->post("/v1/tenants/acme/reviews/" + pending_review_of("campaign", vetoed) + "/request-changes",
                      R"({"comment":"no"})", rita)
                  .status,
              200);
    // The scheduler: scheduled -> active when the start is reached on the test clock.
    const std::string later = make_campaign("Later", segment, editor, R"("schedule":{"start":"2026-11-23T10:00:00Z"})");
    ASSERT_EQ(c->post(path(later) + "/actions/activate", "{}", editor).json().at("status").as_string(), "scheduled");
    ASSERT_EQ(c->post("/v1/operator/clock", R"({"advance_seconds":7200})", server->operator_token()).status, 200);
    ASSERT_EQ(c->get(path(later), editor).json().at("status").as_string(), "active");
    // The segment-archive cascade: its pending review ends, in_review -> archived.
    const std::string doomed_segment = make_segment("Doomed");
    const std::string cascaded = make_campaign("Cascaded", doomed_segment, editor);
    ASSERT_EQ(c->post(path(cascaded) + "/actions/submit", "{}", editor).status, 200);
    ASSERT_EQ(
        c->post("/v1/tenants/acme/sandboxes/prod/segments/" + doomed_segment + "/actions/archive", "{}", editor).status,
        200);
    // The void of a package review whose content changed.
    ASSERT_EQ(c->post("/v1/tenants/acme/packages",
                      R"({"name":"welcome","source_sandbox":"prod","objects":[{"kind":"campaign","id":")" + approved +
                          R"("}]})",
                      editor)
                  .status,
              201);
    auto requested = c->post("/v1/tenants/acme/packages/welcome/versions", "{}", editor);
    ASSERT_EQ(requested.status, 202) << requested.body;
    const std::string package_review(requested.json().at("review").as_string());
    // The edit itself voids it (issue 17), in its own transaction: an approval finds it closed.
    ASSERT_EQ(c->patch(path(approved), R"({"tags":["gated","changed"]})", editor, "*").status, 200);
    EXPECT_EQ(c->get("/v1/tenants/acme/reviews/" + package_review, rita).json().at("state").as_string(), "voided");
    auto stale = c->post("/v1/tenants/acme/reviews/" + package_review + "/approve", "{}", rita);
    EXPECT_EQ(stale.status, 409);
    EXPECT_EQ(stale.error_code(), "review_closed");

    // approved, changes_requested, withdrawn (cascade), voided.
    ASSERT_TRUE(receiver.wait_for([&](const auto&) { return data_of("review.decided").size() >= 4; }, 10s));
    const auto decided = data_of("review.decided");
    std::set<std::string> decisions;
    for (const auto& d : decided) {
        EXPECT_EQ(keys(d), keys(decided[0])) << json::serialize(d);
        decisions.insert(std::string(d.at("decision").as_string()));
    }
    EXPECT_EQ(decisions, (std::set<std::string>{"approved", "changes_requested", "withdrawn", "voided"}));
    EXPECT_EQ(keys(decided[0]), (std::set<std::string>{"review", "kind", "sandbox", "campaign", "package", "decision",
                                                       "by", "comment", "live_version"}));

    // submit x3, approve, veto, activate, start reached, cascade.
    ASSERT_TRUE(receiver.wait_for([&](const auto&) { return data_of("campaign.status_changed").size() >= 8; }, 10s));
    const auto changes = data_of("campaign.status_changed");
    std::set<std::string> by;
    for (const auto& d : changes) {
        EXPECT_EQ(keys(d), keys(changes[0])) << json::serialize(d);
        by.insert(std::string(d.at("by").as_string()));
    }
    EXPECT_EQ(keys(changes[0]), (std::set<std::string>{"campaign", "key", "sandbox", "from", "to", "by"}));
    EXPECT_EQ(by, (std::set<std::string>{"editor", "rita", "scheduler"}));
}

TEST_F(ReviewEvents, AnEditorOfACampaignAPackageHoldsCannotApproveItsPublication) {
    // rex edited the campaign last; the package's own last editor is someone else.
    const std::string held = make_campaign("Held", segment, editor, R"("tags":["plain"])");
    ASSERT_EQ(c->patch(path(held), R"({"description":"rex was here"})", rex, "*").status, 200);
    ASSERT_EQ(
        c->post("/v1/tenants/acme/packages",
                R"({"name":"held","source_sandbox":"prod","objects":[{"kind":"campaign","id":")" + held + R"("}]})",
                editor)
            .status,
        201);
    auto requested = c->post("/v1/tenants/acme/packages/held/versions", "{}", editor);
    ASSERT_EQ(requested.status, 202) << requested.body;
    const std::string review(requested.json().at("review").as_string());

    // rex's queue leaves it out, and an approval by rex is refused.
    const json::value queue = c->get("/v1/tenants/acme/reviews?assigned=me", rex).json();
    for (const auto& r : queue.at("items").as_array()) EXPECT_NE(r.at("id").as_string(), review);
    auto refused = c->post("/v1/tenants/acme/reviews/" + review + "/approve", "{}", rex);
    EXPECT_EQ(refused.status, 403);
    EXPECT_EQ(refused.error_code(), "self_approval");
    auto approved = c->post("/v1/tenants/acme/reviews/" + review + "/approve", "{}", rita);
    ASSERT_EQ(approved.status, 200) << approved.body;
    EXPECT_EQ(approved.json().at("published").at("version").as_int64(), 1);
    const auto manifest = c->get("/v1/tenants/acme/packages/held/versions/1", editor).json().at("manifest");
    ASSERT_EQ(manifest.at("approvals").as_array().size(), 1U);
    EXPECT_EQ(manifest.at("approvals").as_array()[0].at("user").as_string(), "rita");
}
