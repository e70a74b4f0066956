#pragma once
// Reading the fields of request JSON with precise 422 errors that name the JSON path of the bad
// field ("roles[2].sandbox"). Pure: used by handlers and domain validation alike.

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>

namespace ferry {

// Reads the fields of one JSON object; finish() rejects any field nobody asked for, so a typo
// in a field name is an error, not a silent no-op.
class Fields {
public:
    explicit Fields(const boost::json::object& object, std::string path = "");

    // One line of text: no control character (core/utf8.hpp), no bidirectional override.
    std::optional<std::string> optional_string(std::string_view key, std::size_t max_length);
    std::string required_string(std::string_view key, std::size_t max_length);
    // Long text (descriptions, bodies, comments): the same, but newlines and tabs are allowed.
    std::optional<std::string> optional_text(std::string_view key, std::size_t max_length);
    std::string required_text(std::string_view key, std::size_t max_length);
    const boost::json::array* optional_array(std::string_view key);
    const boost::json::array& required_array(std::string_view key);
    // Present and null reads as "explicitly cleared": the outer optional is set, the inner empty.
    std::optional<std::optional<std::string>> optional_nullable_string(std::string_view key, std::size_t max_length);

    std::optional<std::int64_t> optional_integer(std::string_view key, std::int64_t min, std::int64_t max);
    std::optional<bool> optional_bool(std::string_view key);
    const boost::json::object* optional_object(std::string_view key);
    // Present and null reads as "explicitly none": the outer pointer is set to the null value.
    const boost::json::value* optional_value(std::string_view key);

    void finish();

    std::string path_of(std::string_view key) const;

private:
    const boost::json::value* find(std::string_view key);
    std::optional<std::string> read_string(std::string_view key, std::size_t max_length, bool multiline);

    const boost::json::object& object_;
    std::string path_;
    std::set<std::string, std::less<>> seen_;
};

}  // namespace ferry
