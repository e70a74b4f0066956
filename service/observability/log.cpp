#include "observability/log.hpp"

#include "core/time.hpp"

#include <boost/json/serialize.hpp>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <atomic>

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

}  // namespace

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
    sink().info(boost::json::serialize(line));
}

void flush() { sink().flush(); }

}  // namespace ferry::log
