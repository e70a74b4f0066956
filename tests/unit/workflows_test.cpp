// The use cases of service/workflows over a temporary SQLite store and a manual clock, with no
// HTTP: each path that changes a campaign's status goes through the lifecycle, and every event
// it announces has the one shape of its type. The webhook outbox is read back to see the events.

#include "core/time.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "use_case_store.hpp"
#include "workflows/campaigns.hpp"
#include "workflows/imports.hpp"
#include "workflows/publish.hpp"
#include "workflows/recovery.hpp"
#include "workflows/reviews.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <set>

using namespace ferry;
namespace json = boost::json;
using workflows::Actor;

namespace {

class Workflows : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = test::make_temp_dir("ferry-workflows");
        store_ = test::open_acme_store(dir_, clock_.now());
        store_->write([&](Tx& tx) {
            for (const auto& [id, role] :
                 {std::pair{"ed", Role::editor}, std::pair{"ed2", Role::editor}, std::pair{"rita", Role::reviewer},
                  std::pair{"rob", Role::reviewer}, std::pair{"adm", Role::admin}}) {
                User u;
                u.tenant = "acme";
                u.id = id;
                u.name = id;
                u.roles = {RoleGrant{id == std::string("adm") ? std::string(all_sandboxes) : "prod", role}};
                u.created_at = u.updated_at = clock_.now();
                tx.insert_user(u);
            }
            Segment seg;
            seg.tenant = "acme";
            seg.sandbox = "prod";
            seg.id = "seg_vip";
            seg.key = "vip";
            seg.name = "VIP";
            seg.created_by = seg.updated_by = "ed";
            seg.created_at = seg.updated_at = clock_.now();
            tx.insert_segment(seg);
            Webhook w;
            w.tenant = "acme";
            w.id = "whk_all";
            w.url = "http://127.0.0.1:9/";
            w.events = {"review.requested", "review.decided", "campaign.status_changed", "package.published"};
            w.secret = "0123456789abcdef";
            w.created_by = "adm";
            w.created_at = clock_.now();
            tx.insert_webhook(w);
        });
    }
    void TearDown() override {
        store_.reset();
        std::filesystem::remove_all(dir_);
    }

    Actor person(const std::string& user) {
        Principal p;
        p.tenant = "acme";
        p.user = user;
        p.token_id = "tok_" + user;
        p.roles = store_->read([&](Tx& tx) { return tx.user("acme", user)->roles; });
        return Actor::of(p, clock_.now(), "req-" + user);
    }

    // A policy: every campaign (and, with package scope, every package) of prod needs one reviewer.
    void require_one_reviewer(approval::Scope scope) {
        store_->write([&](Tx& tx) {
            approval::Policy p;
            p.tenant = "acme";
            p.id = std::string("pol_") + std::string(approval::to_string(scope));
            p.name = "one reviewer";
            p.scope = scope;
            p.approvers.role = Role::reviewer;
            p.created_by = p.updated_by = "adm";
            p.created_at = p.updated_at = clock_.now();
            tx.insert_policy(p);
        });
    }

    std::string create_campaign(const std::string& by, std::optional<Timestamp> start = std::nullopt) {
        Campaign c;
        c.tenant = "acme";
        c.sandbox = "prod";
        c.id = "cmp_" + std::to_string(++campaigns_);
        c.key = "launch-" + std::to_string(campaigns_);
        c.spec.name = "Launch " + std::to_string(campaigns_);
        c.spec.channels = {Channel::email};
        c.spec.segment = "seg_vip";
        c.spec.schedule.start = start;
        c.spec.content = json::object{{"email", json::object{{"subject", "Hi"}, {"body", "Hello"}}}};
        c.status_changed_at = c.created_at = c.updated_at = clock_.now();
        c.created_by = c.updated_by = c.spec_edited_by = by;
        store_->write([&](Tx& tx) { tx.insert_campaign(c); });
        return c.id;
    }

    Campaign campaign(const std::string& id) {
        return *store_->read([&](Tx& tx) { return tx.campaign("acme", "prod", id); });
    }

    Sandbox prod() {
        return *store_->read([](Tx& tx) { return tx.sandbox("acme", "prod"); });
    }

    workflows::ActionResult act(const std::string& who, const std::string& id, CampaignAction action) {
        return store_->write([&](Tx& tx) { return workflows::act(tx, person(who), prod(), campaign(id), action); });
    }

    // The events announced so far, oldest first, as their JSON bodies.
    std::vector<json::object> events(std::string_view type) {
        std::vector<json::object> out;
        for (const auto& item :
             store_->read([](Tx& tx) { return tx.due_outbox(from_millis(std::int64_t{1} << 50), 10000); }))
            if (item.event_type == type) out.push_back(json::parse(item.payload).as_object());
        return out;
    }

    static std::set<std::string> keys(const json::object& o) {
        std::set<std::string> out;
        for (const auto& kv : o) out.insert(std::string(kv.key()));
        return out;
    }

    std::filesystem::path dir_;
    ManualClock clock_{from_millis(1'800'000'000'000)};
    std::unique_ptr<Store> store_;
    int campaigns_ = 0;
};

}  // namespace

