#pragma once
// Pipelines, promotions and freeze windows as JSON: the form the API answers with
// (docs/pipelines.md) and the form the store keeps them in. Parsing a stored form trusts it (it
// was written by to_json); request bodies are checked by the API's decoders.

#include "pipelines/model.hpp"

#include <boost/json/object.hpp>

namespace ferry::pipelines {

boost::json::object to_json(const Pipeline& p);
Pipeline pipeline_from_json(const boost::json::object& o);

boost::json::object to_json(const Waiting& w);
boost::json::object to_json(const Promotion& p);
Promotion promotion_from_json(const boost::json::object& o);

// A subscription as the API answers it: its bindings by name only. The stored form
// (subscription_storage) keeps their values in `request`.
boost::json::object to_json(const Subscription& s);
boost::json::object subscription_storage(const Subscription& s);
Subscription subscription_from_json(const boost::json::object& o);

boost::json::object to_json(const FreezeWindow& w);
FreezeWindow freeze_window_from_json(const boost::json::object& o);

}  // namespace ferry::pipelines
