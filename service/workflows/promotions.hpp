#pragma once
// Promotions (docs/pipelines.md): a package version moved one stage along a pipeline. Planned and
// applied with the import use cases (workflows/imports), now or by the scheduler at a given time,
// with no HTTP request around them; followed until what it brought is live behind the stage's
// approval gate. Every attempt runs in one write transaction that re-reads the promotion first, so
// two nodes never apply one promotion twice.

#include "packager/git_store.hpp"
#include "pipelines/model.hpp"
#include "store/store.hpp"
#include "workflows/actor.hpp"
#include "workflows/imports.hpp"

#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <string>

namespace ferry::workflows {

struct PromotionServices {
    Store& store;
    packager::VersionStore& git;
    CrashHook crash_hook;  // tests only
};

// POST .../sandboxes/{stage}/promotions: 404 for a package or version that does not exist, 409
// not_in_pipeline, previous_stage, promotion_pending, frozen (applying now in a freeze window),
// 403 bypass_not_permitted; otherwise the promotion, recorded and announced, after its first
// attempt when it has no `at` in the future.
pipelines::Promotion promote(const PromotionServices& services, const Actor& actor, const std::string& stage,
                             const boost::json::object& body);

// POST .../promotions/{id}/retry: a person tries a waiting promotion again now, with new import
// options and bypass_reason if given; the plan as it is now is the one applied. 409
// promotion_final when it is applied, live, failed or cancelled.
pipelines::Promotion retry_promotion(const PromotionServices& services, const Actor& actor, const std::string& id,
                                     const boost::json::object& body);

// POST .../promotions/{id}/cancel: 409 promotion_final once applied (or failed, cancelled).
pipelines::Promotion cancel_promotion(Tx& tx, const Actor& actor, pipelines::Promotion promotion);

// The scheduler's part: every promotion of every tenant due by `now` (a scheduled one whose time
// has come, one waiting on a freeze window, a soak time or health, an applied one whose
// campaigns may have gone live) is attempted or checked, each in its own transaction. Returns
// how many changed status.
std::size_t advance_promotions(const PromotionServices& services, Timestamp now);

// A sync subscription's promotion of `version` into its sandbox (docs/sync.md), recorded in the
// caller's transaction: attempted at once as the scheduler would (auto), or planned and left
// waiting (`manual`) for a person's retry.
pipelines::Promotion sync_promotion(Tx& tx, const Actor& actor, const pipelines::Subscription& subscription,
                                    const VerifiedVersion& version, const CrashHook& crash_hook = {});

// A pending sync promotion a newer version replaces: cancelled, with why.
pipelines::Promotion supersede_promotion(Tx& tx, const Actor& actor, pipelines::Promotion promotion,
                                         std::int64_t by_version);

// Planned, scheduled or waiting: not finished.
bool is_pending(const pipelines::Promotion& p);

// The promotion if the actor sees its stage: 404 otherwise.
pipelines::Promotion visible_promotion(Tx& tx, const Actor& actor, const std::string& id);

// GET .../pipelines/{pipeline}/matrix (docs/pipelines.md): each package with a version in a stage
// the actor sees, per stage.
boost::json::object environment_matrix(Tx& tx, const Actor& actor, const pipelines::Pipeline& pipeline);

// When what an import brought went live: every campaign it created or changed went through the
// gate (no longer a draft or in review, no draft version left, a live version made after the
// import); the latest of those moments. nullopt while one still waits. An import that touched
// no campaign is live when applied.
std::optional<Timestamp> live_since(Tx& tx, const ImportRecord& import);

}  // namespace ferry::workflows
