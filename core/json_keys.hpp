#pragma once
// Boost.JSON keeps the last of two equal keys in an object ({"id":"a","id":"b"} reads as "b"), so
// two readers of one body (ferry and a proxy, a log, a signature check) could see two documents.
// ferry refuses such bodies: this finds the first repeated key of a JSON text.

#include <optional>
#include <string>
#include <string_view>

namespace ferry {

// The path of the first key that repeats within one object ("id", "roles", "content.email.subject",
// "items[2].name"), or nothing when every object's keys are distinct. Malformed JSON gives nothing:
// parsing it reports that.
std::optional<std::string> first_duplicate_key(std::string_view json_text, std::size_t max_depth);

}  // namespace ferry
