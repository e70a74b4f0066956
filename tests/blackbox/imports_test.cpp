// Imports through the real ferryd: a package published from dev, planned, applied and rolled
// back in prod by someone who only has roles on prod.

#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "shell.hpp"
#include "webhook_receiver.hpp"
#include "world.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <future>
#include <set>
#include <thread>

using namespace ferry::test;
namespace json = boost::json;

namespace {

const std::string dev = "/v1/tenants/acme/sandboxes/dev/";
const std::string prod = "/v1/tenants/acme/sandboxes/prod/";

std::string str(const json::value& v) { return std::string(v.as_string()); }

class Imports : public ::testing::Test {
protected:
    void SetUp() override {
        server = std::make_unique<FerrydProcess>();
        c = std::make_unique<HttpClient>(server->base_url());
        acme = make_tenant(*c, server->operator_token(), "acme", {"dev", "prod"});
        admin = acme.admin_token;
        editor = acme.token_of.at("editor");  // editor on dev
        // Prod people: none of them can see dev.
        importer = make_user(*c, acme, "ivan", R"([{"sandbox":"prod","role":"importer"}])");
        prod_editor = make_user(*c, acme, "pat", R"([{"sandbox":"prod","role":"editor"}])");
        reviewer = make_user(*c, acme, "rita", R"([{"sandbox":"prod","role":"reviewer"}])");
    }

    // dev: a segment, a template, and campaigns using them; package "welcome" holds them.
    void build_dev(int campaigns = 2) {
        segment = id(c->post(dev + "segments", R"({"key":"vip","name":"VIP","rule":{"tier":"gold"}})", editor));
        tmpl = id(c->post(dev + "templates",
                          R"({"key":"hello","name":"Hello","channel":"email","subject":"Hi","body":"Hello {{name}}"})",
                          editor));
        std::string objects = "[";
        for (int i = 0; i < campaigns; ++i) {
            const std::string key = i == 0 ? "welcome" : "promo-" + std::to_string(i);
            const std::string cid = id(c->post(dev + "campaigns", campaign_body(key, "Campaign " + key), editor));
            dev_campaigns.push_back(cid);
            objects += (i ? "," : "") + std::string(R"({"kind":"campaign","id":")") + cid + "\"}";
        }
        objects += "]";
        auto created = c->post("/v1/tenants/acme/packages",
                               R"({"name":"welcome","source_sandbox":"dev","objects":)" + objects + "}", editor);
        ASSERT_EQ(created.status, 201) << created.body;
    }

    std::string campaign_body(const std::string& key, const std::string& name) const {
        return R"({"key":")" + key + R"(","name":")" + name +
               R"(","type":"action","channels":["email"],"audience":{"segment":")" + segment +
               R"("},"content":{"email":{"template":")" + tmpl + R"("}}})";
    }

    int publish() {
        auto res = c->post("/v1/tenants/acme/packages/welcome/versions", "{}", editor);
        EXPECT_EQ(res.status, 201) << res.body;
        return static_cast<int>(res.json().at("version").as_int64());
    }

    static std::string id(const HttpResponse& res) {
        if (res.status != 201) throw std::runtime_error("expected 201: " + res.body);
        return str(res.json().at("id"));
    }

    static std::string body(int version, const std::string& extra = "") {
        return R"({"package":"welcome","version":)" + std::to_string(version) + extra + "}";
    }

    HttpResponse plan(const std::string& b) { return c->post(prod + "imports/plan", b, importer); }

    HttpResponse apply(const std::string& b, const std::string& key = "") {
        std::vector<std::string> headers;
        if (!key.empty()) headers.push_back("Idempotency-Key: " + key);
        return c->request("POST", prod + "imports", importer, &b, headers);
    }

    // The prod campaign imported under this key.
    json::object prod_campaign(const std::string& key) {
        const auto list = c->get(prod + "campaigns?limit=200", admin).json();
        for (const auto& item : list.at("items").as_array())
            if (item.at("key") == json::value(key)) return item.as_object();
        return {};
    }

    std::size_t prod_count() {
        return static_cast<std::size_t>(c->get(prod + "campaigns?limit=1", admin).json().at("total").as_int64());
    }

    static std::map<std::string, std::string> actions(const json::value& plan_or_import) {
        std::map<std::string, std::string> out;
        for (const auto& i : plan_or_import.at("items").as_array())
            out[str(i.at("kind")) + "/" + str(i.at("key"))] = str(i.at("action"));
        return out;
    }

    std::unique_ptr<FerrydProcess> server;
    std::unique_ptr<HttpClient> c;
    TenantFixture acme;
    std::string admin, editor, importer, prod_editor, reviewer, segment, tmpl;
    std::vector<std::string> dev_campaigns;
};

