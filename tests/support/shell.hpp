#pragma once
// Runs a shell command as a user would (git, openssl, curl, sha256sum) and captures its output.

#include <string>
#include <utility>

namespace ferry::test {

// Exit status and combined stdout+stderr.
std::pair<int, std::string> run_command(const std::string& command);

}  // namespace ferry::test
