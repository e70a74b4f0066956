#pragma once
// ferry's error: a kind (which decides the HTTP status, in one place: status_of), a stable
// machine-readable code, a message for people, and structured details.

#include <boost/json/object.hpp>

#include <exception>
#include <optional>
#include <string>

namespace ferry {

enum class ErrorKind {
    bad_request,             // 400: malformed syntax (JSON that does not parse, bad query)
    unauthorized,            // 401: no, malformed, unknown, expired or revoked credentials
    forbidden,               // 403: authenticated, object visible, permission missing
    not_found,               // 404: absent, or belongs to another tenant, or not visible to the caller
    method_not_allowed,      // 405
    conflict,                // 409: the current state forbids it (exists already, invalid transition)
    precondition_failed,     // 412: stale If-Match
    payload_too_large,       // 413
    unsupported_media_type,  // 415
    unprocessable,           // 422: well-formed but invalid
    precondition_required,   // 428: If-Match missing on an edit
    too_many_requests,       // 429: too many failed authentications from one address
    header_too_large,        // 431
    internal,                // 500: a bug; the message never reaches the client
    unavailable,             // 503: shutting down or storage unavailable
};

int status_of(ErrorKind kind);

class Error : public std::exception {
public:
    Error(ErrorKind kind, std::string code, std::string message, boost::json::object details = {});

    ErrorKind kind() const noexcept { return kind_; }
    int status() const noexcept { return status_of(kind_); }
    const std::string& code() const noexcept { return code_; }
    const std::string& message() const noexcept { return message_; }
    const boost::json::object& details() const noexcept { return details_; }
    const char* what() const noexcept override { return message_.c_str(); }

    // {"error":{"code":...,"message":...,"details":{...}}}
    std::string to_json() const;

    static Error not_found(std::string_view what);
    static Error invalid_field(std::string_view field, std::string message);
    static Error conflict(std::string code, std::string message, boost::json::object details = {});

private:
    ErrorKind kind_;
    std::string code_;
    std::string message_;
    boost::json::object details_;
};

// The value, or a 404 naming what was looked for.
template <class T>
T or_not_found(std::optional<T> value, std::string_view what) {
    if (!value) throw Error::not_found(what);
    return std::move(*value);
}

}  // namespace ferry
