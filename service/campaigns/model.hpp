#pragma once
// Campaigns and the objects they depend on (segments, templates), as product.md §2 describes
// them. Plain data; the rules live in lifecycle.hpp, spec.hpp and timing.hpp.

#include "core/time.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry {

enum class CampaignType { action, api_triggered, orchestrated };
enum class Channel { email, sms, push, in_app, webhook };
enum class CampaignStatus {
    draft,
    in_review,
    scheduled,
    active,
    paused,
    stopped,
    completed,
    failed,
    archived,
    publishing,
    closed
};

struct Recurrence {
    std::string frequency;  // daily, weekly, monthly
    int interval = 1;
    friend bool operator==(const Recurrence&, const Recurrence&) = default;
};

struct Schedule {
    std::optional<Timestamp> start;
    std::optional<Timestamp> end;
    std::optional<Recurrence> recurrence;
    friend bool operator==(const Schedule&, const Schedule&) = default;
};

// The versioned part of a campaign: what a draft version holds, what a review approves and what
// a package exports. Tags and lifecycle state are not part of it.
struct CampaignSpec {
    std::string name;
    std::string description;
    std::vector<Channel> channels;
    Schedule schedule;
    std::optional<std::string> segment;  // audience: a segment id of the same sandbox
    boost::json::object content;         // per channel, validated by spec.hpp
    friend bool operator==(const CampaignSpec&, const CampaignSpec&) = default;
};

struct DraftVersion {
    CampaignSpec spec;
    Timestamp updated_at;
    std::string updated_by;
    bool in_review = false;  // submitted for approval: locked until the review ends
};

struct Alert {
    std::string type;  // execution_failed, warning
    std::string message;
    Timestamp at;
};

struct Campaign {
    std::string tenant;
    std::string sandbox;
    std::string id;
    std::string key;
    CampaignType type = CampaignType::action;
    CampaignSpec spec;  // the live version once activated; the draft itself before
    std::vector<std::string> tags;
    CampaignStatus status = CampaignStatus::draft;
    std::optional<CampaignStatus> status_before_archive;
    std::int64_t live_version = 0;  // 0 until first activation
    std::optional<Timestamp> activated_at;
    std::optional<DraftVersion> draft;
    std::vector<Alert> alerts;
    std::string submitted_by;       // who put it in review
    std::string spec_edited_by;     // the last editor of the content (cannot approve it)
    boost::json::value bypass;      // null, or {"by","reason","at"} when activated by break-glass
    boost::json::value provenance;  // null unless imported
    Timestamp status_changed_at;
    std::string created_by;
    std::string updated_by;
    Timestamp created_at;
    Timestamp updated_at;
    std::int64_t revision = 1;
};

struct CampaignVersion {
    std::int64_t version = 0;
    CampaignSpec spec;
    Timestamp activated_at;
    std::string activated_by;
};

struct Segment {
    std::string tenant;
    std::string sandbox;
    std::string id;
    std::string key;
    std::string name;
    std::string description;
    boost::json::object rule;
    bool archived = false;
    std::string created_by;
    std::string updated_by;
    Timestamp created_at;
    Timestamp updated_at;
    std::int64_t revision = 1;
};

struct Template {
    std::string tenant;
    std::string sandbox;
    std::string id;
    std::string key;
    std::string name;
    Channel channel = Channel::email;
    std::optional<std::string> subject;
    std::string body;
    bool archived = false;
    std::string created_by;
    std::string updated_by;
    Timestamp created_at;
    Timestamp updated_at;
    std::int64_t revision = 1;
};

std::string_view to_string(CampaignType t);
std::string_view to_string(Channel c);
std::string_view to_string(CampaignStatus s);
std::optional<CampaignType> parse_campaign_type(std::string_view s);
std::optional<Channel> parse_channel(std::string_view s);
std::optional<CampaignStatus> parse_campaign_status(std::string_view s);

// A stable slug from a display name: ASCII letters and digits kept (common Latin accents
// folded: "Été" -> "ete"), everything else one '-', at most 64 characters; "item" if empty.
std::string key_from_name(std::string_view name);

// The key of a new object: the requested one (a slug, 409 already_exists when taken), or one
// derived from the name, made unique with "-2", "-3"... when needed.
std::string choose_key(const std::optional<std::string>& requested, std::string_view name,
                       const std::function<bool(std::string_view)>& taken);

}  // namespace ferry
