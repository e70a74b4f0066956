#pragma once
// What the campaign handlers share on the HTTP side: the path's campaign and the response with
// its ETag. The use cases themselves (lifecycle actions, reviews, the gate) are in
// workflows/campaigns.hpp and workflows/reviews.hpp.

#include "api/context.hpp"
#include "http/message.hpp"
#include "workflows/campaigns.hpp"

namespace ferry::api {

using workflows::Gate;
using workflows::SandboxReferences;
using workflows::transition_error;

// The path's campaign in the path's sandbox; 404 when absent.
Campaign existing_campaign(Tx& tx, const Context& ctx);
http::Response campaign_response(int status, const Campaign& c, const LifecycleFacts& f);

}  // namespace ferry::api
