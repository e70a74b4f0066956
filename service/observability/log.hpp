#pragma once
// Structured logs: one JSON object per line on stderr ({"ts","level","msg",...fields}).
// Secrets (tokens) are never passed here.

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace ferry::log {

enum class Level { debug, info, warn, error };

// Parses "debug", "info", "warn", "error"; false when unknown.
bool parse_level(std::string_view text, Level& out);
void set_level(Level level);

void write(Level level, std::string_view msg, boost::json::object fields = {});

inline void debug(std::string_view msg, boost::json::object fields = {}) {
    write(Level::debug, msg, std::move(fields));
}
inline void info(std::string_view msg, boost::json::object fields = {}) { write(Level::info, msg, std::move(fields)); }
inline void warn(std::string_view msg, boost::json::object fields = {}) { write(Level::warn, msg, std::move(fields)); }
inline void error(std::string_view msg, boost::json::object fields = {}) {
    write(Level::error, msg, std::move(fields));
}

// The line as written: JSON, with numbers that are not integers in plain decimal notation
// ("duration_ms":12.345), never in exponent form.
std::string serialize_line(const boost::json::object& line);

// Flushes buffered lines (at shutdown).
void flush();

}  // namespace ferry::log
