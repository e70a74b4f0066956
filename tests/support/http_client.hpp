#pragma once
// A small libcurl client for black-box tests. One client keeps one connection alive.

#include <boost/json/value.hpp>

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace ferry::test {

// A transport failure (no HTTP response): curl_code is libcurl's CURLcode.
class TransportError : public std::runtime_error {
public:
    TransportError(int code, const std::string& message) : std::runtime_error(message), curl_code(code) {}
    int curl_code;
    // The server was not accepting connections (refused), as opposed to a dropped request.
    bool refused() const;
};

struct HttpResponse {
    long status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // names lower case

    boost::json::value json() const;
    std::string header(const std::string& name) const;
    // error.code of a JSON error body, "" otherwise.
    std::string error_code() const;
};

class HttpClient {
public:
    explicit HttpClient(std::string base_url);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    // headers as "Name: value"; a body is sent as application/json unless a Content-Type is given.
    HttpResponse request(const std::string& method, const std::string& path, const std::string& token = "",
                         const std::string* body = nullptr, const std::vector<std::string>& headers = {});

    HttpResponse get(const std::string& path, const std::string& token = "") { return request("GET", path, token); }
    HttpResponse post(const std::string& path, const std::string& body, const std::string& token = "") {
        return request("POST", path, token, &body);
    }
    HttpResponse patch(const std::string& path, const std::string& body, const std::string& token,
                       const std::string& if_match) {
        std::vector<std::string> h;
        if (!if_match.empty()) h.push_back("If-Match: " + if_match);
        return request("PATCH", path, token, &body, h);
    }
    HttpResponse del(const std::string& path, const std::string& token, const std::string& if_match = "") {
        std::vector<std::string> h;
        if (!if_match.empty()) h.push_back("If-Match: " + if_match);
        return request("DELETE", path, token, nullptr, h);
    }

private:
    std::string base_url_;
    void* curl_;
};

}  // namespace ferry::test
