#include "workflows/in_app_priority.hpp"

#include "workflows/journal.hpp"

namespace ferry::workflows {

namespace json = boost::json;

InAppOrder read_in_app_order(Tx& tx, const Sandbox& sandbox) {
    InAppOrder out;
    out.entries = in_app_order(tx.in_app_entries(sandbox.tenant, sandbox.id));
    out.etag = in_app_order_etag(out.entries);
    return out;
}

InAppOrder set_in_app_order(Tx& tx, const Actor& actor, const Sandbox& sandbox, const std::vector<std::string>& ids) {
    const InAppOrder before = read_in_app_order(tx, sandbox);
    const std::vector<std::string> order = exact_in_app_order(
        before.entries, ids, [&](std::string_view id) { return tx.campaign(sandbox.tenant, sandbox.id, id); });
    tx.rank_in_app(sandbox.tenant, sandbox.id, order);
    json::array from;
    for (const InAppEntry& e : before.entries) from.emplace_back(e.campaign.id);
    json::array to;
    for (const std::string& id : order) to.emplace_back(id);
    Journal(tx, actor).record(sandbox.tenant, "in_app_priority.set", sandbox.id + "/in-app-priority",
                              {{"from", std::move(from)}, {"to", std::move(to)}});
    return read_in_app_order(tx, sandbox);
}

}  // namespace ferry::workflows
