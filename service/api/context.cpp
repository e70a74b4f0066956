#include "api/context.hpp"

#include "core/error.hpp"
#include "core/json_keys.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>

namespace ferry::api {

namespace json = boost::json;

Context::Context(const http::Request& req, std::string decoded_path,
                 std::vector<std::pair<std::string, std::string>> query, Services& svc, std::string rid)
    : request(req),
      path(std::move(decoded_path)),
      services(svc),
      request_id(std::move(rid)),
      query_(std::move(query)) {}

std::string_view Context::param(std::string_view name) const {
    for (const auto& [key, value] : params)
        if (key == name) return value;
    return {};
}

std::string_view Context::encoded_param(std::string_view name) const {
    if (route == nullptr) return {};
    // Patterns and paths have the same segments (an empty segment matches no route).
    std::string_view pattern = route->pattern;
    std::string_view sent = encoded_path;
    const std::string wanted = "{" + std::string(name) + "}";
    while (!pattern.empty() && !sent.empty()) {
        const std::size_t p_end = std::min(pattern.find('/'), pattern.size());
        const std::size_t s_end = std::min(sent.find('/'), sent.size());
        if (pattern.substr(0, p_end) == wanted) return sent.substr(0, s_end);
        pattern.remove_prefix(std::min(p_end + 1, pattern.size()));
        sent.remove_prefix(std::min(s_end + 1, sent.size()));
    }
    return {};
}

std::optional<std::string> Context::encoded_query_value(std::string_view name) const {
    for (std::size_t i = 0; i < query_.size() && i < encoded_query.size(); ++i)
        if (query_[i].first == name) return encoded_query[i].second;
    return std::nullopt;
}

std::optional<std::string> Context::query(std::string_view name) const {
    for (const auto& [key, value] : query_)
        if (key == name) return value;
    return std::nullopt;
}

namespace {

bool is_json_media_type(std::string_view content_type) {
    const std::string_view essence = content_type.substr(0, content_type.find(';'));
    std::string lowered;
    for (const char c : essence)
        if (c != ' ' && c != '\t') lowered.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    return lowered == "application/json";
}

}  // namespace

json::object Context::body() const {
    if (request.body.empty()) return {};
    if (!is_json_media_type(request.header("content-type")))
        throw Error(ErrorKind::unsupported_media_type, "unsupported_media_type",
                    "request bodies must be application/json");
    json::parse_options options;
    options.max_depth = services.max_json_depth;
    boost::system::error_code ec;
    json::value value = json::parse(request.body, ec, {}, options);
    if (ec) {
        if (ec == json::error::too_deep)
            throw Error(ErrorKind::bad_request, "malformed_json",
                        "JSON nests deeper than " + std::to_string(services.max_json_depth) + " levels");
        throw Error(ErrorKind::bad_request, "malformed_json", "request body is not valid JSON: " + ec.message());
    }
    // Two equal keys in one object would read as the last one: refused, so that every reader of
    // the body sees the same document.
    if (const auto repeated = first_duplicate_key(request.body, services.max_json_depth))
        throw Error(ErrorKind::bad_request, "malformed_json", "request body repeats the key " + *repeated,
                    {{"field", *repeated}});
    if (!value.is_object()) throw Error(ErrorKind::unprocessable, "invalid_body", "request body must be a JSON object");
    return std::move(value.get_object());
}

void Context::require_if_match(std::string_view current_etag) const {
    const std::string_view if_match = request.header("if-match");
    if (if_match.empty())
        throw Error(ErrorKind::precondition_required, "precondition_required",
                    "this edit needs an If-Match header with the object's ETag");
    if (if_match == "*") return;
    // If-Match may list several entity tags separated by commas.
    std::size_t pos = 0;
    while (pos < if_match.size()) {
        std::size_t end = if_match.find(',', pos);
        if (end == std::string_view::npos) end = if_match.size();
        std::string_view tag = if_match.substr(pos, end - pos);
        while (!tag.empty() && (tag.front() == ' ' || tag.front() == '\t')) tag.remove_prefix(1);
        while (!tag.empty() && (tag.back() == ' ' || tag.back() == '\t')) tag.remove_suffix(1);
        if (tag == current_etag) return;
        pos = end + 1;
    }
    throw Error(ErrorKind::precondition_failed, "precondition_failed",
                "the object changed since it was read (stale If-Match)", {{"etag", current_etag}});
}

std::string Context::actor() const {
    if (caller.is_operator) return "operator";
    if (caller.user.empty()) return "anonymous";
    return caller.user;
}

workflows::Actor Context::acting(Timestamp at) const { return workflows::Actor::of(caller, at, request_id); }

}  // namespace ferry::api
