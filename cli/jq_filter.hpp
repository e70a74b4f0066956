#pragma once
// --jq EXPR: a jq program run over an answer's JSON with jq's own library (libjq), as gh does:
// each result on its own line, strings without their quotes, anything else as compact JSON.

#include <string>
#include <vector>

namespace ferry::cli {

// The program's results over the JSON text. UsageError when the program does not compile;
// Failure when it fails on this input (`.a.b` of a string).
std::vector<std::string> run_jq(const std::string& program, const std::string& json_text);

}  // namespace ferry::cli
