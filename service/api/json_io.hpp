#pragma once
// Writing JSON responses. (Reading request fields: core/fields.hpp.)

#include "core/fields.hpp"
#include "http/message.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace ferry::api {

using ferry::Fields;

http::Response json_response(int status, const boost::json::value& body);
http::Response no_content();

}  // namespace ferry::api
