#pragma once
// Publishing a package version, shared by POST .../versions and the approval of a package review.

#include "api/context.hpp"
#include "approval/policy.hpp"
#include "packager/package.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <vector>

namespace ferry::api {

struct Published {
    packager::PackageVersion version;
    bool unchanged = false;  // the content was the latest version's: that version, none made
};

// Publishes the next version now (reserve, git, record), with the approvals that let it
// through recorded in its manifest. `expected_digest`, when given, must equal the content's
// digest (the content an approval was for); otherwise 409 review_stale and nothing is written.
// Unless `allow_empty`, content identical to the latest version's makes no version: that one
// is answered, marked unchanged.
Published publish_package(Context& ctx, const std::string& name, const std::vector<approval::Approval>& approvals,
                          const std::optional<std::string>& expected_digest, const std::string& publisher,
                          bool allow_empty);

boost::json::object version_json(const packager::PackageVersion& v);

}  // namespace ferry::api