TEST_F(Imports, DevToProdPromotionLandsAsDraftsThatProdApprovalGates) {
    build_dev();
    ASSERT_EQ(publish(), 1);

    auto p = plan(body(1));
    ASSERT_EQ(p.status, 200) << p.body;
    const auto planned = p.json();
    EXPECT_EQ(actions(planned), (std::map<std::string, std::string>{{"segment/vip", "create"},
                                                                    {"template/hello", "create"},
                                                                    {"campaign/welcome", "create"},
                                                                    {"campaign/promo-1", "create"}}));
    EXPECT_FALSE(planned.at("conflicts").as_bool());
    EXPECT_TRUE(planned.at("preflight").at("missing_permissions").as_array().empty());
    EXPECT_EQ(str(planned.at("digest")).rfind("sha256:", 0), 0U);
    // The plan wrote nothing.
    EXPECT_EQ(prod_count(), 0U);
    // A viewer of prod may plan, and is told what they miss to apply.
    const std::string viewer = make_user(*c, acme, "vic", R"([{"sandbox":"prod","role":"viewer"}])");
    auto viewer_plan = c->post(prod + "imports/plan", body(1), viewer).json();
    EXPECT_EQ(viewer_plan.at("preflight").at("missing_permissions").as_array()[0], "sandbox_import");
    EXPECT_EQ(c->post(prod + "imports", body(1), viewer).status, 403);

    auto applied = apply(R"({"plan_digest":")" + str(planned.at("digest")) + "\"}");
    ASSERT_EQ(applied.status, 201) << applied.body;
    const auto record = applied.json();
    EXPECT_EQ(record.at("status"), "applied");
    EXPECT_EQ(record.at("created_by"), "ivan");
    const std::string version_digest =
        str(c->get("/v1/tenants/acme/packages/welcome/versions/1", editor).json().at("digest"));

    const auto welcome = prod_campaign("welcome");
    ASSERT_FALSE(welcome.empty());
    EXPECT_EQ(welcome.at("status"), "draft");
    EXPECT_EQ(welcome.at("provenance").at("package"), "welcome");
    EXPECT_EQ(welcome.at("provenance").at("version"), 1);
    EXPECT_EQ(welcome.at("provenance").at("digest"), json::value(version_digest));
    // References point at prod's own copies of the segment and template.
    const auto segs = c->get(prod + "segments", admin).json().at("items").as_array();
    ASSERT_EQ(segs.size(), 1U);
    EXPECT_EQ(welcome.at("audience").at("segment"), segs[0].at("id"));
    EXPECT_NE(welcome.at("audience").at("segment"), json::value(segment));

    // Prod's approval policy gates the imported draft.
    auto policy = c->post("/v1/tenants/acme/approval-policies", R"({"name":"prod","scope":"campaign",
        "conditions":{"all":[{"field":"sandbox","op":"equals","value":"prod"}]},"approvers":{"role":"reviewer"},"required_approvals":1})",
                          admin);
    ASSERT_EQ(policy.status, 201) << policy.body;
    const std::string cid = str(welcome.at("id"));
    auto direct = c->post(prod + "campaigns/" + cid + "/actions/activate", "{}", prod_editor);
    EXPECT_EQ(direct.status, 409);
    EXPECT_EQ(direct.error_code(), "approval_required");
    ASSERT_EQ(c->post(prod + "campaigns/" + cid + "/actions/submit", "{}", prod_editor).status, 200);
    std::string review;
    const auto reviews = c->get("/v1/tenants/acme/reviews", admin).json();
    for (const auto& r : reviews.at("items").as_array())
        if (r.at("subject").at("campaign") == json::value(cid)) review = str(r.at("id"));
    ASSERT_FALSE(review.empty());
    ASSERT_EQ(c->post("/v1/tenants/acme/reviews/" + review + "/approve", "{}", reviewer).status, 200);
    EXPECT_EQ(c->get(prod + "campaigns/" + cid, admin).json().at("status"), "active");

    // The import is listed, with who and when, and announced.
    const auto list = c->get(prod + "imports", importer).json().at("items").as_array();
    ASSERT_EQ(list.size(), 1U);
    EXPECT_EQ(list[0].at("id"), record.at("id"));
    EXPECT_EQ(list[0].at("counts").at("create"), 4);
    const auto one = c->get(prod + "imports/" + str(record.at("id")), importer).json();
    EXPECT_EQ(one.at("items").as_array().size(), 4U);
    EXPECT_EQ(c->get(dev + "imports/" + str(record.at("id")), admin).status, 404);
    bool audited = false;
    const auto audit = c->get("/v1/tenants/acme/audit?limit=500", admin).json();
    for (const auto& a : audit.at("items").as_array()) audited = audited || a.at("action") == "import.apply";
    EXPECT_TRUE(audited);
}

