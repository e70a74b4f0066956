#include "workflows/outbox.hpp"

#include "core/crypto.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>

namespace ferry::webhooks {

void emit(Tx& tx, std::string_view tenant, std::string_view type, boost::json::object data, Timestamp now) {
    const auto hooks = tx.webhooks(tenant);
    if (hooks.empty()) return;
    const std::string event_id = crypto::new_object_id("evt_");
    const std::string payload = boost::json::serialize(boost::json::object{{"id", event_id},
                                                                           {"type", type},
                                                                           {"tenant", tenant},
                                                                           {"created_at", format_rfc3339(now)},
                                                                           {"data", std::move(data)}});
    for (const Webhook& w : hooks) {
        if (std::find(w.events.begin(), w.events.end(), type) == w.events.end()) continue;
        OutboxItem item;
        item.tenant = std::string(tenant);
        item.webhook_id = w.id;
        item.event_id = event_id;
        item.event_type = std::string(type);
        item.payload = payload;
        // Delivery timing follows wall time (the dispatcher's clock), whatever clock the event came from.
        const Timestamp wall = SystemClock().now();
        item.created_at = wall;
        item.next_attempt_at = wall;
        tx.insert_outbox(item);
    }
}

}  // namespace ferry::webhooks
