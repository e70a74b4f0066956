#pragma once
// The package file format's JSON: keys sorted bytewise, 2-space indent, UTF-8, one trailing
// newline. The same value always gives the same bytes, so files diff well in git and their
// SHA-256 can stand for their content.

#include <boost/json/value.hpp>

#include <string>

namespace ferry::packager {

std::string canonical_file(const boost::json::value& value);

}  // namespace ferry::packager
