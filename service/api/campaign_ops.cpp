#include "api/campaign_ops.hpp"

#include "api/json_io.hpp"
#include "api/wire.hpp"

namespace ferry::api {

Campaign existing_campaign(Tx& tx, const Context& ctx) {
    return or_not_found(tx.campaign(ctx.caller.tenant, ctx.param("sandbox"), ctx.param("campaign")), "campaign");
}

http::Response campaign_response(int status, const Campaign& c, const LifecycleFacts& f) {
    http::Response res = json_response(status, campaign_json(c, f));
    res.set_header("ETag", etag(c.created_at, c.revision));
    return res;
}

}  // namespace ferry::api