TEST_F(Workflows, SubmitApproveAndVetoGoThroughTheLifecycleWithOneEventShape) {
    require_one_reviewer(approval::Scope::campaign);
    const std::string a = create_campaign("ed");
    EXPECT_EQ(act("ed", a, CampaignAction::submit).campaign.status, CampaignStatus::in_review);
    const auto review_id = store_->read([&](Tx& tx) { return tx.pending_review("acme", "prod", a)->id; });

    // The submitter and the last editor never decide; a reviewer does.
    EXPECT_THROW(store_->write([&](Tx& tx) { workflows::approve(tx, person("ed"), review_id, ""); }), Error);
    const auto outcome = store_->write([&](Tx& tx) { return workflows::approve(tx, person("rita"), review_id, "ok"); });
    EXPECT_EQ(outcome.review.state, approval::ReviewState::approved);
    EXPECT_FALSE(outcome.stale);
    EXPECT_EQ(campaign(a).status, CampaignStatus::active);
    EXPECT_EQ(campaign(a).live_version, 1);

    // A second campaign sent back: a veto returns it to draft through the request_changes row.
    const std::string b = create_campaign("ed2");
    act("ed2", b, CampaignAction::submit);
    const auto second = store_->read([&](Tx& tx) { return tx.pending_review("acme", "prod", b)->id; });
    const auto vetoed =
        store_->write([&](Tx& tx) { return workflows::request_changes(tx, person("rob"), second, "no"); });
    EXPECT_EQ(vetoed.state, approval::ReviewState::changes_requested);
    EXPECT_EQ(campaign(b).status, CampaignStatus::draft);

    const auto decided = events("review.decided");
    ASSERT_EQ(decided.size(), 2U);
    EXPECT_EQ(keys(decided[0].at("data").as_object()), keys(decided[1].at("data").as_object()));
    EXPECT_EQ(decided[0].at("data").at("decision"), "approved");
    EXPECT_EQ(decided[0].at("data").at("live_version"), 1);
    EXPECT_EQ(decided[1].at("data").at("decision"), "changes_requested");
    EXPECT_TRUE(decided[1].at("data").at("live_version").is_null());
    EXPECT_EQ(decided[1].at("data").at("by"), "rob");
}