TEST_F(Imports, UpdateOfALiveCampaignLandsAsItsDraftVersion) {
    build_dev(1);
    publish();
    ASSERT_EQ(apply(body(1)).status, 201);
    const std::string cid = str(prod_campaign("welcome").at("id"));
    ASSERT_EQ(c->post(prod + "campaigns/" + cid + "/actions/activate", "{}", prod_editor).status, 200);

    ASSERT_EQ(c->patch(dev + "campaigns/" + dev_campaigns[0], R"({"description":"version two"})", editor, "*").status,
              200);
    ASSERT_EQ(publish(), 2);
    auto p = plan(body(2, R"(,"conflict_policy":"update")")).json();
    EXPECT_EQ(actions(p).at("campaign/welcome"), "update");
    EXPECT_EQ(actions(p).at("segment/vip"), "skip");
    bool as_draft = false;
    for (const auto& i : p.at("items").as_array())
        if (i.at("key") == "welcome") as_draft = i.at("as_draft_version").as_bool();
    EXPECT_TRUE(as_draft);
    auto applied = apply(body(2, R"(,"conflict_policy":"update")"));
    ASSERT_EQ(applied.status, 201) << applied.body;

    const auto live = c->get(prod + "campaigns/" + cid, admin).json();
    EXPECT_EQ(live.at("status"), "active");
    EXPECT_EQ(live.at("description"), "");  // the live version runs on unchanged
    EXPECT_EQ(live.at("provenance").at("version"), 2);
    const auto draft = c->get(prod + "campaigns/" + cid + "/draft", admin);
    ASSERT_EQ(draft.status, 200) << draft.body;
    EXPECT_EQ(draft.json().at("description"), "version two");
}

TEST_F(Imports, ProdEditsAreConflictsAndPoliciesResolveThem) {
    build_dev(1);
    publish();
    ASSERT_EQ(apply(body(1)).status, 201);
    const std::string cid = str(prod_campaign("welcome").at("id"));
    // Re-planning the same version: nothing to do.
    EXPECT_EQ(actions(plan(body(1)).json()).at("campaign/welcome"), "skip");

    ASSERT_EQ(c->patch(prod + "campaigns/" + cid, R"({"name":"Welcome, prod wording"})", prod_editor, "*").status, 200);
    // An activation is not an edit: only the content counts.
    ASSERT_EQ(c->patch(dev + "campaigns/" + dev_campaigns[0], R"({"description":"v2"})", editor, "*").status, 200);
    publish();
    // By default the two edits merge: prod's name, dev's description (docs/sync.md).
    EXPECT_EQ(actions(plan(body(2)).json()).at("campaign/welcome"), "merge");
    // fail makes every object edited in the target a conflict.
    const std::string fail = R"(,"conflict_policy":"fail")";
    auto p = plan(body(2, fail)).json();
    EXPECT_TRUE(p.at("conflicts").as_bool());
    for (const auto& i : p.at("items").as_array())
        if (i.at("key") == "welcome") {
            EXPECT_EQ(i.at("action"), "conflict");
            EXPECT_NE(str(i.at("reason")).find("edited in the target"), std::string::npos) << i.at("reason");
        }
    auto refused = apply(body(2, fail));
    EXPECT_EQ(refused.status, 409);
    EXPECT_EQ(refused.error_code(), "conflicts");
    const auto conflicts = refused.json().at("error").at("details").at("conflicts").as_array();
    ASSERT_EQ(conflicts.size(), 1U);
    EXPECT_EQ(conflicts[0].at("key"), "welcome");
    EXPECT_EQ(c->get(prod + "campaigns/" + cid, admin).json().at("name"), "Welcome, prod wording");

    // use_existing keeps prod's campaign; create_new puts the package's beside it.
    auto keep = plan(body(2, R"(,"overrides":{"campaign/welcome":"use_existing"})")).json();
    EXPECT_EQ(actions(keep).at("campaign/welcome"), "reuse");
    auto beside = apply(body(2, R"(,"overrides":{"campaign/welcome":"create_new"})"));
    ASSERT_EQ(beside.status, 201) << beside.body;
    const auto copy = prod_campaign("welcome-2");
    ASSERT_FALSE(copy.empty());
    EXPECT_EQ(copy.at("description"), "v2");
    EXPECT_EQ(c->get(prod + "campaigns/" + cid, admin).json().at("name"), "Welcome, prod wording");

    // From now on the copy is the package's "welcome" in prod, matched by provenance though its
    // key differs: v3 updates it, untouched since its import, and leaves prod's own alone.
    ASSERT_EQ(c->patch(dev + "campaigns/" + dev_campaigns[0], R"({"description":"v3"})", editor, "*").status, 200);
    ASSERT_EQ(publish(), 3);
    const auto next = plan(body(3)).json();
    EXPECT_FALSE(next.at("conflicts").as_bool()) << json::serialize(next);
    for (const auto& i : next.at("items").as_array())
        if (i.at("key") == "welcome") {
            EXPECT_EQ(i.at("action"), "update");
            EXPECT_EQ(i.at("target_id"), copy.at("id"));
        }
    ASSERT_EQ(apply(body(3)).status, 201);
    EXPECT_EQ(prod_campaign("welcome-2").at("description"), "v3");
    EXPECT_EQ(c->get(prod + "campaigns/" + cid, admin).json().at("name"), "Welcome, prod wording");
}

