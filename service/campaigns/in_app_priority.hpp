#pragma once
// In-app message priority (the seed page on drafts of active campaigns, « Priorité aux messages
// in-app »). Two things decide which in-app campaign of a sandbox wins a screen:
// - its level (high, medium, low), part of the campaign's in-app content: versioned, reviewed and
//   packaged like the rest of the spec;
// - its rank, the sandbox's exact order within a level, which an editor sets directly on the live
//   campaigns ("set exact priority"). The rank is not content: it is never part of a spec, a
//   review digest or a package, and it applies at once, draft version or not.
// The order holds the live campaigns (scheduled, active, paused) whose live spec has the in_app
// channel: high before medium before low, then by rank. A campaign entering it (going live,
// coming back from archive, or whose level changes with a new live version) goes to the end of
// its level; one leaving it drops out. Pure: the store keeps the ranks, the use case asks here.

#include "campaigns/model.hpp"

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry {

enum class InAppLevel { high, medium, low };

std::string_view to_string(InAppLevel level);
std::optional<InAppLevel> parse_in_app_level(std::string_view text);

// The level of a spec's in-app content: its "priority", medium when absent. A spec without the
// in_app channel has none.
std::optional<InAppLevel> in_app_level(const CampaignSpec& spec);

// The level at which the campaign takes part in its sandbox's in-app order, or none when it does
// not (not live, or no in_app channel in its live spec).
std::optional<InAppLevel> in_app_order_level(const Campaign& c);

// Why a campaign of the sandbox is not in the order, for an error message.
std::string not_in_order_reason(const Campaign& c);

// One campaign of the order with its stored rank (smaller wins within a level).
struct InAppEntry {
    Campaign campaign;
    std::int64_t rank = 0;
};

// Sorts the entries into the order they win: level, then rank, then id. Entries whose campaign is
// not in the order (in_app_order_level is none) are dropped.
std::vector<InAppEntry> in_app_order(std::vector<InAppEntry> entries);

// The entity tag of an order as in_app_order returns it: a digest of its campaign ids and levels
// in order, so it changes whenever the order does, whoever changed it.
std::string in_app_order_etag(const std::vector<InAppEntry>& order);

// Looks up a campaign of the sandbox by id (none when the sandbox has no such campaign).
using SandboxCampaign = std::function<std::optional<Campaign>(std::string_view id)>;

// Checks an exact order requested for the sandbox whose order is now `order`, and answers it,
// ids in the order they will win. The request must name every campaign of the order exactly once
// and keep the levels in sequence (high, then medium, then low); the rank is all it sets. Refused,
// with details.field the offending position:
// - an id given twice: 422 invalid_field;
// - an id that is no campaign of the sandbox (another sandbox's or tenant's included): 404;
// - a campaign of the sandbox that is not in the order (not live, no in-app channel): 422;
// - a campaign of the order left out: 422 invalid_field at "campaigns", details.missing;
// - a campaign placed before one of a higher level: 422 invalid_field.
std::vector<std::string> exact_in_app_order(const std::vector<InAppEntry>& order,
                                            const std::vector<std::string>& requested, const SandboxCampaign& lookup);

}  // namespace ferry
