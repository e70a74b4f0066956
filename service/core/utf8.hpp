#pragma once
// UTF-8 checks for text that reaches JSON: request paths and query parameters once
// percent-decoded, and messages that quote them.

#include <string>
#include <string_view>

namespace ferry {

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool valid_utf8(std::string_view text);

// `text` with every ill-formed sequence replaced by U+FFFD.
std::string sanitize_utf8(std::string_view text);

}  // namespace ferry
