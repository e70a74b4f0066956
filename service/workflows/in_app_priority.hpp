#pragma once
// The exact order of a sandbox's live in-app campaigns ("set exact priority", the seed page on
// drafts of active campaigns): reading it, and setting it. Setting it is its own action, audited,
// that takes effect on the live campaigns at once whether they have a draft version or not; it
// changes no campaign (no revision, no content digest, no review). The rules are in
// campaigns/in_app_priority.hpp; the caller checked the sandbox and the request's If-Match.

#include "campaigns/in_app_priority.hpp"
#include "store/store.hpp"
#include "tenancy/model.hpp"
#include "workflows/actor.hpp"

#include <string>
#include <vector>

namespace ferry::workflows {

struct InAppOrder {
    std::vector<InAppEntry> entries;  // in the order they win
    std::string etag;                 // in_app_order_etag of it
};

// The sandbox's in-app order now.
InAppOrder read_in_app_order(Tx& tx, const Sandbox& sandbox);

// Sets the exact order (exact_in_app_order says what a request must hold), audited as
// in_app_priority.set with the order before and after. Answers the order as it now stands.
InAppOrder set_in_app_order(Tx& tx, const Actor& actor, const Sandbox& sandbox, const std::vector<std::string>& ids);

}  // namespace ferry::workflows
