#pragma once
// How ferry's objects look on the wire (see docs/openapi.json), and their entity tags.

#include "api/json_io.hpp"
#include "approval/policy.hpp"
#include "audit/record.hpp"
#include "campaigns/lifecycle.hpp"
#include "campaigns/model.hpp"
#include "tenancy/model.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace ferry::api {

boost::json::object to_json(const Tenant& tenant);
boost::json::object to_json(const Sandbox& sandbox);
boost::json::object to_json(const RoleGrant& grant);
boost::json::object to_json(const User& user);
boost::json::object to_json(const Token& token);
boost::json::object to_json(const AuditRecord& record);
boost::json::object to_json(const Segment& segment);
boost::json::object to_json(const Template& t);
boost::json::object to_json(const DraftVersion& draft);
boost::json::object to_json(const CampaignVersion& version);
boost::json::object to_json(const approval::Policy& policy);

// A campaign as GET shows it; `facts` decide allowed_actions. With full=false (lists), the draft
// version is reduced to "has_draft_version".
boost::json::object campaign_json(const Campaign& c, const LifecycleFacts& facts, bool full = true);

// Strong entity tag of a versioned object. It includes the creation time so that an object
// deleted and created again under the same id never matches an ETag of its predecessor.
std::string etag(Timestamp created_at, std::int64_t revision);

// A versioned object (one with created_at and revision) as a JSON response with its ETag.
template <class T>
http::Response versioned_response(int status, const T& object) {
    http::Response res = json_response(status, to_json(object));
    res.set_header("ETag", etag(object.created_at, object.revision));
    return res;
}

}  // namespace ferry::api