TEST_F(Workflows, TheSchedulerAndTheSegmentCascadeAnnounceWhatRequestsAnnounce) {
    const std::string later = create_campaign("ed", clock_.now() + std::chrono::hours(1));
    EXPECT_EQ(act("ed", later, CampaignAction::activate).campaign.status, CampaignStatus::scheduled);

    clock_.advance(std::chrono::hours(2));
    const auto due = store_->write([&](Tx& tx) {
        return workflows::apply_due_events(tx, Actor::scheduler(clock_.now()), CampaignRef{"acme", "prod", later});
    });
    EXPECT_EQ(due.applied, 1U);
    EXPECT_FALSE(due.stuck);
    EXPECT_EQ(campaign(later).status, CampaignStatus::active);
    EXPECT_EQ(campaign(later).updated_by, "scheduler");

    require_one_reviewer(approval::Scope::campaign);
    const std::string draft = create_campaign("ed");
    act("ed", draft, CampaignAction::submit);
    const auto archived = store_->write([&](Tx& tx) {
        return workflows::archive_with_segment(tx, person("adm"), *tx.segment("acme", "prod", "seg_vip"));
    });
    EXPECT_EQ(archived.size(), 2U);
    EXPECT_EQ(campaign(draft).status, CampaignStatus::archived);
    EXPECT_FALSE(store_->read([&](Tx& tx) { return tx.pending_review("acme", "prod", draft); }));

    // activate, start reached, submit, and the cascade's two: one shape, whoever moved it.
    const auto changes = events("campaign.status_changed");
    ASSERT_EQ(changes.size(), 5U);
    std::vector<std::string> by;
    for (const auto& e : changes) {
        EXPECT_EQ(keys(e.at("data").as_object()), keys(changes[0].at("data").as_object()));
        by.emplace_back(e.at("data").at("by").as_string());
    }
    EXPECT_EQ(by, (std::vector<std::string>{"ed", "scheduler", "ed", "adm", "adm"}));
    EXPECT_EQ(changes[1].at("data").at("to"), "active");
    EXPECT_EQ(changes[4].at("data").at("from"), "in_review");

    // The cascade's end of the review is announced like any other.
    const auto decided = events("review.decided");
    ASSERT_EQ(decided.size(), 1U);
    EXPECT_EQ(decided[0].at("data").at("decision"), "withdrawn");
    EXPECT_EQ(decided[0].at("data").at("comment"), "segment archived");
}

TEST_F(Workflows, APackageReviewExcludesTheEditorsOfWhatItHoldsAndVoidsOnChange) {
    require_one_reviewer(approval::Scope::package);
    const std::string held = create_campaign("rob");  // a reviewer who edited a campaign the package holds
    packager::Package p;
    p.tenant = "acme";
    p.name = "launch";
    p.source_sandbox = "prod";
    p.campaigns = {held};
    p.created_by = p.updated_by = "ed";
    p.created_at = p.updated_at = clock_.now();
    store_->write([&](Tx& tx) { tx.upsert_package(p); });

    const auto review = store_->write([&](Tx& tx) { return workflows::request_package_review(tx, person("ed"), p); });
    ASSERT_TRUE(review);
    try {
        store_->write([&](Tx& tx) { workflows::approve(tx, person("rob"), review->id, ""); });
        ADD_FAILURE() << "the editor of a held campaign approved the package";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "self_approval");
    }

    // The content changes: the next approval voids the review, which is announced.
    Campaign c = campaign(held);
    c.spec.description = "changed";
    store_->write([&](Tx& tx) { tx.update_campaign(c); });
    const auto outcome = store_->write([&](Tx& tx) { return workflows::approve(tx, person("rita"), review->id, ""); });
    ASSERT_TRUE(outcome.stale);
    EXPECT_EQ(outcome.stale->code(), "review_stale");
    EXPECT_FALSE(outcome.publish);
    EXPECT_EQ(outcome.review.state, approval::ReviewState::voided);
    const auto decided = events("review.decided");
    ASSERT_EQ(decided.size(), 1U);
    EXPECT_EQ(decided[0].at("data").at("decision"), "voided");
    EXPECT_EQ(decided[0].at("data").at("package"), "launch");
    EXPECT_TRUE(decided[0].at("data").at("campaign").is_null());

    // Asked again, a new review of the content as it is now; approved by someone who edited none of it.
    const auto again = store_->write([&](Tx& tx) { return workflows::request_package_review(tx, person("ed"), p); });
    ASSERT_TRUE(again);
    EXPECT_NE(again->id, review->id);
    const auto approved =
        store_->write([&](Tx& tx) { return workflows::approve(tx, person("rita"), again->id, "ship"); });
    ASSERT_TRUE(approved.publish);
    ASSERT_EQ(approved.publish->approvals.size(), 1U);
    EXPECT_EQ(approved.publish->approvals[0].user, "rita");
    EXPECT_EQ(approved.publish->requested_by, "ed");
}

