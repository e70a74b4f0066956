// The import planner: every rule of the plan in issue 6, over hand-made package objects and
// target snapshots.

#include "packager/import_plan.hpp"

#include "core/crypto.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <set>

using namespace ferry::packager;

namespace {

PackagedObject campaign(const std::string& key, const std::string& body = "Hello",
                        const std::string& extra_content = "") {
    return PackagedObject{ferry::ObjectKind::campaign, key, "Campaign " + key,
                          boost::json::parse(R"({"kind":"campaign","key":")" + key +
                                             R"(","type":"action","tags":[],"status":"active","live_version":3,
                              "spec":{"name":"Campaign )" +
                                             key + R"(","audience":{"segment":"vip"},"channels":["email"],
                              "content":{"email":{"subject":"Hi","body":")" +
                                             body + "\"}" + extra_content + "}}}")
                              .as_object()};
}

PackagedObject segment(const std::string& key) {
    return PackagedObject{
        ferry::ObjectKind::segment, key, "Segment " + key,
        boost::json::parse(R"({"kind":"segment","key":")" + key + R"(","name":"VIP","rule":{}})").as_object()};
}

TargetObject existing(const PackagedObject& o, std::string id, bool imported = true) {
    TargetObject t;
    t.kind = o.kind;
    t.key = o.key;
    t.id = std::move(id);
    t.name = o.name;
    t.content_digest = content_digest_of(o.file);
    if (imported) t.imported_digest = t.content_digest;
    return t;
}

const PlanItem& item(const Plan& plan, const std::string& key) {
    for (const auto& i : plan.items)
        if (i.key == key) return i;
    throw std::runtime_error("no item " + key);
}

}  // namespace

TEST(ImportPlan, EverythingNewIsCreatedDependenciesFirst) {
    const Plan plan = plan_import("sha256:p", {campaign("welcome"), segment("vip")}, {}, {});
    ASSERT_EQ(plan.items.size(), 2U);
    EXPECT_EQ(plan.items[0].kind, ferry::ObjectKind::segment);
    for (const auto& i : plan.items) EXPECT_EQ(i.action, PlanAction::create) << i.key;
    EXPECT_FALSE(plan.blocked);
}

TEST(ImportPlan, IdenticalIsSkippedAndStatusIsNotContent) {
    PackagedObject mine = campaign("welcome");
    TargetObject there = existing(mine, "cmp_1");
    mine.file["status"] = "draft";  // a different status elsewhere is not a difference of content
    EXPECT_EQ(item(plan_import("d", {mine, segment("vip")}, {there}, {}), "welcome").action, PlanAction::skip);
}

TEST(ImportPlan, AnUntouchedImportIsUpdatedAndALiveCampaignGetsADraftVersion) {
    TargetObject there = existing(campaign("welcome", "old"), "cmp_1");
    there.live = true;
    const Plan plan = plan_import("d", {campaign("welcome", "new"), segment("vip")}, {there}, {});
    const PlanItem& i = item(plan, "welcome");
    EXPECT_EQ(i.action, PlanAction::update);
    EXPECT_TRUE(i.as_draft_version);
    EXPECT_EQ(i.target_id, "cmp_1");
}

TEST(ImportPlan, EditsInTheTargetAreConflictsThatPoliciesResolve) {
    TargetObject there = existing(campaign("welcome", "imported"), "cmp_1");
    there.content_digest = content_digest_of(campaign("welcome", "edited in prod").file);  // edited since
    const std::vector<PackagedObject> objects{campaign("welcome", "v2"), segment("vip")};

    const Plan fail = plan_import("d", objects, {there}, {});
    EXPECT_EQ(item(fail, "welcome").action, PlanAction::conflict);
    EXPECT_EQ(item(fail, "welcome").reason, "edited in the target since it was last imported");
    EXPECT_TRUE(fail.conflicts);
    EXPECT_TRUE(fail.blocked);

    PlanOptions keep;
    keep.overrides["campaign/welcome"] = ConflictPolicy::use_existing;
    EXPECT_EQ(item(plan_import("d", objects, {there}, keep), "welcome").action, PlanAction::reuse);

    PlanOptions beside;
    beside.policy = ConflictPolicy::create_new;
    const Plan beside_plan = plan_import("d", objects, {there}, beside);
    const PlanItem& created = item(beside_plan, "welcome");
    EXPECT_EQ(created.action, PlanAction::create);
    EXPECT_EQ(created.new_key, "welcome-2");
    EXPECT_FALSE(created.target_id);

    PlanOptions overwrite;
    overwrite.policy = ConflictPolicy::update;
    EXPECT_EQ(item(plan_import("d", objects, {there}, overwrite), "welcome").action, PlanAction::update);

    // An object of the same key made in the target (never imported) is a conflict too.
    const Plan foreign = plan_import("d", objects, {existing(campaign("welcome", "made here"), "cmp_9", false)}, {});
    EXPECT_EQ(item(foreign, "welcome").reason, "exists in the target and differs (not imported)");
}

TEST(ImportPlan, ArchivedOrInReviewTargetsAreAlwaysConflicts) {
    TargetObject archived = existing(campaign("welcome", "old"), "cmp_1");
    archived.archived = true;
    PlanOptions overwrite;
    overwrite.policy = ConflictPolicy::update;
    EXPECT_EQ(item(plan_import("d", {campaign("welcome"), segment("vip")}, {archived}, overwrite), "welcome").action,
              PlanAction::conflict);
    TargetObject reviewing = existing(campaign("welcome", "old"), "cmp_1");
    reviewing.in_review = true;
    EXPECT_EQ(item(plan_import("d", {campaign("welcome"), segment("vip")}, {reviewing}, overwrite), "welcome").reason,
              "in review in the target");
}

TEST(ImportPlan, MissingBindingsAndDependenciesArePerItem) {
    const PackagedObject hook = campaign(
        "hook", "x", R"(,"webhook":{"url":"https://h","auth_header":{"$binding":"hook.webhook.auth_header"}})");
    const Plan missing = plan_import("d", {hook}, {}, {});
    const PlanItem& i = item(missing, "hook");
    EXPECT_EQ(i.missing_bindings, std::vector<std::string>{"hook.webhook.auth_header"});
    EXPECT_EQ(i.missing_dependencies, std::vector<std::string>{"segment/vip"});
    EXPECT_TRUE(missing.blocked);
    PlanOptions bound;
    bound.bindings["hook.webhook.auth_header"] = "Bearer prod-secret";
    const TargetObject vip = existing(segment("vip"), "seg_1", false);
    const Plan ok = plan_import("d", {hook}, {vip}, bound);
    EXPECT_FALSE(ok.blocked);
}

TEST(ImportPlan, TheDigestIdentifiesThePlanNotTheSecrets) {
    const std::vector<PackagedObject> objects{campaign("welcome"), segment("vip")};
    PlanOptions a;
    a.bindings["x"] = "one";
    PlanOptions b;
    b.bindings["x"] = "two";
    EXPECT_EQ(plan_import("d", objects, {}, a).digest, plan_import("d", objects, {}, b).digest);
    EXPECT_NE(plan_import("d", objects, {}, a).digest, plan_import("other", objects, {}, a).digest);
    PlanOptions c = a;
    c.policy = ConflictPolicy::update;
    EXPECT_NE(plan_import("d", objects, {}, a).digest, plan_import("d", objects, {}, c).digest);
    EXPECT_EQ(parse_conflict_policy("use_existing"), ConflictPolicy::use_existing);
    EXPECT_FALSE(parse_conflict_policy("overwrite"));
}

TEST(ImportPlan, CreateNewNeverPicksAKeyThePackageItselfCreates) {
    // The target has its own "vip"; the package holds "vip" and "vip-2".
    const TargetObject theirs = existing(segment("vip"), "seg_1", false);
    TargetObject edited = theirs;
    edited.content_digest = "sha256:other";
    PlanOptions options;
    options.policy = ConflictPolicy::create_new;
    const Plan plan = plan_import("sha256:p", {segment("vip"), segment("vip-2")}, {edited}, options);
    std::set<std::string> created;
    for (const auto& i : plan.items)
        if (i.action == PlanAction::create) {
            EXPECT_TRUE(created.insert(i.new_key.value_or(i.key)).second) << i.key;
        }
    EXPECT_EQ(created.size(), 2U);
}

// A secret is a binding in both forms, so the forms of a rotated secret are identical: the value
// bound now is compared with the target's by digest, at the binding's place.
TEST(ImportPlan, ANewValueForABoundSecretIsAnUpdate) {
    PackagedObject hook =
        campaign("ping", "Hello",
                 R"(,"webhook":{"url":"https://h.example/x","auth_header":{"$binding":"ping.webhook.auth_header"}})");
    TargetObject there = existing(hook, "cmp_1");
    there.secret_digests["spec.content.webhook.auth_header"] =
        "f1f1b4e1d1c3d2c6f1f6c1e8d2f2d1a3b8f5b9a6c0e8e4b6d5e9b9f4f0f3e2d1";  // not the digest of either value below
    PlanOptions options;
    options.bindings["ping.webhook.auth_header"] = "Bearer rotated";
    const Plan plan = plan_import("d", {hook, segment("vip")}, {there}, options);
    const PlanItem& changed = item(plan, "ping");
    EXPECT_EQ(changed.action, PlanAction::update);
    EXPECT_NE(changed.reason.find("ping.webhook.auth_header"), std::string::npos);
    EXPECT_EQ(changed.reason.find("rotated"), std::string::npos);

    // The same value, or none given, is identical.
    there.secret_digests["spec.content.webhook.auth_header"] = ferry::crypto::sha256_hex("Bearer rotated");
    EXPECT_EQ(item(plan_import("d", {hook, segment("vip")}, {there}, options), "ping").action, PlanAction::skip);
    EXPECT_EQ(item(plan_import("d", {hook, segment("vip")}, {there}, PlanOptions{}), "ping").action, PlanAction::skip);
    const std::map<std::string, std::string> places = binding_places(hook.file);
    ASSERT_EQ(places.size(), 1U);
    EXPECT_EQ(places.begin()->first, "spec.content.webhook.auth_header");
    EXPECT_EQ(places.begin()->second, "ping.webhook.auth_header");
}

namespace {

// A target object the last import of the package wrote from `base`, edited since into `now`.
TargetObject merged_target(const PackagedObject& base, const PackagedObject& now, std::int64_t base_version) {
    TargetObject t = existing(now, "cmp_1", false);
    t.imported_digest = content_digest_of(base.file);
    t.base = base.file;
    t.base_version = base_version;
    t.form = now.file;
    return t;
}

}  // namespace

TEST(ImportPlanMerge, EditsOnBothSidesOfDifferentFieldsMerge) {
    const PackagedObject base = campaign("promo", "A");
    PackagedObject target = campaign("promo", "A");
    target.file["tags"] = boost::json::array{"prod-only"};
    const PackagedObject source = campaign("promo", "B");
    const Plan plan = plan_import("sha256:p", {source}, {merged_target(base, target, 1)}, {});
    const PlanItem& i = item(plan, "promo");
    EXPECT_EQ(i.action, PlanAction::merge) << i.reason;
    ASSERT_TRUE(i.merge);
    EXPECT_EQ(i.merge->base_version, 1);
    EXPECT_TRUE(i.merge->conflicts.empty());
    EXPECT_EQ(i.merge->merged.at("tags"), boost::json::array{"prod-only"});
    EXPECT_EQ(i.merge->merged.at("spec").at("content").at("email").at("body"), "B");
    ASSERT_EQ(i.merge->changes.size(), 1U);
    EXPECT_EQ(i.merge->changes[0].at("path"), "/spec/content/email/body");
    EXPECT_FALSE(plan.conflicts);
}

TEST(ImportPlanMerge, TheSameFieldChangedDifferentlyIsAConflictUntilResolved) {
    const PackagedObject base = campaign("promo", "A");
    const PackagedObject target = campaign("promo", "T");
    const PackagedObject source = campaign("promo", "S");
    const std::vector<TargetObject> in_target{merged_target(base, target, 2)};
    const Plan plan = plan_import("sha256:p", {source}, in_target, {});
    const PlanItem& i = item(plan, "promo");
    EXPECT_EQ(i.action, PlanAction::conflict);
    EXPECT_TRUE(plan.blocked);
    ASSERT_EQ(i.merge->conflicts.size(), 1U);
    EXPECT_EQ(i.merge->conflicts[0].at("base"), "A");
    EXPECT_EQ(i.merge->conflicts[0].at("source"), "S");
    EXPECT_EQ(i.merge->conflicts[0].at("target"), "T");

    PlanOptions take;
    take.resolutions["campaign/promo"]["/spec/content/email/body"] = MergeChoice{Resolution::take_source, {}};
    const Plan taken = plan_import("sha256:p", {source}, in_target, take);
    EXPECT_EQ(item(taken, "promo").action, PlanAction::merge);
    EXPECT_EQ(item(taken, "promo").merge->merged.at("spec").at("content").at("email").at("body"), "S");
    EXPECT_NE(taken.digest, plan.digest);

    PlanOptions keep;
    keep.resolutions["campaign/promo"]["/spec/content/email/body"] = MergeChoice{Resolution::keep_target, {}};
    const Plan kept_plan = plan_import("sha256:p", {source}, in_target, keep);
    const PlanItem& kept = item(kept_plan, "promo");
    EXPECT_EQ(kept.action, PlanAction::merge) << "only the provenance moves";
    EXPECT_TRUE(kept.merge->changes.empty());
    EXPECT_FALSE(kept.as_draft_version);

    PlanOptions stray;
    stray.resolutions["campaign/promo"]["/spec/name"] = MergeChoice{Resolution::keep_target, {}};
    EXPECT_THROW(plan_import("sha256:p", {source}, in_target, stray), PlanInputError);
    PlanOptions unknown;
    unknown.resolutions["campaign/other"]["/spec/name"] = MergeChoice{Resolution::keep_target, {}};
    EXPECT_THROW(plan_import("sha256:p", {source}, in_target, unknown), PlanInputError);
}

TEST(ImportPlanMerge, UntouchedTargetsUpdateUnchangedSourcesKeepTheEditsAndOtherPoliciesStand) {
    const PackagedObject base = campaign("promo", "A");
    // The target as its import left it: a plain update.
    TargetObject untouched = merged_target(base, base, 1);
    EXPECT_EQ(item(plan_import("sha256:p", {campaign("promo", "B")}, {untouched}, {}), "promo").action,
              PlanAction::update);
    // The version does not change the object: the target's edits are kept.
    const TargetObject edited = merged_target(base, campaign("promo", "T"), 1);
    EXPECT_EQ(item(plan_import("sha256:p", {base}, {edited}, {}), "promo").action, PlanAction::reuse);
    // fail and update keep their meaning; without a base, merge is fail.
    PlanOptions fail;
    fail.policy = ConflictPolicy::fail;
    EXPECT_EQ(item(plan_import("sha256:p", {campaign("promo", "S")}, {edited}, fail), "promo").action,
              PlanAction::conflict);
    PlanOptions update;
    update.policy = ConflictPolicy::update;
    EXPECT_EQ(item(plan_import("sha256:p", {campaign("promo", "S")}, {edited}, update), "promo").action,
              PlanAction::update);
    TargetObject no_base = edited;
    no_base.base.reset();
    no_base.form.reset();
    EXPECT_EQ(item(plan_import("sha256:p", {campaign("promo", "S")}, {no_base}, {}), "promo").action,
              PlanAction::conflict);
}
