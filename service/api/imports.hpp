#pragma once
// The body of an import request as the handlers decode it: POST .../imports/plan, POST
// .../imports without a plan digest, and the request a stored plan keeps.

#include "workflows/imports.hpp"

#include <boost/json/object.hpp>

namespace ferry::api {

// 422 naming the field that is missing or wrong (workflows::read_import_request).
using workflows::read_import_request;

}  // namespace ferry::api
