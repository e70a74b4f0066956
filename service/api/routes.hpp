#pragma once
// ferryd's routing table, in one place: every route with its method, path, required permission
// and handler. `ferryd routes` prints it; a test checks it against docs/openapi.json.

#include "http/router.hpp"

#include <vector>

namespace ferry::api {

std::vector<http::Route> routes();

}  // namespace ferry::api
