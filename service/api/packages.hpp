#pragma once
// Publishing a package version over HTTP, shared by POST .../versions and the approval of a
// package review: the use case is workflows::publish; this adds the request's services and metrics.

#include "api/context.hpp"
#include "approval/policy.hpp"
#include "packager/package.hpp"
#include "workflows/publish.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace ferry::api {

using workflows::Published;

// What publishing uses, for this request: its store, git store, keys, metrics and crash hook.
workflows::PublishServices publish_services(Context& ctx);

// workflows::publish as the caller, timed and counted in the metrics.
Published publish_package(Context& ctx, const std::string& name, const std::string& publisher, bool allow_empty);

boost::json::object version_json(const packager::PackageVersion& v);

}  // namespace ferry::api
