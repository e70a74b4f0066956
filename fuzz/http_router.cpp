// The HTTP request path as ferry::api::App::handle takes it apart, without the handlers: the
// request-target parsed as origin-form and percent-decoded by Boost.URL, the encoded-slash guard,
// the query parameters, then Router::match against ferryd's real routing table.
//
// Input: "<METHOD> <request-target>" (the first space separates them; the target may hold any bytes).
//
// Properties:
//  - every route of the table is reachable: its pattern with its parameters filled in matches it
//    (checked once, at start);
//  - a match has the request's method, one non-empty parameter per "{name}" of the pattern, named
//    as in the pattern, none holding '/', and the pattern filled with them is the same path;
//  - no route with allowed methods (405) means the method is not among them, and each of those
//    methods does match the path; a path ending in '/' matches nothing;
//  - Request::header finds names whatever their case.

#include "api/routes.hpp"
#include "fuzz_support.hpp"
#include "http/message.hpp"
#include "http/router.hpp"

#include <boost/url/parse.hpp>

#include <algorithm>
#include <cstdint>

using namespace ferry;

namespace {

bool is_param(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

// The path of a pattern with its parameters replaced in order.
std::string fill(const std::string& pattern, const http::PathParams& params) {
    std::string out;
    std::size_t next = 0;
    for (const auto segment : http::split_path(pattern)) {
        out += '/';
        if (is_param(segment))
            out += next < params.size() ? params[next++].second : "";
        else
            out += segment;
    }
    return out.empty() ? "/" : out;
}

// Same as App::handle's guard (an internal function there).
bool has_encoded_slash(std::string_view encoded_path) {
    for (std::size_t i = 0; i + 2 < encoded_path.size(); ++i)
        if (encoded_path[i] == '%' && encoded_path[i + 1] == '2' &&
            (encoded_path[i + 2] == 'F' || encoded_path[i + 2] == 'f'))
            return true;
    return false;
}

const http::Router& router() {
    static const http::Router r = [] {
        http::Router built(api::routes(true));
        for (const auto& route : built.routes()) {
            http::PathParams params;
            for (const auto segment : http::split_path(route.pattern))
                if (is_param(segment))
                    params.emplace_back(std::string(segment.substr(1, segment.size() - 2)),
                                        "p" + std::to_string(params.size()));
            const std::string path = fill(route.pattern, params);
            const http::Match m = built.match(route.method, path);
            fuzz::check(m.route == &route, "a route of the table is shadowed by another",
                        route.method + " " + route.pattern);
        }
        return built;
    }();
    return r;
}

void check_match(const std::string& method, const std::string& path) {
    const http::Router& r = router();
    const http::Match m = r.match(method, path);
    const std::string what = method + " " + path;
    if (path.size() > 1 && path.back() == '/')
        fuzz::check(m.route == nullptr && m.allowed_methods.empty(), "a path ending in '/' matched", what);
    if (m.route != nullptr) {
        // HEAD is served by the GET route of the path (RFC 9110), and only by one.
        const bool head_of_get = method == "HEAD" && m.route->method == "GET";
        fuzz::check(m.route->method == method || head_of_get, "matched a route of another method", what);
        fuzz::check(m.allowed_methods.empty(), "a match that also lists allowed methods", what);
        std::vector<std::string> names;
        for (const auto segment : http::split_path(m.route->pattern))
            if (is_param(segment)) names.emplace_back(segment.substr(1, segment.size() - 2));
        fuzz::check(names.size() == m.params.size(), "parameter count differs from the pattern's",
                    what + " ~ " + m.route->pattern);
        for (std::size_t i = 0; i < names.size(); ++i) {
            fuzz::check(m.params[i].first == names[i], "parameter named differently from the pattern", what);
            fuzz::check(!m.params[i].second.empty(), "an empty path parameter", what);
            fuzz::check(m.params[i].second.find('/') == std::string::npos, "a path parameter holding '/'", what);
        }
        fuzz::check(http::split_path(fill(m.route->pattern, m.params)) == http::split_path(path),
                    "the pattern filled with the parameters is not the path", what + " ~ " + m.route->pattern);
    } else {
        for (const auto& allowed : m.allowed_methods) {
            fuzz::check(allowed != method, "405 lists the request's own method", what);
            fuzz::check(r.match(allowed, path).route != nullptr, "405 lists a method that does not match",
                        what + " " + allowed);
        }
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    const std::size_t space = input.find(' ');
    if (space == std::string_view::npos) return 0;
    const std::string method(input.substr(0, space));
    const std::string target(input.substr(space + 1));

    for (const auto part : http::split_path(target)) {
        fuzz::check(!part.empty() && part.find('/') == std::string_view::npos,
                    "split_path gave an empty or '/' segment", target);
    }

    const auto parsed = boost::urls::parse_origin_form(target);
    if (!parsed) return 0;
    http::Request request;
    request.method = method;
    request.target = target;
    for (const auto& p : parsed->params()) {
        request.headers.push_back(http::Header{p.key, p.value});
    }
    for (const auto& h : request.headers) {
        std::string upper = h.name;
        std::transform(upper.begin(), upper.end(), upper.begin(),
                       [](char c) { return static_cast<char>(std::toupper(static_cast<unsigned char>(c))); });
        // The first header of that name (ignoring case) is found, whichever case it is asked in.
        fuzz::check(request.header(upper) == request.header(h.name), "Request::header depends on the case of the name",
                    h.name);
    }
    if (has_encoded_slash(parsed->encoded_path())) return 0;  // App answers 400
    check_match(method, parsed->path());
    return 0;
}
