#include "core/error.hpp"

#include "core/utf8.hpp"

#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

namespace ferry {

int status_of(ErrorKind kind) {
    switch (kind) {
        case ErrorKind::bad_request: return 400;
        case ErrorKind::unauthorized: return 401;
        case ErrorKind::forbidden: return 403;
        case ErrorKind::not_found: return 404;
        case ErrorKind::method_not_allowed: return 405;
        case ErrorKind::conflict: return 409;
        case ErrorKind::precondition_failed: return 412;
        case ErrorKind::payload_too_large: return 413;
        case ErrorKind::unsupported_media_type: return 415;
        case ErrorKind::unprocessable: return 422;
        case ErrorKind::precondition_required: return 428;
        case ErrorKind::too_many_requests: return 429;
        case ErrorKind::header_too_large: return 431;
        case ErrorKind::internal: return 500;
        case ErrorKind::unavailable: return 503;
    }
    return 500;
}

Error::Error(ErrorKind kind, std::string code, std::string message, boost::json::object details)
    : kind_(kind), code_(std::move(code)), message_(std::move(message)), details_(std::move(details)) {}

std::string Error::to_json() const {
    // A message may quote what the client sent: it must not make the body invalid JSON.
    boost::json::object error{{"code", code_}, {"message", sanitize_utf8(message_)}, {"details", details_}};
    return boost::json::serialize(boost::json::object{{"error", std::move(error)}});
}

Error Error::not_found(std::string_view what) {
    return Error(ErrorKind::not_found, "not_found", std::string(what) + " not found");
}

Error Error::invalid_field(std::string_view field, std::string message) {
    return Error(ErrorKind::unprocessable, "invalid_field", std::move(message), {{"field", field}});
}

Error Error::conflict(std::string code, std::string message, boost::json::object details) {
    return Error(ErrorKind::conflict, std::move(code), std::move(message), std::move(details));
}

}  // namespace ferry
