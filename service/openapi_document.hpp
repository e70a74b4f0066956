#pragma once
// docs/openapi.json, compiled into ferryd so /openapi.json always matches the binary.

#include <string_view>

namespace ferry {

std::string_view openapi_document();

}  // namespace ferry
