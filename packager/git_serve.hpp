#pragma once
// Git's smart HTTP protocol, read-only, over a tenant's package repository, showing a reader only
// some of its packages: GitOps tools and CI jobs follow ferry's packages with plain git.
//
// Each answer runs Debian's `git upload-pack --stateless-rpc` (protocol v0; git clients fall back
// to it) on a throw-away view of the repository: a directory whose only refs are the allowed
// packages' branches and tags, and whose objects are the repository's, through
// objects/info/alternates. upload-pack serves only objects reachable from the refs it advertised
// (uploadpack.allow*SHA1InWant all false, and the stateless check of wanted ids walks only the
// view's refs), so a hidden package's commit cannot be fetched by its id. Writing a second
// upload-pack by hand was the alternative; this one is git's own, negotiation and all.

#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace ferry::packager {

// The body of GET .../info/refs?service=git-upload-pack: the service line and the advertisement
// of the refs of `packages` (refs/heads/packages/P, refs/tags/packages/P/v*) in `repository`.
std::string upload_pack_advertisement(const std::filesystem::path& repository,
                                      const std::vector<std::string>& packages);

// The body of the answer to POST .../git-upload-pack: `request` is the client's (already
// inflated) pkt-lines; only objects reachable from the refs of `packages` are sent. Throws
// GitError when git refuses (a want of an object it does not serve, a malformed request).
std::string upload_pack(const std::filesystem::path& repository, const std::vector<std::string>& packages,
                        const std::string& request);

// A gzip body (Content-Encoding: gzip, which git clients use for large requests) inflated; throws
// GitError when it is not gzip or inflates past `limit` bytes.
std::string gunzip(const std::string& body, std::size_t limit);

}  // namespace ferry::packager
