#include "console/assets.hpp"

#include "core/crypto.hpp"

#include <fstream>
#include <sstream>

namespace ferry::console {

namespace {

constexpr std::string_view content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'";

std::string_view content_type_of(std::string_view path) {
    const std::size_t dot = path.rfind('.');
    const std::string_view ext = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
    if (ext == "html") return "text/html; charset=utf-8";
    if (ext == "js" || ext == "mjs") return "text/javascript; charset=utf-8";
    if (ext == "css") return "text/css; charset=utf-8";
    if (ext == "svg") return "image/svg+xml";
    if (ext == "png") return "image/png";
    if (ext == "json") return "application/json";
    if (ext == "woff2") return "font/woff2";
    if (ext == "txt") return "text/plain; charset=utf-8";
    return "application/octet-stream";
}

// A relative path of the console's files: segments of [A-Za-z0-9._-] that do not start with a dot,
// so nothing outside the console's folder (and no hidden file) can be named.
bool safe_relative_path(std::string_view path) {
    if (path.empty() || path.size() > 200) return false;
    std::size_t start = 0;
    while (start <= path.size()) {
        const std::size_t end = std::min(path.find('/', start), path.size());
        const std::string_view segment = path.substr(start, end - start);
        if (segment.empty() || segment.front() == '.') return false;
        for (const char c : segment) {
            const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
                            c == '_' || c == '-';
            if (!ok) return false;
        }
        start = end + 1;
    }
    return true;
}

http::Response not_found() {
    http::Response res;
    res.status = 404;
    res.content_type = "text/plain; charset=utf-8";
    res.body = "not found\n";
    add_security_headers(res);
    return res;
}

}  // namespace

Assets Assets::embedded() { return Assets{}; }

Assets Assets::from_directory(std::filesystem::path directory) {
    Assets a;
    a.directory_ = std::move(directory);
    return a;
}

std::optional<std::string> Assets::read(std::string_view relative) const {
    if (!safe_relative_path(relative)) return std::nullopt;
    if (!directory_) {
        for (const EmbeddedFile& f : embedded_files())
            if (f.path == relative) return std::string(f.data);
        return std::nullopt;
    }
    const std::filesystem::path file = *directory_ / std::filesystem::path(std::string(relative));
    std::error_code ec;
    if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
    std::ifstream in(file, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

http::Response Assets::serve(std::string_view path, std::string_view if_none_match) const {
    constexpr std::string_view files_prefix = "/console/";
    std::string_view relative = "index.html";
    if (path.starts_with(files_prefix)) {
        relative = path.substr(files_prefix.size());
    } else {
        // A path whose last segment names a file (favicon.ico, robots.txt) is not a page of the console.
        const std::string_view last = path.substr(path.rfind('/') + 1);
        if (last.find('.') != std::string_view::npos) return not_found();
    }
    std::optional<std::string> body = read(relative);
    if (!body) return not_found();

    http::Response res;
    const std::string etag = "\"" + crypto::sha256_hex(*body).substr(0, 32) + "\"";
    res.set_header("ETag", etag);
    // Revalidated on every load: a new ferryd never runs with an old console.
    res.set_header("Cache-Control", "no-cache");
    add_security_headers(res);
    if (if_none_match == etag) {
        res.status = 304;
        res.content_type.clear();
        return res;
    }
    res.content_type = std::string(content_type_of(relative));
    res.body = std::move(*body);
    return res;
}

void add_security_headers(http::Response& response) {
    response.set_header("Content-Security-Policy", std::string(content_security_policy));
    response.set_header("X-Content-Type-Options", "nosniff");
    response.set_header("Referrer-Policy", "no-referrer");
    response.set_header("X-Frame-Options", "DENY");
    response.set_header("Cross-Origin-Opener-Policy", "same-origin");
}

}  // namespace ferry::console