TEST_F(Imports, ATamperedStoreIsRefusedNamingTheObject) {
    build_dev(1);
    publish();
    const auto repo = (server->data_dir() / "git" / "acme.git").string();
    const std::string git = "git --git-dir=" + repo + " ";
    // Rewrite one object file in a new commit and move the tag onto it.
    const auto work = server->data_dir().parent_path() / "tamper";
    ASSERT_EQ(run_command("git clone -q " + repo + " " + work.string() + " && cd " + work.string() +
                          " && git checkout -q packages/welcome/v1 && sed -i 's/Campaign welcome/Campaign evil/' "
                          "campaigns/welcome.json"
                          " && git -c user.name=x -c user.email=x@x commit -qam tamper && git push -q origin "
                          "HEAD:refs/tags/packages/welcome/v1 --force")
                  .first,
              0);
    auto moved = plan(body(1));
    EXPECT_EQ(moved.status, 422) << moved.body;
    EXPECT_EQ(moved.error_code(), "package_invalid");
    EXPECT_EQ(moved.json().at("error").at("details").at("object"), "tag packages/welcome/v1");
    EXPECT_EQ(apply(body(1)).status, 422);
    EXPECT_EQ(prod_count(), 0U);
    EXPECT_TRUE(c->get(prod + "segments", admin).json().at("items").as_array().empty());
}

TEST_F(Imports, AnObjectChangedInPlaceIsRefusedNamingTheObject) {
    build_dev(1);
    publish();
    // Replace the blob of campaigns/welcome.json inside the store's object database: the tag
    // still names the published commit, so only the digests can tell.
    const auto repo = (server->data_dir() / "git" / "acme.git").string();
    const std::string git = "git --git-dir=" + repo + " ";
    const std::string blob = run_command(git + "rev-parse packages/welcome/v1^{commit}:campaigns/welcome.json").second;
    ASSERT_FALSE(blob.empty());
    const std::string id = blob.substr(0, blob.size() - 1);
    // Unpack the pack into loose objects, then overwrite the blob's loose object with other content
    // stored under the same name (as disk corruption or a malicious admin would).
    ASSERT_EQ(run_command("cd " + repo +
                          " && mkdir -p /tmp/unpack-$$ && for p in objects/pack/*.pack; do mv $p $p.old; "
                          "git --git-dir=. unpack-objects < $p.old; rm -f $p.old ${p%.pack}.idx; done")
                  .first,
              0);
    const std::string fake = run_command(git + "cat-file blob " + id + " | sed 's/Campaign welcome/Campaign evil/' | " +
                                         git + "hash-object -w --stdin")
                                 .second;
    const std::string loose = repo + "/objects/" + id.substr(0, 2) + "/" + id.substr(2);
    const std::string fake_loose = repo + "/objects/" + fake.substr(0, 2) + "/" + fake.substr(2, fake.size() - 3);
    ASSERT_EQ(run_command("chmod u+w " + loose + " && cp " + fake_loose + " " + loose).first, 0);

    auto res = plan(body(1));
    EXPECT_EQ(res.status, 422) << res.body;
    EXPECT_EQ(res.error_code(), "package_invalid");
    EXPECT_EQ(res.json().at("error").at("details").at("object"), "campaigns/welcome.json") << res.body;
    EXPECT_EQ(apply(body(1)).status, 422);
    EXPECT_EQ(prod_count(), 0U);
}

