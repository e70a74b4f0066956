#pragma once
// Alerts ferry raises itself from a campaign's present state, next to those the delivery engine
// reports (the seeds' alert icon covers "le message de la campagne n'a pas été publié" and "la
// configuration choisie est incorrecte"). They are derived on every read, never stored, so they
// clear as soon as the cause is fixed. Pure: the references and "now" are arguments.

#include "campaigns/model.hpp"
#include "campaigns/spec.hpp"

#include <vector>

namespace ferry {

// Alert types raised here (the engine's are execution_failed and warning).
inline constexpr std::string_view alert_configuration = "configuration";  // a segment or template unusable
inline constexpr std::string_view alert_start_passed = "start_passed";    // the start passed in review
inline constexpr std::string_view alert_binding_empty = "binding_empty";  // an import left a secret empty

// - scheduled, active or paused: every segment and template the live spec uses must exist and
//   not be archived (anything `refs` refuses is an alert naming it);
// - in review: a schedule start that is not in the future passed while the campaign waited;
// - imported (provenance set): a webhook auth_header left empty by its binding.
// Each alert's `at` is `now`: the condition holds as of this read.
std::vector<Alert> condition_alerts(const Campaign& c, Timestamp now, SpecReferences& refs);

}  // namespace ferry
