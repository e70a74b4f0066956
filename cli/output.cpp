#include "output.hpp"

#include <boost/json/serialize.hpp>
#include <unistd.h>

#include <algorithm>
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

void progress(std::string_view message) {
    if (::isatty(STDERR_FILENO) != 1) return;
    std::cerr << Style::for_stderr().paint(message, Colour::dim) << '\n';
}

}  // namespace ferry::cli
