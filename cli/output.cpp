#include "output.hpp"

#include <boost/json/serialize.hpp>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <iostream>
#include <ostream>

namespace ferry::cli {

namespace json = boost::json;

namespace {

bool colour_wanted(int fd) {
    const char* no_colour = std::getenv("NO_COLOR");
    if (no_colour != nullptr && no_colour[0] != '\0') return false;
    const char* term = std::getenv("TERM");
    if (term != nullptr && std::string_view(term) == "dumb") return false;
    return ::isatty(fd) == 1;
}

std::string_view code_of(Colour colour) {
    switch (colour) {
        case Colour::bold: return "\033[1m";
        case Colour::dim: return "\033[2m";
        case Colour::red: return "\033[31m";
        case Colour::green: return "\033[32m";
        case Colour::yellow: return "\033[33m";
        case Colour::cyan: return "\033[36m";
        case Colour::none: break;
    }
    return "";
}

// Display width: UTF-8 continuation bytes take no column ("Promo Été" is 9 wide, 11 bytes).
std::size_t width_of(std::string_view text) {
    return static_cast<std::size_t>(
        std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

bool is_scalar(const json::value& value) { return !value.is_object() && !value.is_array(); }

}  // namespace

Style Style::for_stdout() { return Style(colour_wanted(STDOUT_FILENO)); }
Style Style::for_stderr() { return Style(colour_wanted(STDERR_FILENO)); }

std::string Style::paint(std::string_view text, Colour colour) const {
    if (!enabled_ || colour == Colour::none || text.empty()) return std::string(text);
    return std::string(code_of(colour)) + std::string(text) + "\033[0m";
}

Table::Table(std::vector<std::string> headers) : headers_(std::move(headers)) {}

void Table::add(std::vector<std::string> cells) {
    cells.resize(headers_.size());
    rows_.push_back(Row{std::move(cells), std::vector<Colour>(headers_.size(), Colour::none)});
}

void Table::colour_last(std::size_t column, Colour colour) {
    if (!rows_.empty() && column < headers_.size()) rows_.back().colours[column] = colour;
}

void Table::print(std::ostream& out, const Style& style) const {
    std::vector<std::size_t> widths(headers_.size());
    for (std::size_t c = 0; c < headers_.size(); ++c) widths[c] = width_of(headers_[c]);
    for (const auto& row : rows_)
        for (std::size_t c = 0; c < row.cells.size(); ++c) widths[c] = std::max(widths[c], width_of(row.cells[c]));

    const auto line = [&](const std::vector<std::string>& cells, const std::vector<Colour>& colours) {
        std::string text;
        for (std::size_t c = 0; c < cells.size(); ++c) {
            const bool last = c + 1 == cells.size();
            text += style.paint(cells[c], colours[c]);
            if (!last) text += std::string(widths[c] - width_of(cells[c]) + 2, ' ');
        }
        out << text << '\n';
    };
    line(headers_, std::vector<Colour>(headers_.size(), Colour::bold));
    for (const auto& row : rows_) line(row.cells, row.colours);
}

void print_fields(std::ostream& out, const Fields& fields, const Style& style) {
    std::size_t width = 0;
    for (const auto& field : fields) width = std::max(width, width_of(field.first));
    for (const auto& [name, value] : fields)
        out << style.paint(name + ":", Colour::bold) << std::string(width - width_of(name) + 1, ' ') << value << '\n';
}

std::string text_of(const json::value& value) {
    if (value.is_null()) return "-";
    if (value.is_string()) return std::string(value.as_string());
    if (value.is_array() && std::all_of(value.as_array().begin(), value.as_array().end(), is_scalar)) {
        std::string out;
        for (const auto& item : value.as_array()) out += (out.empty() ? "" : ", ") + text_of(item);
        return out.empty() ? "-" : out;
    }
    return json::serialize(value);
}

std::string text_of(const json::value& object, std::string_view path) {
    const json::value* at = &object;
    while (!path.empty()) {
        const auto dot = path.find('.');
        if (!at->is_object()) return "-";
        at = at->as_object().if_contains(path.substr(0, dot));
        if (at == nullptr) return "-";
        path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    }
    return text_of(*at);
}

Fields fields_of(const json::value& object, std::initializer_list<std::string_view> paths) {
    Fields fields;
    for (const auto path : paths) fields.emplace_back(std::string(path), text_of(object, path));
    return fields;
}

json::array items_of(const json::value& body) {
    if (body.is_object())
        if (const auto* items = body.as_object().if_contains("items"); items != nullptr && items->is_array())
            return items->as_array();
    return {};
}

Table table_of(const json::array& items, const std::vector<std::pair<std::string, std::string>>& columns) {
    std::vector<std::string> headers;
    for (const auto& column : columns) headers.push_back(column.first);
    Table table(std::move(headers));
    for (const auto& item : items) {
        std::vector<std::string> cells;
        for (const auto& column : columns) cells.push_back(text_of(item, column.second));
        table.add(std::move(cells));
    }
    return table;
}

void print_body(std::ostream& out, const std::string& body) {
    out << body;
    if (body.empty() || body.back() != '\n') out << '\n';
}

std::string pretty_json(const json::value& value, int indent) {
    const std::string pad(static_cast<std::size_t>(indent) * 2, ' ');
    const std::string inner(static_cast<std::size_t>(indent + 1) * 2, ' ');
    if (value.is_object()) {
        const auto& object = value.as_object();
        if (object.empty()) return "{}";
        std::string out = "{\n";
        std::size_t i = 0;
        for (const auto& member : object) {
            out += inner + json::serialize(json::value(member.key())) + ": " + pretty_json(member.value(), indent + 1);
            out += ++i < object.size() ? ",\n" : "\n";
        }
        return out + pad + "}";
    }
    if (value.is_array()) {
        const auto& array = value.as_array();
        if (array.empty()) return "[]";
        std::string out = "[\n";
        for (std::size_t i = 0; i < array.size(); ++i)
            out += inner + pretty_json(array[i], indent + 1) + (i + 1 < array.size() ? ",\n" : "\n");
        return out + pad + "]";
    }
    return json::serialize(value);
}

namespace {

bool plain_yaml_scalar(std::string_view text) {
    if (text.empty() || text.size() > 200) return false;
    const auto first = static_cast<unsigned char>(text.front());
    if (!std::isalpha(first) && first != '_' && first != '/') return false;
    if (text.back() == ' ') return false;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (!std::isalnum(c) && c != '_' && c != '-' && c != '.' && c != '/' && c != ' ') return false;
    }
    // Words YAML 1.1 readers take for booleans or null, and .inf/.nan spelled as words.
    std::string lower(text);
    std::transform(lower.begin(), lower.end(), lower.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    for (const char* word : {"true", "false", "yes", "no", "on", "off", "y", "n", "null"})
        if (lower == word) return false;
    return true;
}

std::string yaml_scalar(const json::value& value) {
    if (value.is_string()) {
        const std::string_view text = value.as_string();
        // JSON's string escapes are all valid in a YAML double-quoted scalar.
        return plain_yaml_scalar(text) ? std::string(text) : json::serialize(value);
    }
    return json::serialize(value);  // null, true, false and numbers are spelled the same
}

bool nested(const json::value& value) {
    return (value.is_object() && !value.as_object().empty()) || (value.is_array() && !value.as_array().empty());
}

// Lines of a non-empty object or array, each starting with `indent` spaces.
void yaml_block(const json::value& value, std::size_t indent, std::string& out) {
    const std::string pad(indent, ' ');
    if (value.is_object()) {
        for (const auto& member : value.as_object()) {
            out += pad + yaml_scalar(json::value(member.key())) + ":";
            if (nested(member.value())) {
                out += "\n";
                yaml_block(member.value(), indent + 2, out);
            } else {
                out += " " + yaml_scalar(member.value()) + "\n";
            }
        }
        return;
    }
    for (const auto& item : value.as_array()) {
        if (!nested(item)) {
            out += pad + "- " + yaml_scalar(item) + "\n";
            continue;
        }
        // The item's first line goes after the dash; the rest line up under it.
        std::string inner;
        yaml_block(item, indent + 2, inner);
        out += pad + "- " + inner.substr(indent + 2);
    }
}

}  // namespace

std::string to_yaml(const json::value& value) {
    if (!nested(value)) return yaml_scalar(value) + "\n";
    std::string out;
    yaml_block(value, 0, out);
    return out;
}

std::vector<std::string> names_of(const json::value& body) {
    const auto name_of = [](const json::value& object) -> std::string {
        if (!object.is_object()) return "";
        for (const char* field : {"id", "name", "version", "seq", "key"})
            if (const auto* v = object.as_object().if_contains(field); v != nullptr && !v->is_null())
                return text_of(*v);
        return "";
    };
    std::vector<std::string> names;
    const json::value* items = body.is_object() ? body.as_object().if_contains("items") : nullptr;
    if (items != nullptr && items->is_array()) {
        for (const auto& item : items->as_array())
            if (std::string name = name_of(item); !name.empty()) names.push_back(std::move(name));
    } else if (std::string name = name_of(body); !name.empty()) {
        names.push_back(std::move(name));
    }
    return names;
}

void progress(std::string_view message) {
    if (::isatty(STDERR_FILENO) != 1) return;
    std::cerr << Style::for_stderr().paint(message, Colour::dim) << '\n';
}

}  // namespace ferry::cli
