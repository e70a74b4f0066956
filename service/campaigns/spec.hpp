#pragma once
// Reading and validating a campaign's versioned part (CampaignSpec) from JSON, and writing it
// back. Errors are 422 with the JSON path of the offending field. References to segments and
// templates are checked through SpecReferences, which the caller backs with storage.

#include "campaigns/model.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry {

class SpecReferences {
public:
    virtual ~SpecReferences() = default;
    // An error message when the id is not a usable segment of the campaign's sandbox.
    virtual std::optional<std::string> check_segment(std::string_view id) = 0;
    // An error message when the id is not a usable template of that channel in the sandbox.
    virtual std::optional<std::string> check_template(std::string_view id, Channel channel) = 0;
};

// Reads name, description, channels, schedule, audience and content from `input` (other fields
// are left for the caller; with strict=true any other field is an error).
CampaignSpec parse_spec(const boost::json::object& input, SpecReferences& refs, bool strict);

// The spec as JSON: {"name","description","channels","schedule","audience","content"}.
boost::json::object spec_to_json(const CampaignSpec& spec);

// Reads a stored spec written by spec_to_json, without reference checks.
CampaignSpec spec_from_json(const boost::json::object& stored);

// Tags: up to 50 distinct strings of 1-64 characters, order kept.
std::vector<std::string> parse_tags(const boost::json::value& value, std::string_view path);

// Secret fields (a webhook's auth_header) are write-only: responses show this mask instead, and a
// request that sends the mask back keeps the stored secret.
inline constexpr std::string_view secret_mask = "********";

// The spec as responses show it: secrets masked.
boost::json::object redacted_spec_json(const CampaignSpec& spec);

// Where `incoming` carries the mask for a secret, puts back the secret of `previous` (the same
// channel's); a mask with nothing to restore is a 422.
void restore_secrets(CampaignSpec& incoming, const CampaignSpec* previous);

// The segment and template ids a spec refers to.
std::vector<std::string> template_ids(const CampaignSpec& spec);

}  // namespace ferry