TEST_F(Imports, IdempotencyKeysReplayRefuseOtherBodiesAndSayAlreadyApplied) {
    build_dev(1);
    publish();
    auto first = apply(body(1), "ci-run-42");
    ASSERT_EQ(first.status, 201) << first.body;
    auto replay = apply(body(1), "ci-run-42");
    EXPECT_EQ(replay.status, 201);
    EXPECT_EQ(replay.json().at("id"), first.json().at("id"));
    EXPECT_EQ(replay.header("idempotent-replayed"), "true");
    auto other = apply(body(1, R"(,"conflict_policy":"update")"), "ci-run-42");
    EXPECT_EQ(other.status, 422);
    EXPECT_EQ(other.error_code(), "idempotency_key_reused");
    // Keys belong to a token: another token's key of the same name is its own.
    const std::string second_token = make_user(*c, acme, "ian", R"([{"sandbox":"prod","role":"importer"}])");
    const std::string b = body(1);
    auto theirs = c->request("POST", prod + "imports", second_token, &b, {"Idempotency-Key: ci-run-42"});
    EXPECT_EQ(theirs.status, 200) << theirs.body;
    EXPECT_EQ(theirs.json().at("status"), "already_applied");

    // The same version with the same options, without a key: a no-op that says so.
    auto again = apply(body(1));
    EXPECT_EQ(again.status, 200);
    EXPECT_EQ(again.json().at("status"), "already_applied");
    EXPECT_EQ(again.json().at("id"), first.json().at("id"));
    EXPECT_EQ(c->get(prod + "imports", importer).json().at("items").as_array().size(), 1U);
    EXPECT_EQ(prod_count(), 1U);
}

TEST_F(Imports, AConcurrentRequestWithTheSameKeyIsRefusedWhileTheFirstRuns) {
    // A package big enough that its apply takes a while; the same key arrives four times at once.
    build_dev(200);
    publish();
    std::vector<std::future<HttpResponse>> calls;
    for (int i = 0; i < 4; ++i)
        calls.push_back(std::async(std::launch::async, [&] {
            HttpClient own(server->base_url());
            const std::string b = body(1);
            return own.request("POST", prod + "imports", importer, &b, {"Idempotency-Key: same"});
        }));
    int busy = 0;
    std::set<std::string> ids;
    for (auto& call : calls) {
        const HttpResponse res = call.get();
        if (res.status == 409) {
            EXPECT_EQ(res.error_code(), "idempotency_in_progress");
            ++busy;
        } else {
            ASSERT_EQ(res.status, 201) << res.body.substr(0, 300);
            ids.insert(str(res.json().at("id")));
        }
    }
    EXPECT_EQ(ids.size(), 1U) << "every success is the same import";
    EXPECT_GE(busy, 1) << "no request overlapped the first one's apply";
    // Once it has finished, the key replays it.
    EXPECT_EQ(str(apply(body(1), "same").json().at("id")), *ids.begin());
    EXPECT_EQ(c->get(prod + "imports", importer).json().at("items").as_array().size(), 1U);
}

TEST_F(Imports, OlderVersionsNeedAllowDowngrade) {
    build_dev(1);
    ASSERT_EQ(publish(), 1);
    ASSERT_EQ(c->patch(dev + "campaigns/" + dev_campaigns[0], R"({"description":"v2"})", editor, "*").status, 200);
    ASSERT_EQ(publish(), 2);
    ASSERT_EQ(apply(body(2)).status, 201);
    auto down = plan(body(1));
    EXPECT_EQ(down.status, 409);
    EXPECT_EQ(down.error_code(), "downgrade");
    EXPECT_EQ(apply(body(1)).error_code(), "downgrade");
    auto allowed = apply(body(1, R"(,"allow_downgrade":true)"));
    EXPECT_EQ(allowed.status, 201) << allowed.body;
    EXPECT_EQ(prod_campaign("welcome").at("description"), "");
}

