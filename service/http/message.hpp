#pragma once
// Requests and responses as the application sees them: plain data, no Beast types, so that the
// router, handlers and their tests never include the HTTP library.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::http {

struct Header {
    std::string name;  // lower case
    std::string value;
};

struct Request {
    std::string method;  // "GET", "POST", ...
    std::string target;  // raw request-target, e.g. "/v1/tenants?limit=5"
    std::vector<Header> headers;
    std::string body;
    std::string remote;  // peer address, for logs

    // First value of a header (name compared case-insensitively); empty when absent.
    std::string_view header(std::string_view name) const;
    // True when the header was sent, even with an empty value.
    bool has_header(std::string_view name) const;
};

struct Response {
    int status = 200;
    std::string content_type = "application/json";
    std::vector<Header> headers;
    std::string body;
    bool close = false;  // ask the connection to close after this response
    bool head = false;   // the answer to a HEAD: the headers of the GET answer (its Content-Length too), no body

    void set_header(std::string name, std::string value);
};

}  // namespace ferry::http
