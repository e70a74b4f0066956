#include "http/router.hpp"

#include <algorithm>
#include <stdexcept>

namespace ferry::http {

std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos < path.size()) {
        if (path[pos] == '/') {
            ++pos;
            continue;
        }
        const std::size_t end = std::min(path.find('/', pos), path.size());
        out.push_back(path.substr(pos, end - pos));
        pos = end;
    }
    return out;
}

Router::Router(std::vector<Route> routes) : routes_(std::move(routes)) {
    compiled_.reserve(routes_.size());
    for (const Route& r : routes_) {
        Compiled c;
        for (std::string_view s : split_path(r.pattern)) c.segments.emplace_back(s);
        compiled_.push_back(std::move(c));
    }
    for (std::size_t i = 0; i < routes_.size(); ++i)
        for (std::size_t j = i + 1; j < routes_.size(); ++j)
            if (routes_[i].method == routes_[j].method && compiled_[i].segments == compiled_[j].segments)
                throw std::logic_error("duplicate route " + routes_[i].method + " " + routes_[i].pattern);
}

Match Router::match(std::string_view method, std::string_view path) const {
    Match result;
    // A trailing slash is a different resource in ferry's API; "/v1/tenants/" does not match, and
    // neither does a path with an empty segment ("/v1//tenants"): paths are exact.
    if (path.size() > 1 && path.back() == '/') return result;
    if (path.find("//") != std::string_view::npos) return result;
    // HEAD is GET without the body (RFC 9110 9.3.2): every GET route answers it.
    const std::string_view wanted = method == "HEAD" ? std::string_view("GET") : method;
    const auto parts = split_path(path);
    for (std::size_t i = 0; i < routes_.size(); ++i) {
        const auto& segments = compiled_[i].segments;
        if (segments.size() != parts.size()) continue;
        PathParams params;
        bool ok = true;
        for (std::size_t k = 0; k < parts.size() && ok; ++k) {
            const std::string& seg = segments[k];
            if (seg.size() > 2 && seg.front() == '{' && seg.back() == '}') {
                if (parts[k].empty())
                    ok = false;
                else
                    params.emplace_back(seg.substr(1, seg.size() - 2), std::string(parts[k]));
            } else {
                ok = seg == parts[k];
            }
        }
        if (!ok) continue;
        if (routes_[i].method == wanted) {
            result.route = &routes_[i];
            result.params = std::move(params);
            result.allowed_methods.clear();
            return result;
        }
        result.allowed_methods.push_back(routes_[i].method);
        if (routes_[i].method == "GET") result.allowed_methods.emplace_back("HEAD");
    }
    return result;
}

}  // namespace ferry::http
