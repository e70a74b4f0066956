#include "http_client.hpp"

#include <boost/json/parse.hpp>
#include <curl/curl.h>

#include <algorithm>
#include <stdexcept>

namespace ferry::test {

namespace {

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto& headers = *static_cast<std::map<std::string, std::string>*>(user);
    std::string line(data, size * count);
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
        std::string name = line.substr(0, colon);
        std::transform(name.begin(), name.end(), name.begin(),
                       [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
        std::string value = line.substr(colon + 1);
        while (!value.empty() && (value.front() == ' ')) value.erase(0, 1);
        while (!value.empty() && (value.back() == '\r' || value.back() == '\n')) value.pop_back();
        headers[name] = value;
    }
    return size * count;
}

struct CurlGlobal {
    CurlGlobal() { curl_global_init(CURL_GLOBAL_DEFAULT); }
    ~CurlGlobal() { curl_global_cleanup(); }
};

}  // namespace

bool TransportError::refused() const { return curl_code == CURLE_COULDNT_CONNECT; }

boost::json::value HttpResponse::json() const {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec) throw std::runtime_error("response is not JSON (status " + std::to_string(status) + "): " + body);
    return v;
}

std::string HttpResponse::header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
}

std::string HttpResponse::error_code() const {
    boost::system::error_code ec;
    auto v = boost::json::parse(body, ec);
    if (ec || !v.is_object()) return {};
    const auto* error = v.get_object().if_contains("error");
    if (!error || !error->is_object()) return {};
    const auto* code = error->get_object().if_contains("code");
    return code && code->is_string() ? std::string(code->get_string()) : std::string();
}

HttpClient::HttpClient(std::string base_url) : base_url_(std::move(base_url)) {
    static CurlGlobal global;
    curl_ = curl_easy_init();
    if (!curl_) throw std::runtime_error("curl_easy_init failed");
}

HttpClient::~HttpClient() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

HttpResponse HttpClient::request(const std::string& method, const std::string& path, const std::string& token,
                                 const std::string* body, const std::vector<std::string>& headers) {
    CURL* curl = static_cast<CURL*>(curl_);
    curl_easy_reset(curl);
    HttpResponse res;
    const std::string url = base_url_ + path;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    // HEAD answers carry a Content-Length but no body: curl must not wait for one.
    if (method == "HEAD")
        curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    else
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, method.c_str());
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &res.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &res.headers);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, 30L);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);

    curl_slist* list = nullptr;
    list = curl_slist_append(list, "Expect:");
    bool has_content_type = false;
    for (const auto& h : headers) {
        list = curl_slist_append(list, h.c_str());
        if (h.rfind("Content-Type:", 0) == 0 || h.rfind("content-type:", 0) == 0) has_content_type = true;
    }
    const std::string auth = "Authorization: Bearer " + token;
    if (!token.empty()) list = curl_slist_append(list, auth.c_str());
    if (body) {
        if (!has_content_type) list = curl_slist_append(list, "Content-Type: application/json");
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body->data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body->size()));
    } else if (method == "GET") {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, list);
    const CURLcode rc = curl_easy_perform(curl);
    curl_slist_free_all(list);
    if (rc != CURLE_OK) throw TransportError(rc, method + " " + path + ": " + curl_easy_strerror(rc));
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &res.status);
    return res;
}

}  // namespace ferry::test
