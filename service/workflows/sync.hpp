#pragma once
// Keeping sandboxes in step (docs/sync.md): drift (imported objects edited in the target since
// their last import), adopting it, announcing it once per change, and sync subscriptions that
// promote each new version of a package into a sandbox by themselves (as promotions, see
// workflows/promotions.hpp).

#include "core/object_kind.hpp"
#include "packager/git_store.hpp"
#include "pipelines/model.hpp"
#include "store/store.hpp"
#include "workflows/actor.hpp"
#include "workflows/promotions.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

namespace ferry::workflows {

// GET .../sandboxes/S/drift: every drifted object, by kind and key, with its field changes
// against what its last import wrote (read from `git` when the import wrote the package's file).
boost::json::array drift_of(Tx& tx, packager::VersionStore& git, const Actor& actor, const std::string& sandbox);

// POST .../drift/{kind}/{id}/adopt: the object's current content is accepted, so it is no longer
// reported until it changes again; 404 when it has not drifted. Audited as drift.adopt.
boost::json::object adopt_drift(Tx& tx, packager::VersionStore& git, const Actor& actor, const std::string& sandbox,
                                ObjectKind kind, const std::string& id);

// The scheduler's part: announces drift.detected (webhook and audit) once per new drifted
// content, in every sandbox that holds imported objects. Returns how many it announced.
std::size_t detect_drift(Store& store, Timestamp now);

// POST .../sandboxes/S/subscriptions: 404 unknown package, 409 subscription_exists, 422 for a
// bad field. It starts from the version last applied to S.
pipelines::Subscription create_subscription(Tx& tx, const Actor& actor, const std::string& sandbox,
                                            const boost::json::object& body);

// The subscriptions of sandboxes the actor sees, optionally of one sandbox or package.
std::vector<pipelines::Subscription> visible_subscriptions(Tx& tx, const Actor& actor,
                                                           const std::optional<std::string>& sandbox,
                                                           const std::optional<std::string>& package);

// The subscription if the actor sees its sandbox: 404 otherwise.
pipelines::Subscription visible_subscription(Tx& tx, const Actor& actor, const std::string& id);

// Pausing records nothing more until resumed; resuming catches up to the newest version.
pipelines::Subscription set_subscription_paused(Tx& tx, const Actor& actor, pipelines::Subscription subscription,
                                                bool paused);
void remove_subscription(Tx& tx, const Actor& actor, const pipelines::Subscription& subscription);

// The scheduler's part: for every active subscription whose sandbox can take a newer version
// than the last it synced, records that version's promotion (and supersedes a pending older
// one it made), once across nodes. Returns how many promotions it made.
std::size_t advance_subscriptions(const PromotionServices& services, Timestamp now);

}  // namespace ferry::workflows