TEST_F(Imports, RollbackRestoresAndRefusesAfterALaterEdit) {
    build_dev(1);
    publish();
    auto v1 = apply(body(1));
    ASSERT_EQ(v1.status, 201);
    const std::string cid = str(prod_campaign("welcome").at("id"));
    ASSERT_EQ(c->patch(dev + "campaigns/" + dev_campaigns[0], R"({"description":"v2"})", editor, "*").status, 200);
    publish();
    auto v2 = apply(body(2));
    ASSERT_EQ(v2.status, 201) << v2.body;
    EXPECT_EQ(actions(v2.json()).at("campaign/welcome"), "update");
    EXPECT_EQ(prod_campaign("welcome").at("description"), "v2");

    // Rolling v2 back puts v1's content back.
    auto back = c->post(prod + "imports/" + str(v2.json().at("id")) + "/rollback", "{}", importer);
    ASSERT_EQ(back.status, 200) << back.body;
    EXPECT_EQ(back.json().at("status"), "rolled_back");
    const auto restored = c->get(prod + "campaigns/" + cid, admin).json();
    EXPECT_EQ(restored.at("description"), "");
    EXPECT_EQ(restored.at("provenance").at("version"), 1);
    EXPECT_EQ(c->post(prod + "imports/" + str(v2.json().at("id")) + "/rollback", "{}", importer).error_code(),
              "already_rolled_back");

    // v1 after a prod edit: refused, naming the object; nothing changes.
    ASSERT_EQ(c->patch(prod + "campaigns/" + cid, R"({"name":"Edited in prod"})", prod_editor, "*").status, 200);
    auto refused = c->post(prod + "imports/" + str(v1.json().at("id")) + "/rollback", "{}", importer);
    EXPECT_EQ(refused.status, 409);
    EXPECT_EQ(refused.error_code(), "edited_since");
    EXPECT_EQ(refused.json().at("error").at("details").at("objects").as_array()[0].at("id"), json::value(cid));
    EXPECT_EQ(c->get(prod + "campaigns/" + cid, admin).json().at("name"), "Edited in prod");
    EXPECT_EQ(c->get(prod + "segments", admin).json().at("items").as_array().size(), 1U);
}

TEST_F(Imports, RollingBackTheFirstImportRemovesWhatItCreated) {
    build_dev(2);
    publish();
    auto v1 = apply(body(1));
    ASSERT_EQ(v1.status, 201);
    auto back = c->post(prod + "imports/" + str(v1.json().at("id")) + "/rollback", "{}", importer);
    ASSERT_EQ(back.status, 200) << back.body;
    EXPECT_EQ(prod_count(), 0U);
    EXPECT_TRUE(c->get(prod + "segments?include_archived=true", admin).json().at("items").as_array().empty());
    EXPECT_TRUE(c->get(prod + "templates?include_archived=true", admin).json().at("items").as_array().empty());
    // The version can be imported again: the rolled-back import no longer counts.
    auto again = apply(body(1));
    EXPECT_EQ(again.status, 201) << again.body;
    EXPECT_EQ(prod_count(), 2U);
}

TEST_F(Imports, BadRequestsAreClearAndChangeNothing) {
    build_dev(1);
    publish();
    EXPECT_EQ(plan(R"({"package":"welcome"})").status, 422);
    EXPECT_EQ(plan(body(1, R"(,"conflict_policy":"sometimes")")).error_code(), "invalid_field");
    EXPECT_EQ(plan(body(1, R"(,"overrides":{"welcome":"update"})")).status, 422);
    EXPECT_EQ(plan(body(9)).status, 404);
    EXPECT_EQ(plan(R"({"package":"nope","version":1})").status, 404);
    EXPECT_EQ(apply(R"({"plan_digest":"sha256:0000"})").status, 404);
    const std::string b = body(1);
    EXPECT_EQ(c->request("POST", prod + "imports", importer, &b, {"Idempotency-Key: has space"}).status, 400);
    // Sent empty ("Name;" is how curl sends a header with no value) is not the same as absent.
    const auto empty_key = c->request("POST", prod + "imports", importer, &b, {"Idempotency-Key;"});
    EXPECT_EQ(empty_key.status, 400) << empty_key.body;
    EXPECT_EQ(empty_key.error_code(), "invalid_header");
    EXPECT_EQ(prod_count(), 0U);
}

