#include "http/message.hpp"

#include <algorithm>
#include <cctype>

namespace ferry::http {

namespace {

bool iequals(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

}  // namespace

std::string_view Request::header(std::string_view name) const {
    for (const Header& h : headers)
        if (iequals(h.name, name)) return h.value;
    return {};
}

bool Request::has_header(std::string_view name) const {
    return std::any_of(headers.begin(), headers.end(), [&](const Header& h) { return iequals(h.name, name); });
}

void Response::set_header(std::string name, std::string value) {
    for (Header& h : headers) {
        if (iequals(h.name, name)) {
            h.value = std::move(value);
            return;
        }
    }
    headers.push_back(Header{std::move(name), std::move(value)});
}

}  // namespace ferry::http
