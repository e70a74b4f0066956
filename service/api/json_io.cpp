#include "api/json_io.hpp"

#include "core/error.hpp"

#include <boost/json/serialize.hpp>

namespace ferry::api {

namespace json = boost::json;

http::Response json_response(int status, const json::value& body) {
    http::Response res;
    res.status = status;
    res.body = json::serialize(body);
    return res;
}

http::Response no_content() {
    http::Response res;
    res.status = 204;
    return res;
}

}  // namespace ferry::api
