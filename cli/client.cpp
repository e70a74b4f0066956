#include "client.hpp"

#include "core/crypto.hpp"
#include "exit_codes.hpp"

#include <boost/json/parse.hpp>
#include <curl/curl.h>

#include <algorithm>
#include <cctype>
#include <iostream>
#include <new>

namespace ferry::cli {

namespace json = boost::json;

namespace {

std::string lower(std::string text) {
    std::transform(text.begin(), text.end(), text.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return text;
}

std::string trim(std::string_view text) {
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
    while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
    return std::string(text);
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    static_cast<std::string*>(user)->append(data, size * count);
    return size * count;
}

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
    auto* headers = static_cast<std::map<std::string, std::string>*>(user);
    const std::string_view line(data, size * count);
    // A status line starts a new response (after a redirect or a 100 Continue): forget the old headers.
    if (line.rfind("HTTP/", 0) == 0) {
        headers->clear();
    } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
        (*headers)[lower(std::string(line.substr(0, colon)))] = trim(line.substr(colon + 1));
    }
    return size * count;
}

// Failures where the request may not have reached the server, or its answer was lost on the way:
// a retry with the same idempotency key is safe and may succeed.
bool transient(CURLcode code) {
    switch (code) {
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_CONNECT:
        case CURLE_OPERATION_TIMEDOUT:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING:
        case CURLE_PARTIAL_FILE: return true;
        default: return false;
    }
}

// The request's header lines, freed with the request.
class HeaderList {
public:
    HeaderList() = default;
    ~HeaderList() { curl_slist_free_all(head_); }
    HeaderList(const HeaderList&) = delete;
    HeaderList& operator=(const HeaderList&) = delete;

    void add(const std::string& line) {
        curl_slist* grown = curl_slist_append(head_, line.c_str());
        if (grown == nullptr) throw std::bad_alloc();
        head_ = grown;
    }
    curl_slist* get() const { return head_; }

private:
    curl_slist* head_ = nullptr;
};

}  // namespace

std::string Response::header(std::string_view name) const {
    const auto it = headers.find(lower(std::string(name)));
    return it == headers.end() ? std::string() : it->second;
}

json::value Response::json() const {
    boost::system::error_code ec;
    json::value value = json::parse(body, ec);
    if (ec)
        throw Failure(ExitCode::error,
                      "the server answered HTTP " + std::to_string(status) + " with a body that is not JSON");
    return value;
}

Client::Client(ClientSettings settings) : settings_(std::move(settings)), curl_(curl_easy_init()) {
    if (curl_ == nullptr) throw std::runtime_error("libcurl could not be initialised");
}

Client::~Client() { curl_easy_cleanup(static_cast<CURL*>(curl_)); }

std::string request_id_of(const Response& response, const std::string& sent) {
    const std::string answered = response.header("x-request-id");
    return answered.empty() ? sent : answered;
}

Response Client::send(const Request& request) {
    // Our own id, so that even a request that never got an answer can be looked up in ferryd's log.
    std::string request_id = "ferry-" + crypto::random_hex(8);
    for (const auto& [name, value] : request.headers)
        if (lower(name) == "x-request-id") request_id = value;
    last_request_id_ = request_id;
    // The path without the query: cursors and search text are no business of a log line.
    const std::string path = request.target.substr(0, request.target.find('?'));
    try {
        Response response = perform(request, request_id);
        last_request_id_ = request_id_of(response, request_id);
        if (settings_.verbose)
            std::cerr << "ferry: " << request.method << " " << path << " -> " << response.status << " (request id "
                      << last_request_id_ << ")\n";
        return response;
    } catch (const TransportError& e) {
        if (settings_.verbose)
            std::cerr << "ferry: " << request.method << " " << path << " -> no answer: " << e.what() << " (request id "
                      << request_id << ")\n";
        throw;
    }
}

Response Client::perform(const Request& request, const std::string& request_id) {
    CURL* curl = static_cast<CURL*>(curl_);
    curl_easy_reset(curl);

    Response response;
    const std::string url = settings_.server + request.target;
    char error_text[CURL_ERROR_SIZE] = {};

    HeaderList headers;
    headers.add("Accept: application/json");
    if (!settings_.token.empty()) headers.add("Authorization: Bearer " + settings_.token);
    if (request.body) headers.add("Content-Type: application/json");
    // libcurl would otherwise wait for a 100 Continue before sending a larger body.
    headers.add("Expect:");
    bool has_id = false;
    for (const auto& [name, value] : request.headers) {
        headers.add(name + ": " + value);
        has_id = has_id || lower(name) == "x-request-id";
    }
    if (!has_id) headers.add("X-Request-Id: " + request_id);

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.body) {
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body->data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body->size()));
    } else if (request.method == "GET") {
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "ferry/" FERRY_VERSION);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &response.headers);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error_text);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(settings_.timeout.count()));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(std::min<std::chrono::milliseconds::rep>(settings_.timeout.count(), 10000)));
    if (!settings_.cacert.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, settings_.cacert.c_str());

    const CURLcode code = curl_easy_perform(curl);
    if (code != CURLE_OK) {
        const std::string detail =
            error_text[0] != '\0' ? std::string(error_text) : std::string(curl_easy_strerror(code));
        throw TransportError(detail, transient(code), request_id);
    }
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &response.status);
    return response;
}

std::string url_escape(std::string_view text) {
    static constexpr char hex[] = "0123456789ABCDEF";
    std::string out;
    for (const char ch : text) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
            out += ch;
        } else {
            out += '%';
            out += hex[c >> 4];
            out += hex[c & 0x0F];
        }
    }
    return out;
}

}  // namespace ferry::cli
