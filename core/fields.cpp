#include "core/fields.hpp"

#include "core/error.hpp"
#include "core/utf8.hpp"

namespace ferry {

namespace json = boost::json;

Fields::Fields(const json::object& object, std::string path) : object_(object), path_(std::move(path)) {}

std::string Fields::path_of(std::string_view key) const {
    return path_.empty() ? std::string(key) : path_ + "." + std::string(key);
}

const json::value* Fields::find(std::string_view key) {
    seen_.emplace(key);
    return object_.if_contains(key);
}

std::optional<std::string> Fields::read_string(std::string_view key, std::size_t max_length, bool multiline) {
    const json::value* v = find(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_string()) throw Error::invalid_field(path_of(key), path_of(key) + " must be a string");
    const json::string& s = v->get_string();
    if (s.size() > max_length)
        throw Error::invalid_field(path_of(key),
                                   path_of(key) + " must be at most " + std::to_string(max_length) + " characters");
    if (const auto bad = forbidden_display_character(s, multiline))
        throw Error::invalid_field(path_of(key), path_of(key) + " must not contain " + *bad +
                                                     (multiline ? " (control characters other than newline and tab, "
                                                                  "and bidirectional overrides, are refused)"
                                                                : " (control characters and bidirectional overrides "
                                                                  "are refused)"));
    return std::string(s);
}

std::optional<std::string> Fields::optional_string(std::string_view key, std::size_t max_length) {
    return read_string(key, max_length, false);
}

std::string Fields::required_string(std::string_view key, std::size_t max_length) {
    auto s = optional_string(key, max_length);
    if (!s) throw Error::invalid_field(path_of(key), path_of(key) + " is required");
    return *s;
}

std::optional<std::string> Fields::optional_text(std::string_view key, std::size_t max_length) {
    return read_string(key, max_length, true);
}

std::string Fields::required_text(std::string_view key, std::size_t max_length) {
    auto s = optional_text(key, max_length);
    if (!s) throw Error::invalid_field(path_of(key), path_of(key) + " is required");
    return *s;
}

std::optional<std::optional<std::string>> Fields::optional_nullable_string(std::string_view key,
                                                                           std::size_t max_length) {
    const json::value* v = find(key);
    if (v == nullptr) return std::nullopt;
    if (v->is_null()) return std::optional<std::string>{};
    return std::optional<std::string>{optional_string(key, max_length)};
}

const json::array* Fields::optional_array(std::string_view key) {
    const json::value* v = find(key);
    if (v == nullptr) return nullptr;
    if (!v->is_array()) throw Error::invalid_field(path_of(key), path_of(key) + " must be an array");
    return &v->get_array();
}

const json::array& Fields::required_array(std::string_view key) {
    const json::array* a = optional_array(key);
    if (a == nullptr) throw Error::invalid_field(path_of(key), path_of(key) + " is required");
    return *a;
}

std::optional<std::int64_t> Fields::optional_integer(std::string_view key, std::int64_t min, std::int64_t max) {
    const json::value* v = find(key);
    if (v == nullptr) return std::nullopt;
    const auto n = v->if_int64();
    if (!n || *n < min || *n > max)
        throw Error::invalid_field(path_of(key), path_of(key) + " must be a whole number from " + std::to_string(min) +
                                                     " to " + std::to_string(max));
    return *n;
}

std::optional<bool> Fields::optional_bool(std::string_view key) {
    const json::value* v = find(key);
    if (v == nullptr) return std::nullopt;
    if (!v->is_bool()) throw Error::invalid_field(path_of(key), path_of(key) + " must be true or false");
    return v->get_bool();
}

const json::object* Fields::optional_object(std::string_view key) {
    const json::value* v = find(key);
    if (v == nullptr || v->is_null()) return nullptr;
    if (!v->is_object()) throw Error::invalid_field(path_of(key), path_of(key) + " must be an object");
    return &v->get_object();
}

const json::value* Fields::optional_value(std::string_view key) { return find(key); }

void Fields::finish() {
    for (const auto& [key, value] : object_) {
        if (seen_.find(std::string_view(key)) == seen_.end())
            throw Error(ErrorKind::unprocessable, "unknown_field", "unknown field " + path_of(key),
                        {{"field", path_of(key)}});
    }
}

}  // namespace ferry
