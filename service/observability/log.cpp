#include "observability/log.hpp"

#include "core/time.hpp"

#include <boost/json/serialize.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>
#include <charconv>
#include <cmath>
#include <string>

namespace ferry::log {

namespace {

std::atomic<Level> current_level{Level::info};

spdlog::logger& sink() {
    // The JSON line is the whole message: spdlog adds nothing around it.
    static const std::shared_ptr<spdlog::logger> logger = [] {
        auto l = std::make_shared<spdlog::logger>("ferryd", std::make_shared<spdlog::sinks::stderr_sink_mt>());
        l->set_pattern("%v");
        l->set_level(spdlog::level::trace);
        l->flush_on(spdlog::level::trace);
        return l;
    }();
    return *logger;
}

std::string_view name(Level level) {
    switch (level) {
        case Level::debug: return "debug";
        case Level::info: return "info";
        case Level::warn: return "warn";
        case Level::error: return "error";
    }
    return "info";
}

// Boost.JSON writes every double in exponent form ("1.2345e1"); a log line shows plain decimals
// ("12.345"), which people and log tools read as they are.
void append_decimal(std::string& out, double value) {
    if (!std::isfinite(value)) {
        out += "null";
        return;
    }
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed);
    if (ec != std::errc()) {
        out += "null";
        return;
    }
    out.append(buffer, end);
}

void append_json(std::string& out, const boost::json::value& value) {
    switch (value.kind()) {
        case boost::json::kind::double_: append_decimal(out, value.get_double()); return;
        case boost::json::kind::object: {
            out.push_back('{');
            bool first = true;
            for (const auto& [key, item] : value.get_object()) {
                if (!first) out.push_back(',');
                first = false;
                out += boost::json::serialize(boost::json::string_view(key));
                out.push_back(':');
                append_json(out, item);
            }
            out.push_back('}');
            return;
        }
        case boost::json::kind::array: {
            out.push_back('[');
            bool first = true;
            for (const auto& item : value.get_array()) {
                if (!first) out.push_back(',');
                first = false;
                append_json(out, item);
            }
            out.push_back(']');
            return;
        }
        default: out += boost::json::serialize(value);
    }
}

}  // namespace

std::string serialize_line(const boost::json::object& line) {
    std::string out;
    out.reserve(256);
    append_json(out, line);
    return out;
}

bool parse_level(std::string_view text, Level& out) {
    for (const Level l : {Level::debug, Level::info, Level::warn, Level::error}) {
        if (name(l) == text) {
            out = l;
            return true;
        }
    }
    return false;
}

void set_level(Level level) { current_level = level; }

void write(Level level, std::string_view msg, boost::json::object fields) {
    if (level < current_level.load()) return;
    boost::json::object line;
    line.reserve(fields.size() + 3);
    line["ts"] = format_rfc3339(SystemClock().now());
    line["level"] = name(level);
    line["msg"] = msg;
    for (auto& [key, value] : fields) line[key] = std::move(value);
    sink().info(serialize_line(line));
}

void flush() { sink().flush(); }

}  // namespace ferry::log
