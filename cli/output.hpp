#pragma once
// What ferry prints. People get aligned tables for lists and "key: value" blocks for single
// objects, with colour only when stdout is a terminal (and NO_COLOR is unset); programs get the
// server's JSON exactly as it arrived (--json). Progress goes to stderr, and only to a terminal.

#include <boost/json/array.hpp>
#include <boost/json/value.hpp>

#include <initializer_list>
#include <iosfwd>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::cli {

enum class Colour { none, bold, dim, red, green, yellow, cyan };

// Wraps text in an ANSI colour when the stream it is for is a terminal.
class Style {
public:
    static Style for_stdout();
    static Style for_stderr();
    std::string paint(std::string_view text, Colour colour) const;
    bool enabled() const { return enabled_; }

private:
    explicit Style(bool enabled) : enabled_(enabled) {}
    bool enabled_;
};

// A single object for people: "key: value" lines, the values aligned.
using Fields = std::vector<std::pair<std::string, std::string>>;
void print_fields(std::ostream& out, const Fields& fields, const Style& style);

// A list for people: one header row, columns padded to their widest cell, no borders.
class Table {
public:
    explicit Table(std::vector<std::string> headers);
    void add(std::vector<std::string> cells);
    // Colours one cell of the last row added (the padding stays uncoloured, so columns align).
    void colour_last(std::size_t column, Colour colour);
    bool empty() const { return rows_.empty(); }
    void print(std::ostream& out, const Style& style) const;

private:
    struct Row {
        std::vector<std::string> cells;
        std::vector<Colour> colours;
    };
    std::vector<std::string> headers_;
    std::vector<Row> rows_;
};

// A JSON value as a short text for a table cell or a field: strings bare, null as "-", arrays
// of scalars comma-separated, anything else compact JSON.
std::string text_of(const boost::json::value& value);
// text_of the member at a dotted path of an object ("subject.name"; "-" when absent).
std::string text_of(const boost::json::value& object, std::string_view path);

// Fields of an object, each under its own name: fields_of(sandbox, {"id", "type"}).
Fields fields_of(const boost::json::value& object, std::initializer_list<std::string_view> paths);

// A table of the objects of a list, one column per (header, dotted path).
Table table_of(const boost::json::array& items, const std::vector<std::pair<std::string, std::string>>& columns);
// A copy of the "items" array of a list body (empty when there is none). A copy, so that
// `for (x : items_of(response.json()))` does not iterate over a destroyed temporary.
boost::json::array items_of(const boost::json::value& body);

// The server's JSON body as received, with a final newline.
void print_body(std::ostream& out, const std::string& body);

// Indented JSON for people (a campaign's content, a review's content).
std::string pretty_json(const boost::json::value& value, int indent = 0);

// A JSON value as a YAML document (block style; strings quoted whenever a YAML reader could take
// them for something else: numbers, booleans, null, dates, or text with YAML's punctuation).
std::string to_yaml(const boost::json::value& value);

// What -o name prints: for a list the identifier of each item, for an object its own. The
// identifier is the first of id, name, version, seq and key that the object has.
std::vector<std::string> names_of(const boost::json::value& body);

// Progress of a long operation on stderr, when stderr is a terminal; silent otherwise.
void progress(std::string_view message);

}  // namespace ferry::cli
