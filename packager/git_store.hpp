#pragma once
// The per-tenant package store: one bare git repository per tenant (<root>/<tenant>.git).
// Version N of package P is one commit on refs/heads/packages/P (parent: version N-1) and an
// annotated tag packages/P/vN. A version's objects are written as one pack with fsync on; the
// branch moves by compare-and-swap; tags are never forced.
//
// With a remote (a directory, or a file:// URL of one, holding <tenant>.git bare repositories
// shared by several ferryd nodes), the remote is the source of truth and <root> is this node's
// mirror: publish writes the objects and moves the refs in the remote (compare-and-swap under
// git's ref lock files, so safe across processes), then fetches them into the mirror; head and
// version_commit read the remote's refs; read_version and subtree read the mirror, fetching first
// when its tag is missing or differs from the remote's.
//
// With a network remote (http://, https:// or ssh:// URL of a git server holding <tenant>.git,
// created there by the operator), publish writes the version's objects into this node's mirror and
// pushes: first the branch, whose update the server applies only if the branch is still at the
// value this node read in the same session (git receive-pack verifies each command's old id under
// the ref's lock), then the tag, created only where none exists (never forced). A refused push is
// a lost race, as with a directory remote. A tag in the mirror was confirmed on the server (tags
// are immutable), so reads of a version the mirror holds ask the server nothing; the branch (head)
// is always read from the server.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::packager {

class GitError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// publish lost a compare-and-swap: the branch was not at the expected parent, or the version's
// tag already exists with another target. Nothing this call wrote is referenced: re-read the head
// and retry (with the next version number, if the version was taken).
class GitRaceError : public GitError {
public:
    using GitError::GitError;
};

// One object of a version cannot be read: missing, or its bytes no longer hash to its id.
class GitObjectError : public GitError {
public:
    GitObjectError(std::string path, const std::string& message) : GitError(message), path_(std::move(path)) {}
    const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
};

// How ferryd authenticates to a network git remote. Never taken from the command line or from the
// URL; never written to a log or an error message (GitStore scrubs the password from libgit2's).
struct GitCredentials {
    std::string username;
    std::string password;                          // http(s): basic authentication
    std::optional<std::filesystem::path> ssh_key;  // ssh://: private key file (else the ssh agent)
    std::string ssh_passphrase;
};

// The credentials in `file` (lines "username=...", "password=...", "ssh-key=PATH",
// "ssh-passphrase=..."; blank lines and lines starting with '#' ignored), else the environment
// (FERRY_GIT_USERNAME, FERRY_GIT_PASSWORD, FERRY_GIT_SSH_KEY, FERRY_GIT_SSH_PASSPHRASE). Throws
// GitError (naming the file and line, never a value) on a line it does not understand.
GitCredentials load_git_credentials(const std::optional<std::filesystem::path>& file);

// `text` with `secret` and any URL user information (scheme://user:password@) replaced.
std::string scrub_credentials(std::string text, const std::string& secret);

struct PublishedVersion {
    std::string commit;  // hex object ids
    std::string tag_object;
    std::string tree;
};

// The package store as publishing, imports and crash recovery use it: versions written once,
// read back by number, and the package's branch. GitStore is the implementation (libgit2, one
// bare repository per tenant, optionally a shared remote); tests may substitute another.
class VersionStore {
public:
    virtual ~VersionStore() = default;

    // Writes a version (see GitStore::publish for the contract: no ref left moved on a throw).
    virtual PublishedVersion publish(const std::string& tenant, const std::string& package, std::int64_t version,
                                     const std::map<std::string, std::string>& files, const std::string& author,
                                     std::int64_t unix_time, const std::optional<std::string>& expected_parent) = 0;
    // The commit the package's branch points to, if any.
    virtual std::optional<std::string> head(const std::string& tenant, const std::string& package) = 0;
    // The commit of an existing version, if it exists.
    virtual std::optional<std::string> version_commit(const std::string& tenant, const std::string& package,
                                                      std::int64_t version) = 0;
    // Every file of a version (path -> bytes).
    virtual std::map<std::string, std::string> read_version(const std::string& tenant, const std::string& package,
                                                            std::int64_t version) = 0;
    // One file of a version, or nullopt if it has no such file.
    virtual std::optional<std::string> read_version_file(const std::string& tenant, const std::string& package,
                                                         std::int64_t version, const std::string& path) = 0;
    // Points the package's branch at `commit` (nullopt: removes it), whatever it pointed at.
    virtual void set_branch(const std::string& tenant, const std::string& package,
                            const std::optional<std::string>& commit) = 0;
    // Removes what a crash of a writer may have left locked.
    virtual void clear_stale_locks(const std::string& tenant) = 0;