TEST_F(Workflows, WithdrawingIsTheSubmittersOrATenantAdminsAndEndsInDraft) {
    require_one_reviewer(approval::Scope::campaign);
    const std::string a = create_campaign("ed");
    act("ed", a, CampaignAction::submit);
    const auto id = store_->read([&](Tx& tx) { return tx.pending_review("acme", "prod", a)->id; });
    EXPECT_THROW(store_->write([&](Tx& tx) { workflows::withdraw(tx, person("rita"), id); }), Error);
    const auto r = store_->write([&](Tx& tx) { return workflows::withdraw(tx, person("adm"), id); });
    EXPECT_EQ(r.state, approval::ReviewState::withdrawn);
    EXPECT_EQ(campaign(a).status, CampaignStatus::draft);
    EXPECT_TRUE(campaign(a).submitted_by.empty());
}

// Publishing as a use case, with no HTTP: a version, an unchanged content, allow_empty, and a
// crash at each step (the hook throws, as the process would die there), settled by the next
// publish so that numbering stays contiguous and git agrees with the database.
namespace {

struct Crash {
    std::string step;
};

class Publishing : public Workflows {
protected:
    void SetUp() override {
        Workflows::SetUp();
        git_ = std::make_unique<packager::GitStore>(dir_ / "git");
        keys_ = std::make_unique<keys::FileKeyStore>(dir_ / "keys");
        campaign_ = create_campaign("ed");
        store_->write([&](Tx& tx) {
            packager::Package p;
            p.tenant = "acme";
            p.name = "launch";
            p.source_sandbox = "prod";
            p.campaigns = {campaign_};
            p.created_by = p.updated_by = "ed";
            p.created_at = p.updated_at = clock_.now();
            tx.upsert_package(p);
        });
    }
    void TearDown() override {
        git_.reset();
        Workflows::TearDown();
    }

    workflows::Published publish(bool allow_empty = false, const std::string& crash_at = "") {
        const auto crash = [crash_at](std::string_view step) {
            if (step == crash_at) throw Crash{std::string(step)};
        };
        git_->set_step_hook(crash);
        const workflows::PublishServices services{*store_, *git_, *keys_, "req", crash, {}, {}};
        workflows::PublishRequest request;
        request.package = "launch";
        request.publisher = "ed";
        request.allow_empty = allow_empty;
        return workflows::publish(services, person("ed"), request);
    }

    std::vector<packager::PackageVersion> versions() {
        return store_->read([](Tx& tx) { return tx.package_versions("acme", "launch"); });
    }

    void edit() {
        Campaign c = campaign(campaign_);
        c.spec.description += "x";
        store_->write([&](Tx& tx) { tx.update_campaign(c); });
    }

    std::unique_ptr<packager::GitStore> git_;
    std::unique_ptr<keys::KeyStore> keys_;
    std::string campaign_;
};

}  // namespace

TEST_F(Publishing, AVersionThenNothingNewThenAllowEmpty) {
    const auto first = publish();
    EXPECT_FALSE(first.unchanged);
    EXPECT_EQ(first.version.version, 1);
    EXPECT_EQ(git_->version_commit("acme", "launch", 1), first.version.commit);
    const auto again = publish();
    EXPECT_TRUE(again.unchanged);
    EXPECT_EQ(again.version.version, 1);
    EXPECT_EQ(versions().size(), 1U);
    EXPECT_EQ(publish(true).version.version, 2);
    edit();
    const auto third = publish();
    EXPECT_FALSE(third.unchanged);
    EXPECT_EQ(third.version.version, 3);
    EXPECT_EQ(events("package.published").size(), 3U);
}

