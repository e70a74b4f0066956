#pragma once
// The routing table: method, path pattern, required permission, handler. Patterns are the
// OpenAPI templates themselves ("/v1/tenants/{tenant}/sandboxes/{sandbox}"), so the table can be
// printed and checked against the OpenAPI document.

#include "tenancy/permissions.hpp"

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::api {
class Context;
}

namespace ferry::http {

struct Response;

using Handler = std::function<Response(api::Context&)>;

struct Route {
    std::string method;
    std::string pattern;
    Permission permission;
    Handler handler;
    std::string summary;
};

using PathParams = std::vector<std::pair<std::string, std::string>>;

struct Match {
    const Route* route = nullptr;
    PathParams params;
    std::vector<std::string> allowed_methods;  // when the path exists but not for this method
};

class Router {
public:
    explicit Router(std::vector<Route> routes);

    // Matches a decoded path ("/v1/tenants/acme"). route == nullptr and allowed_methods empty: 404;
    // route == nullptr and allowed_methods set: 405.
    Match match(std::string_view method, std::string_view path) const;

    const std::vector<Route>& routes() const { return routes_; }

private:
    struct Compiled {
        std::vector<std::string> segments;  // "{name}" for parameters
    };
    std::vector<Route> routes_;
    std::vector<Compiled> compiled_;
};

// Splits "/a/b/c" into {"a","b","c"}; an empty path gives {}.
std::vector<std::string_view> split_path(std::string_view path);

}  // namespace ferry::http
