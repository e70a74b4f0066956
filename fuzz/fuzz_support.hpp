#pragma once
// Shared helpers of ferry's fuzz targets (header-only, no library of its own).
//
// Structured inputs use one text format, so that seeds stay readable and libFuzzer's mutations
// stay meaningful: the input is a list of sections, each starting on a line "--- <header>", its
// body being every line up to the next section line. Text before the first section is ignored.
//
//   --- manifest
//   {"package":"welcome",...}
//   --- file campaigns/welcome.json
//   {...}
//
// A target reports a broken property through fail(): it prints what and why, then aborts, which
// libFuzzer records as a crash (and saves the input) and which fails the ctest replay.

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::fuzz {

struct Section {
    std::string_view header;  // the rest of the "--- " line
    std::string_view body;    // the lines up to the next section (without the newline before it)
};

inline std::vector<Section> split_sections(std::string_view input) {
    constexpr std::string_view marker = "--- ";
    std::vector<Section> out;
    std::size_t pos = 0;
    if (!input.starts_with(marker)) {
        const std::size_t first = input.find("\n--- ");
        if (first == std::string_view::npos) return out;
        pos = first + 1;
    }
    while (pos < input.size()) {
        const std::size_t line_end = input.find('\n', pos);
        const std::size_t header_end = line_end == std::string_view::npos ? input.size() : line_end;
        Section s;
        s.header = input.substr(pos + marker.size(), header_end - pos - marker.size());
        if (line_end == std::string_view::npos) {
            out.push_back(s);
            break;
        }
        const std::size_t body_start = line_end + 1;
        const std::size_t next = input.find("\n--- ", line_end);
        const std::size_t body_end = next == std::string_view::npos ? input.size() : next;
        s.body = body_start <= body_end ? input.substr(body_start, body_end - body_start) : std::string_view{};
        out.push_back(s);
        if (next == std::string_view::npos) break;
        pos = next + 1;
    }
    return out;
}

// Space-separated words of a header line.
inline std::vector<std::string_view> words(std::string_view text) {
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        while (pos < text.size() && text[pos] == ' ') ++pos;
        const std::size_t end = std::min(text.find(' ', pos), text.size());
        if (end > pos) out.push_back(text.substr(pos, end - pos));
        pos = end;
    }
    return out;
}

// JSON as the service reads request bodies: at most 64 levels deep (Services::max_json_depth).
inline std::optional<boost::json::value> parse_json(std::string_view text, std::size_t max_depth = 64) {
    boost::json::parse_options options;
    options.max_depth = max_depth;
    boost::system::error_code ec;
    boost::json::value v = boost::json::parse(text, ec, {}, options);
    if (ec) return std::nullopt;
    return v;
}

inline std::string shown(std::string_view bytes, std::size_t limit = 2000) {
    std::string out;
    for (const char c : bytes.substr(0, limit)) {
        const auto u = static_cast<unsigned char>(c);
        if (u == '\n' || (u >= 0x20 && u < 0x7f)) {
            out.push_back(c);
        } else {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02x", static_cast<unsigned>(u));
            out += buf;
        }
    }
    if (bytes.size() > limit) out += "...";
    return out;
}

[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
    std::fprintf(stderr, "\nFUZZ PROPERTY BROKEN: %.*s\n%s\n", static_cast<int>(what.size()), what.data(),
                 shown(detail).c_str());
    std::fflush(stderr);
    std::abort();
}

inline void check(bool ok, std::string_view what, std::string_view detail = {}) {
    if (!ok) fail(what, detail);
}

inline std::string serialize(const boost::json::value& v) { return boost::json::serialize(v); }

}  // namespace ferry::fuzz