TEST_F(Publishing, ACrashAtEachStepIsSettledByTheNextPublish) {
    ASSERT_EQ(publish().version.version, 1);
    std::int64_t expected = 1;
    for (const std::string step : {"reserved", "packed", "branch", "tag", "recorded"}) {
        SCOPED_TRACE(step);
        edit();
        EXPECT_THROW(publish(false, step), Crash);
        // A version whose tag reached git survives the crash; one that did not is released.
        if (step == "tag" || step == "recorded") ++expected;
        const auto next = publish(true);
        EXPECT_EQ(next.version.version, expected + 1);
        expected = next.version.version;
        std::int64_t n = 0;
        for (const auto& v : versions()) {
            EXPECT_EQ(v.version, ++n) << "versions are contiguous";
            EXPECT_EQ(v.state, packager::VersionState::published);
            EXPECT_EQ(git_->version_commit("acme", "launch", v.version), v.commit);
        }
        EXPECT_EQ(n, expected);
    }
}

// Issue 17: the approval that completes a package review, the version's number and its
// reservation are one transaction. When the version cannot be written (the git store refuses
// it, or the process dies first), the approval is taken back with the reservation: the review is
// pending again, nothing was announced, and approving again publishes.
TEST_F(Publishing, ApprovingAPackageReviewDecidesAndNumbersTheVersionAsOne) {
    require_one_reviewer(approval::Scope::package);
    const auto package = store_->read([](Tx& tx) { return *tx.package("acme", "launch"); });
    const auto review =
        store_->write([&](Tx& tx) { return workflows::request_package_review(tx, person("ed"), package); });
    ASSERT_TRUE(review);
    const auto approve_with = [&](std::function<void(std::string_view)> hook) {
        git_->set_step_hook(hook);
        const workflows::PublishServices services{*store_, *git_, *keys_, "req", hook, {}, {}};
        return workflows::approve_review(services, person("rita"), review->id, "ship");
    };
    const auto pending_again = [&] {
        const auto r = store_->read([&](Tx& tx) { return *tx.review("acme", review->id); });
        EXPECT_EQ(r.state, approval::ReviewState::pending);
        EXPECT_TRUE(r.decided_by.empty());
        EXPECT_TRUE(store_->read([&](Tx& tx) { return tx.approvals("acme", review->id); }).empty());
        EXPECT_TRUE(versions().empty());
        EXPECT_EQ(store_->read([](Tx& tx) { return tx.package("acme", "launch")->last_version; }), 0);
        EXPECT_TRUE(events("review.decided").empty()) << "nothing was decided";
        EXPECT_TRUE(events("package.published").empty());
    };

    // The git store refuses the version: 503, and the decision is undone.
    try {
        approve_with([](std::string_view step) {
            if (step == "packed") throw packager::GitError("disk full");
        });
        ADD_FAILURE() << "a refused version was acknowledged";
    } catch (const Error& e) {
        EXPECT_EQ(e.code(), "store_failed");
    }
    pending_again();

    // The process dies with the version reserved: recovery undoes the decision the same way.
    EXPECT_THROW(approve_with([](std::string_view step) {
                     if (step == "reserved") throw Crash{std::string(step)};
                 }),
                 Crash);
    ASSERT_EQ(store_->read([&](Tx& tx) { return tx.review("acme", review->id)->state; }),
              approval::ReviewState::approved);
    ASSERT_EQ(versions().size(), 1U);
    EXPECT_EQ(versions()[0].review_id, review->id);
    EXPECT_EQ(workflows::recover_publishes(*store_, *git_), 1U);
    pending_again();

    // Approved again: one decision, one version, announced in that order.
    const auto approved = approve_with([](std::string_view) {});
    EXPECT_EQ(approved.review.state, approval::ReviewState::approved);
    ASSERT_TRUE(approved.published);
    EXPECT_EQ(approved.published->version, 1);
    EXPECT_EQ(approved.published->review_id, review->id);
    EXPECT_EQ(git_->version_commit("acme", "launch", 1), approved.published->commit);
    const auto decided = events("review.decided");
    ASSERT_EQ(decided.size(), 1U);
    EXPECT_EQ(decided[0].at("data").at("decision"), "approved");
    EXPECT_EQ(decided[0].at("data").at("by"), "rita");
    EXPECT_EQ(events("package.published").size(), 1U);
    const auto outbox = store_->read([](Tx& tx) { return tx.due_outbox(from_millis(std::int64_t{1} << 50), 100); });
    std::vector<std::string> order;
    for (const auto& item : outbox)
        if (item.event_type == "review.decided" || item.event_type == "package.published")
            order.push_back(item.event_type);
    EXPECT_EQ(order, (std::vector<std::string>{"review.decided", "package.published"}));
}

