#pragma once
// Field-level differences between two JSON values: objects are compared key by key, recursively;
// arrays and scalars as a whole. Paths read "content.email.subject".

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <string>

namespace ferry {

// [{"field": path, "from": old or null, "to": new or null}], in key order.
boost::json::array json_diff(const boost::json::value& from, const boost::json::value& to);

}  // namespace ferry
