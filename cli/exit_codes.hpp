#pragma once
// ferry's exit codes and the exceptions that carry a command's failure up to main, which prints
// it and turns it into the exit code. Scripts and CI branch on these numbers: they never change.

#include <stdexcept>
#include <string>

namespace ferry::cli {

enum class ExitCode : int {
    ok = 0,                   // also an import that was already applied
    error = 1,                // the server refused, a file cannot be read or written
    usage = 2,                // bad flags or arguments, missing server/tenant/token
    conflicts = 3,            // an import plan or apply has conflicts or is blocked; a wait ends refused
    waiting_on_approval = 4,  // a publish opened a review instead of publishing; a wait timed out
    verification_failed = 5,  // a package export or the audit log does not verify
    unreachable = 6,          // no answer: the server cannot be reached, or the request timed out (retry later)
    unauthenticated = 7,      // the server does not accept the token (401)
};

constexpr int to_int(ExitCode code) { return static_cast<int>(code); }

// A failure the command has already explained, or explains with `message` (printed on stderr).
class Failure : public std::runtime_error {
public:
    Failure(ExitCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
    ExitCode code() const { return code_; }

private:
    ExitCode code_;
};

// Wrong use of the command line that the flag parser cannot see (a malformed --set, no tenant):
// reported like a parse error, with the command's usage line.
class UsageError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace ferry::cli