// Importing as a use case, with no HTTP: a published version read back and verified, planned
// over another sandbox, applied (new campaigns land as drafts), found already applied, and
// rolled back, each announced with its event.
namespace {

class Importing : public Publishing {
protected:
    void SetUp() override {
        Publishing::SetUp();
        store_->write([&](Tx& tx) {
            Sandbox s;
            s.tenant = "acme";
            s.id = "stage";
            s.created_at = s.updated_at = clock_.now();
            tx.insert_sandbox(s);
            Webhook w;
            w.tenant = "acme";
            w.id = "whk_imports";
            w.url = "http://127.0.0.1:9/";
            w.events = {"import.applied", "import.rolled_back"};
            w.secret = "0123456789abcdef";
            w.created_by = "adm";
            w.created_at = clock_.now();
            tx.insert_webhook(w);
        });
    }

    workflows::ImportRequest request() const {
        workflows::ImportRequest r;
        r.package = "launch";
        r.version = 1;
        return r;
    }

    bool in_stage(const std::string& key) {
        return store_->read([&](Tx& tx) { return tx.campaign_key_exists("acme", "stage", key); });
    }
};

}  // namespace

TEST_F(Importing, PlanApplyAlreadyAppliedAndRollBack) {
    ASSERT_EQ(publish().version.version, 1);
    const std::string key = campaign(campaign_).key;
    const Actor admin = person("adm");
    const workflows::VerifiedVersion version = workflows::load_verified(*store_, *git_, admin, "launch", 1);
    EXPECT_FALSE(version.objects.empty());
    EXPECT_THROW(workflows::load_verified(*store_, *git_, admin, "launch", 2), Error);

    const packager::Plan plan =
        store_->read([&](Tx& tx) { return workflows::plan_for(tx, admin, "stage", version, request()); });
    EXPECT_FALSE(plan.blocked);
    std::set<std::string> created;
    for (const auto& item : plan.items)
        if (item.action == packager::PlanAction::create)
            created.insert(std::string(to_string(item.kind)) + "/" + item.key);
    EXPECT_TRUE(created.count("campaign/" + key)) << "the campaign is new to stage";
    EXPECT_TRUE(created.count("segment/vip")) << "and so is the segment it uses";

    EXPECT_FALSE(in_stage(key));
    const workflows::ImportOutcome applied = store_->write(
        [&](Tx& tx) { return workflows::apply_import(tx, admin, "stage", version, request(), plan.digest); });
    EXPECT_FALSE(applied.already_applied);
    EXPECT_EQ(applied.record.status, ImportStatus::applied);
    EXPECT_EQ(applied.objects, plan.items.size());
    ASSERT_TRUE(in_stage(key));
    const auto imported = store_->read([&](Tx& tx) {
        CampaignQuery query;
        query.tenant = "acme";
        query.sandbox = "stage";
        for (const auto& c : tx.campaigns(query).items)
            if (c.key == key) return c;
        throw std::runtime_error("not imported");
    });
    EXPECT_EQ(imported.status, CampaignStatus::draft) << "nothing goes live by an import";

    const workflows::ImportOutcome again = store_->write(
        [&](Tx& tx) { return workflows::apply_import(tx, admin, "stage", version, request(), std::nullopt); });
    EXPECT_TRUE(again.already_applied);
    EXPECT_EQ(again.record.id, applied.record.id);

    const ImportRecord rolled_back =
        store_->write([&](Tx& tx) { return workflows::undo_import(tx, admin, applied.record); });
    EXPECT_EQ(rolled_back.status, ImportStatus::rolled_back);
    EXPECT_FALSE(in_stage(key)) << "what the import created is gone again";
    EXPECT_THROW(store_->write([&](Tx& tx) { return workflows::undo_import(tx, admin, rolled_back); }), Error);

    ASSERT_EQ(events("import.applied").size(), 1U);
    ASSERT_EQ(events("import.rolled_back").size(), 1U);
}