    // Git's smart HTTP protocol, read-only, showing only the refs of `packages` (see git_serve.hpp):
    // the advertisement (GET info/refs?service=git-upload-pack) and the answer to a request (POST
    // git-upload-pack), over this node's up-to-date copy of the tenant's repository.
    virtual std::string serve_git_refs(const std::string& tenant, const std::vector<std::string>& packages) = 0;
    virtual std::string serve_git_upload(const std::string& tenant, const std::vector<std::string>& packages,
                                         const std::string& request) = 0;

    // The tag that names a version: "packages/<package>/v<version>".
    static std::string tag_name(const std::string& package, std::int64_t version);
};

class GitStore : public VersionStore {
public:
    // `remote`: a directory path or a file:// URL of a directory (created on first use, as are its
    // <tenant>.git repositories), or an http://, https:// or ssh:// URL of a directory on a git
    // server (its <tenant>.git repositories must exist there). A URL with a password in it, and
    // other URLs (git://, host:path), throw GitError; so does https:// or ssh:// when this libgit2
    // was built without them.
    explicit GitStore(std::filesystem::path root, std::optional<std::string> remote = std::nullopt,
                      GitCredentials credentials = {});
    ~GitStore();
    GitStore(const GitStore&) = delete;
    GitStore& operator=(const GitStore&) = delete;

    // Writes version `version` of the package: files (path -> bytes) as its whole tree, a commit on
    // the package's branch whose parent must be `expected_parent` (nullopt: the branch must not
    // exist), and the annotated tag. Throws GitRaceError on a lost compare-and-swap (the branch is
    // not at expected_parent, or the tag exists with another target), GitError on any other
    // failure. Either way no ref is left moved by this call (a branch it moved before the tag
    // failed is put back by compare-and-swap), so callers need not force the branch back, and with
    // a remote must not: that could undo the version another node just published. With a remote, republishing exactly
    // the same version (same files, author, time and parent: the same tag object) succeeds and changes nothing, and a
    // failure to update the local mirror afterwards is not an error (reads fetch on demand). Callers hold the package's
    // lease (one publisher per package across nodes), so a lock file on the package's branch or new tag that outlives a
    // 5 s wait is a dead publisher's: it is removed and the ref update tried again.
    PublishedVersion publish(const std::string& tenant, const std::string& package, std::int64_t version,
                             const std::map<std::string, std::string>& files, const std::string& author,
                             std::int64_t unix_time, const std::optional<std::string>& expected_parent) override;

    // The commit the package's branch points to, if any (with a remote: the remote's branch).
    std::optional<std::string> head(const std::string& tenant, const std::string& package) override;
    // The commit an existing version tag points to, if the tag exists (with a remote: the remote's).
    std::optional<std::string> version_commit(const std::string& tenant, const std::string& package,
                                              std::int64_t version) override;
    // Every file of a version (path -> bytes), read through its tag. With a remote: read from the
    // mirror, through the object the remote's tag names (fetched first if the mirror lacks it).
    std::map<std::string, std::string> read_version(const std::string& tenant, const std::string& package,
                                                    std::int64_t version) override;
    // One file of a version ("manifest.json"), or nullopt if the version has no such file.
    std::optional<std::string> read_version_file(const std::string& tenant, const std::string& package,
                                                 std::int64_t version, const std::string& path) override;
    // The id of a subtree of a version ("campaigns"), for determinism checks.
    std::optional<std::string> subtree(const std::string& tenant, const std::string& package, std::int64_t version,
                                       const std::string& dir);

