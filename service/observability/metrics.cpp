#include "observability/metrics.hpp"

#include <sstream>

namespace ferry {

namespace {

// Label values are route patterns and methods chosen by ferry, but escape them anyway.
std::string label(const std::string& value) {
    std::string out;
    for (const char c : value) {
        if (c == '\\' || c == '"') out.push_back('\\');
        if (c == '\n') {
            out += "\\n";
            continue;
        }
        out.push_back(c);
    }
    return out;
}

}  // namespace

void Metrics::observe(const std::string& route, const std::string& method, int status, double seconds) {
    std::lock_guard lock(mutex_);
    ++requests_[{route, method, status}];
    Histogram& h = latency_[{route, method}];
    for (std::size_t i = 0; i < buckets.size(); ++i)
        if (seconds <= buckets[i]) ++h.counts[i];
    ++h.count;
    h.sum += seconds;
}

std::string Metrics::render() const {
    std::ostringstream out;
    out.precision(12);
    std::lock_guard lock(mutex_);
    out << "# HELP ferry_http_requests_total HTTP requests answered, by route pattern, method and status.\n"
        << "# TYPE ferry_http_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
        const auto& [route, method, status] = key;
        out << "ferry_http_requests_total{route=\"" << label(route) << "\",method=\"" << label(method)
            << "\",status=\"" << status << "\"} " << count << '\n';
    }
    out << "# HELP ferry_http_request_duration_seconds Time from a request's dispatch to its response.\n"
        << "# TYPE ferry_http_request_duration_seconds histogram\n";
    for (const auto& [key, h] : latency_) {
        const std::string labels = "route=\"" + label(key.first) + "\",method=\"" + label(key.second) + "\"";
        for (std::size_t i = 0; i < buckets.size(); ++i)
            out << "ferry_http_request_duration_seconds_bucket{" << labels << ",le=\"" << buckets[i] << "\"} "
                << h.counts[i] << '\n';
        out << "ferry_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} " << h.count << '\n';
        out << "ferry_http_request_duration_seconds_sum{" << labels << "} " << h.sum << '\n';
        out << "ferry_http_request_duration_seconds_count{" << labels << "} " << h.count << '\n';
    }
    out << "# HELP ferry_http_requests_in_flight Requests being handled now.\n"
        << "# TYPE ferry_http_requests_in_flight gauge\n"
        << "ferry_http_requests_in_flight " << in_flight() << '\n';
    return out.str();
}

}  // namespace ferry
