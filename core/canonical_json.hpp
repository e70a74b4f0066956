#pragma once
// Canonical JSON: object keys sorted (bytewise), no insignificant whitespace. The same value
// always serializes to the same bytes, so its SHA-256 can stand for the content.

#include <boost/json/value.hpp>

#include <string>

namespace ferry {

std::string canonical_json(const boost::json::value& value);

// "sha256:<hex>" of canonical_json(value).
std::string content_digest(const boost::json::value& value);

}  // namespace ferry
