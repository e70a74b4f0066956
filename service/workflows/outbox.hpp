#pragma once
// Emitting an event: one outbox row per subscribed webhook, written in the caller's transaction,
// so an event exists exactly when the change that caused it was committed.

#include "store/store.hpp"

#include <boost/json/object.hpp>

#include <string_view>

namespace ferry::webhooks {

// Body: {"id":"evt_...","type":...,"tenant":...,"created_at":...,"data":{...}}.
void emit(Tx& tx, std::string_view tenant, std::string_view type, boost::json::object data, Timestamp now);

}  // namespace ferry::webhooks