    // Points the package's branch at `commit` (nullopt: removes it), whatever it pointed at: used by
    // recovery after a crash between writing a version and recording it. With a remote: the
    // remote's branch (forced: callers serialize), then the mirror's (best effort).
    void set_branch(const std::string& tenant, const std::string& package,
                    const std::optional<std::string>& commit) override;

    // Removes stale *.lock files a crash may have left in a tenant's repository. With a remote,
    // also the remote's, but only those older than remote_lock_max_age (other nodes may hold
    // fresh ones: a ref lock lives milliseconds).
    void clear_stale_locks(const std::string& tenant) override;
    static constexpr std::chrono::seconds remote_lock_max_age{60};

    // Served from the repository itself (without a remote), the shared directory (a directory
    // remote), or the mirror once it fetched the server's refs (a network remote).
    std::string serve_git_refs(const std::string& tenant, const std::vector<std::string>& packages) override;
    std::string serve_git_upload(const std::string& tenant, const std::vector<std::string>& packages,
                                 const std::string& request) override;

    // The tenant's local repository (with a remote: this node's mirror).
    std::filesystem::path repository_path(const std::string& tenant) const;
    // The tenant's repository in the remote; without a remote, repository_path(tenant), the only one.
    std::filesystem::path remote_repository_path(const std::string& tenant) const;

    bool has_remote() const { return remote_.has_value() || url_.has_value(); }
    // A network remote (http(s):// or ssh://), whose repositories this node reaches only by git's protocol.
    bool has_network_remote() const { return url_.has_value(); }
    // The remote's directory (a file:// URL resolved to its path) or URL; empty without a remote.
    std::string remote() const { return remote_ ? remote_->string() : url_ ? *url_ : std::string(); }

    // Called after each durable step of publish ("packed", "branch", "tag"): crash-injection tests
    // stop the process there.
    void set_step_hook(std::function<void(std::string_view)> hook) { step_hook_ = std::move(hook); }

private:
    std::mutex& lock_for(const std::string& tenant);
    // The repository whose refs are the truth: the remote's, or the local one without a remote.
    std::filesystem::path truth_path(const std::string& tenant) const;
    // Fetches the remote's package branches and tags into the mirror (throws GitError).
    void fetch_mirror(const std::string& tenant);
    void fetch_mirror_once(const std::string& tenant);
    // The local repository holding every version of the tenant now, for serving it to git clients.
    std::filesystem::path servable_repository(const std::string& tenant);
    // With a remote: makes sure the mirror holds the object the remote's tag names and returns the
    // revision to read the version through; nullopt if the remote has no such tag.
    std::optional<std::string> mirrored_tag(const std::string& tenant, const std::string& tag);
    // What names a version's tag in the local repository (with a remote: the mirrored object),
    // or nullopt when the remote has no such tag; readable_revision throws GitError instead.
    std::optional<std::string> version_revision(const std::string& tenant, const std::string& package,
                                                std::int64_t version);
    std::string readable_revision(const std::string& tenant, const std::string& package, std::int64_t version);

    // The network remote's side of publish, set_branch, head and reading a tag (url_ set).
    PublishedVersion push_version(void* repo, const std::string& tenant, const std::string& package,
                                  std::int64_t version, const PublishedVersion& ids,
                                  const std::optional<std::string>& expected_parent);
    void set_network_branch(const std::string& tenant, const std::string& package,
                            const std::optional<std::string>& commit);
    std::optional<std::string> network_ref(const std::string& tenant, const std::string& ref);
    std::optional<std::string> mirrored_network_tag(const std::string& tenant, const std::string& tag);
    std::string tenant_url(const std::string& tenant) const { return *url_ + "/" + tenant + ".git"; }

    void step(std::string_view name) const {
        if (step_hook_) step_hook_(name);
    }

    std::function<void(std::string_view)> step_hook_;
    std::filesystem::path root_;
    std::optional<std::filesystem::path> remote_;
    std::optional<std::string> url_;  // a network remote, without a trailing '/'
    GitCredentials credentials_;
    std::mutex locks_mutex_;
    std::map<std::string, std::unique_ptr<std::mutex>> locks_;
};

}  // namespace ferry::packager