TEST_F(Imports, SecretsAreBoundPerTarget) {
    segment = id(c->post(dev + "segments", R"({"key":"vip","name":"VIP","rule":{}})", editor));
    const std::string hook =
        id(c->post(dev + "campaigns", R"({"key":"ping","name":"Ping","type":"api_triggered","channels":["webhook"],
        "content":{"webhook":{"url":"https://hooks.example.com/x","auth_header":"Bearer dev-secret"}}})",
                   editor));
    ASSERT_EQ(
        c->post("/v1/tenants/acme/packages",
                R"({"name":"welcome","source_sandbox":"dev","objects":[{"kind":"campaign","id":")" + hook + "\"}]}",
                editor)
            .status,
        201);
    publish();
    auto p = plan(body(1)).json();
    EXPECT_TRUE(p.at("blocked").as_bool());
    EXPECT_EQ(p.at("items").as_array()[0].at("missing_bindings").as_array()[0], "ping.webhook.auth_header");
    auto blocked = apply(body(1));
    EXPECT_EQ(blocked.status, 422);
    EXPECT_EQ(blocked.error_code(), "blocked");
    auto ok = apply(body(1, R"(,"bindings":{"ping.webhook.auth_header":"Bearer prod-secret"})"));
    ASSERT_EQ(ok.status, 201) << ok.body;
    // The secret stays write-only in prod too; it is prod's own value that was bound.
    EXPECT_EQ(prod_campaign("ping").at("content").at("webhook").at("auth_header"), "********");

    // Re-importing with the same value, or with none, changes nothing.
    for (const std::string& extra :
         {std::string(R"(,"bindings":{"ping.webhook.auth_header":"Bearer prod-secret"})"), std::string()}) {
        const auto same = plan(body(1, extra)).json();
        EXPECT_EQ(same.at("items").as_array()[0].at("action"), "skip") << extra;
        EXPECT_EQ(same.at("items").as_array()[0].at("reason"), "identical") << extra;
    }
    // Rotating the secret by re-importing with a new value is a change: planned as an update
    // that names the binding (never its value), and written.
    const std::string rotate = body(1, R"(,"bindings":{"ping.webhook.auth_header":"Bearer rotated"})");
    const auto rotation = plan(rotate);
    ASSERT_EQ(rotation.status, 200) << rotation.body;
    const auto item = rotation.json().at("items").as_array()[0];
    EXPECT_EQ(item.at("action"), "update");
    EXPECT_NE(std::string(item.at("reason").as_string()).find("ping.webhook.auth_header"), std::string::npos);
    EXPECT_EQ(rotation.body.find("rotated"), std::string::npos) << "a secret value never enters a plan";
    const auto rotated = apply(rotate);
    ASSERT_EQ(rotated.status, 201) << rotated.body;
    EXPECT_EQ(rotated.json().at("items").as_array()[0].at("action"), "update");
    // Written: the new value is now what prod holds, the old one is a change again.
    EXPECT_EQ(plan(rotate).json().at("items").as_array()[0].at("action"), "skip");
    EXPECT_EQ(plan(body(1, R"(,"bindings":{"ping.webhook.auth_header":"Bearer prod-secret"})"))
                  .json()
                  .at("items")
                  .as_array()[0]
                  .at("action"),
              "update");
}

