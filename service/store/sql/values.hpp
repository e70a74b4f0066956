#pragma once
// Conversions between ferry's values and what the SQL backends store, shared by the row mappers.

#include "core/time.hpp"
#include "store/store.hpp"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::sql {

inline std::optional<std::int64_t> millis_or_null(const std::optional<Timestamp>& t) {
    if (!t) return std::nullopt;
    return to_millis(*t);
}

inline std::optional<Timestamp> time_or_null(const std::optional<std::int64_t>& ms) {
    if (!ms) return std::nullopt;
    return from_millis(*ms);
}

// Stored enum text that no longer parses means the database was edited by hand or by a newer
// ferryd: refuse to guess.
template <class T>
T parse_stored(std::optional<T> value, std::string_view what) {
    if (!value) throw StoreError("unreadable " + std::string(what) + " in database");
    return *value;
}

inline boost::json::value parse_json(const std::string& text) {
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec);
    if (ec) throw StoreError("unreadable JSON in database: " + ec.message());
    return v;
}

inline std::string strings_json(const std::vector<std::string>& items) {
    boost::json::array out;
    for (const auto& item : items) out.emplace_back(item);
    return boost::json::serialize(out);
}

}  // namespace ferry::sql
