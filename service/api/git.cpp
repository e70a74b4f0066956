// Git clients read packages: each tenant's package store, read-only, over git's smart HTTP
// protocol (docs/git-access.md). A token sees only the packages whose source sandbox it may read;
// the git work (a view of the repository with only those refs, git upload-pack) is packager's.

#include "api/handlers.hpp"
#include "observability/log.hpp"
#include "packager/git_serve.hpp"
#include "packager/git_store.hpp"

namespace ferry::api {

namespace {

// What a git client's request may inflate to: wants and haves of a tenant's refs, far below this.
constexpr std::size_t max_inflated_request = 16 * 1024 * 1024;

Error read_only() {
    return Error(ErrorKind::forbidden, "read_only",
                 "the package store is read-only over git: publish versions with POST .../packages/{package}/versions");
}

// The tenant's packages the caller may read: those of the sandboxes it can see.
std::vector<std::string> readable_packages(Context& ctx) {
    std::vector<std::string> names;
    ctx.store().read([&](Tx& tx) {
        for (const packager::Package& p : tx.packages(std::string(ctx.param("tenant"))))
            if (!p.deleted && can_see_sandbox(ctx.caller, p.source_sandbox)) names.push_back(p.name);
    });
    return names;
}

packager::VersionStore& git_store(Context& ctx) {
    if (ctx.services.git == nullptr) throw Error(ErrorKind::unavailable, "store_failed", "no package store");
    return *ctx.services.git;
}

http::Response git_answer(std::string content_type, std::string body) {
    http::Response res;
    res.content_type = std::move(content_type);
    res.body = std::move(body);
    res.set_header("Cache-Control", "no-cache, max-age=0, must-revalidate");
    return res;
}

}  // namespace

http::Response git_info_refs(Context& ctx) {
    const auto service = ctx.query("service");
    if (service == "git-receive-pack") throw read_only();
    if (service != "git-upload-pack")
        throw Error(ErrorKind::bad_request, "invalid_query",
                    "only git's smart HTTP protocol is served: ?service=git-upload-pack", {{"parameter", "service"}});
    const std::vector<std::string> packages = readable_packages(ctx);
    try {
        return git_answer("application/x-git-upload-pack-advertisement",
                          git_store(ctx).serve_git_refs(std::string(ctx.param("tenant")), packages));
    } catch (const packager::GitError& e) {
        log::error("git advertisement failed", {{"request_id", ctx.request_id}, {"error", e.what()}});
        throw Error(ErrorKind::unavailable, "store_failed", "the package store cannot be read now; retry");
    }
}

http::Response git_upload_pack(Context& ctx) {
    if (ctx.request.header("content-type") != "application/x-git-upload-pack-request")
        throw Error(ErrorKind::unsupported_media_type, "unsupported_media_type",
                    "git-upload-pack takes application/x-git-upload-pack-request");
    std::string request = ctx.request.body;
    const std::string_view encoding = ctx.request.header("content-encoding");
    if (encoding == "gzip" || encoding == "x-gzip") {
        try {
            request = packager::gunzip(request, max_inflated_request);
        } catch (const packager::GitError& e) {
            throw Error(ErrorKind::bad_request, "bad_request", e.what());
        }
    } else if (!encoding.empty() && encoding != "identity") {
        throw Error(ErrorKind::unsupported_media_type, "unsupported_media_type", "Content-Encoding must be gzip");
    }
    const std::vector<std::string> packages = readable_packages(ctx);
    try {
        return git_answer("application/x-git-upload-pack-result",
                          git_store(ctx).serve_git_upload(std::string(ctx.param("tenant")), packages, request));
    } catch (const packager::GitError& e) {
        throw Error(ErrorKind::bad_request, "bad_request", e.what());
    }
}

}  // namespace ferry::api
