#pragma once
// UTF-8 checks for text that reaches JSON: request paths and query parameters once
// percent-decoded, and messages that quote them.

#include <optional>
#include <string>
#include <string_view>

namespace ferry {

// True when `text` is well-formed UTF-8 (no overlong forms, no surrogates, at most U+10FFFF).
bool valid_utf8(std::string_view text);

// `text` with every ill-formed sequence replaced by U+FFFD.
std::string sanitize_utf8(std::string_view text);

// What text people see (names, descriptions, keys, tags, bodies) may not hold: C0 and C1 control
// characters and DEL (a NUL cuts strings short in C, logs and git), nor the bidirectional
// embeddings, overrides and isolates U+202A-U+202E and U+2066-U+2069 (which make a name read
// differently from what it is). `multiline` text (descriptions, bodies, comments) may hold
// newlines and tabs. Returns the first such character as "U+XXXX", or nothing when the text is fine.
std::optional<std::string> forbidden_display_character(std::string_view text, bool multiline);

}  // namespace ferry
