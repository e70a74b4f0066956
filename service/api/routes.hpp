#pragma once
// ferryd's routing table, in one place: every route with its method, path, required permission
// and handler. `ferryd routes` prints it; a test checks it against docs/openapi.json.

#include "http/router.hpp"

#include <vector>

namespace ferry::api {

// With test_clock, also the operator's POST /v1/operator/clock (ferryd --test-clock only).
std::vector<http::Route> routes(bool test_clock = false);

}  // namespace ferry::api