TEST(ImportEvents, AWebhookAnnouncesTheImport) {
    WebhookReceiver receiver;
    FerrydProcess server(FerrydOptions{{"--allow-private-webhooks"}, {}});
    HttpClient c(server.base_url());
    auto acme = make_tenant(c, server.operator_token(), "acme", {"dev", "prod"});
    const std::string editor = acme.token_of.at("editor");
    ASSERT_EQ(c.post("/v1/tenants/acme/webhooks",
                     R"({"url":")" + receiver.url() +
                         R"(","events":["import.applied"],"secret":"0123456789abcdef0123456789abcdef"})",
                     acme.admin_token)
                  .status,
              201);
    const std::string cid = str(
        c.post(dev + "campaigns",
               R"({"key":"w","name":"W","type":"action","channels":["sms"],"content":{"sms":{"body":"Hi"}}})", editor)
            .json()
            .at("id"));
    ASSERT_EQ(c.post("/v1/tenants/acme/packages",
                     R"({"name":"welcome","source_sandbox":"dev","objects":[{"kind":"campaign","id":")" + cid + "\"}]}",
                     editor)
                  .status,
              201);
    ASSERT_EQ(c.post("/v1/tenants/acme/packages/welcome/versions", "{}", editor).status, 201);
    auto applied = c.post(prod + "imports", R"({"package":"welcome","version":1})", acme.admin_token);
    ASSERT_EQ(applied.status, 201) << applied.body;
    ASSERT_TRUE(receiver.wait_for([](const auto& got) { return !got.empty(); }, std::chrono::seconds(20)));
    const auto event = json::parse(receiver.received().at(0).body);
    EXPECT_EQ(event.at("type"), "import.applied");
    EXPECT_EQ(event.at("data").at("import"), applied.json().at("id"));
    EXPECT_EQ(event.at("data").at("sandbox"), "prod");
    EXPECT_EQ(event.at("data").at("version"), 1);
}

}  // namespace

namespace {

// Issue 6, scenario 8: ferryd dies in the middle of a 10,000-campaign import's transaction.
TEST(ImportCrash, KilledDuringA10kApplyNothingShowsAndTheRetrySucceeds) {
    const int count =
        std::getenv("FERRY_IMPORT_CRASH_CAMPAIGNS") ? std::atoi(std::getenv("FERRY_IMPORT_CRASH_CAMPAIGNS")) : 10000;
    FerrydProcess server;
    HttpClient c(server.base_url());
    auto acme = make_tenant(c, server.operator_token(), "acme", {"dev", "prod"});
    const std::string editor = acme.token_of.at("editor");
    const std::string admin = acme.admin_token;
    std::atomic<int> next{0}, failed{0};
    std::vector<std::thread> writers;
    for (int w = 0; w < 8; ++w)
        writers.emplace_back([&] {
            HttpClient own(server.base_url());
            for (int i = next++; i < count; i = next++)
                if (own.post(dev + "campaigns",
                             R"({"key":"c)" + std::to_string(i) + R"(","name":"Campaign )" + std::to_string(i) +
                                 R"(","type":"action","channels":["sms"],"content":{"sms":{"body":"Hi"}}})",
                             editor)
                        .status != 201)
                    ++failed;
        });
    for (auto& t : writers) t.join();
    ASSERT_EQ(failed.load(), 0);
    ASSERT_EQ(
        c.post("/v1/tenants/acme/packages", R"({"name":"all","source_sandbox":"dev","kind":"full"})", editor).status,
        201);
    auto published = c.post("/v1/tenants/acme/packages/all/versions", "{}", editor);
    ASSERT_EQ(published.status, 201) << published.body;

    const std::string b = R"({"package":"all","version":1})";
    server.kill9();
    ::setenv("FERRY_TEST_CRASH_AT", "import_half", 1);  // inherited by this start only
    server.start();
    ::unsetenv("FERRY_TEST_CRASH_AT");
    {
        HttpClient crashing(server.base_url());
        EXPECT_THROW(crashing.request("POST", prod + "imports", admin, &b, {"Idempotency-Key: deploy-7"}),
                     TransportError);
    }
    server.kill9();  // already gone; reaps it
    server.start();
    HttpClient after(server.base_url());
    EXPECT_EQ(after.get(prod + "campaigns?limit=1", admin).json().at("total").as_int64(), 0);
    EXPECT_TRUE(after.get(prod + "imports", admin).json().at("items").as_array().empty());

    auto retry = after.request("POST", prod + "imports", admin, &b, {"Idempotency-Key: deploy-7"});
    ASSERT_EQ(retry.status, 201) << retry.body.substr(0, 500);
    EXPECT_EQ(retry.json().at("items").as_array().size(), static_cast<std::size_t>(count));
    EXPECT_EQ(after.get(prod + "campaigns?limit=1", admin).json().at("total").as_int64(), count);
    auto replay = after.request("POST", prod + "imports", admin, &b, {"Idempotency-Key: deploy-7"});
    EXPECT_EQ(replay.json().at("id"), retry.json().at("id"));
}

}  // namespace
