#pragma once
// Text as name search compares it: case- and accent-insensitive in any language (the seeds are
// French: « été » finds « Été »). Both the stored names and the query are folded the same way.

#include <string>
#include <string_view>

namespace ferry {

// Unicode full case folding (ß → ss, Σ/ς → σ), then canonical decomposition with the nonspacing
// marks removed (é → e, ü → u, ǅ → dž), then recomposition; UTF-8 in and out. Ill-formed input
// folds as its well-formed parts.
std::string fold_for_search(std::string_view utf8);

// Whether `text` holds `query` once both are folded (an empty query is in every text).
bool matches_search(std::string_view text, std::string_view query);

}  // namespace ferry
