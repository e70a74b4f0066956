#pragma once
// The per-tenant package store: one bare git repository per tenant (<root>/<tenant>.git).
// Version N of package P is one commit on refs/heads/packages/P (parent: version N-1) and an
// annotated tag packages/P/vN. A version's objects are written as one pack with fsync on; the
// branch moves by compare-and-swap; tags are never forced.

#include <filesystem>
#include <functional>
#include <string_view>
#include <map>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace ferry::packager {

class GitError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// One object of a version cannot be read: missing, or its bytes no longer hash to its id.
class GitObjectError : public GitError {
public:
    GitObjectError(std::string path, const std::string& message) : GitError(message), path_(std::move(path)) {}
    const std::string& path() const noexcept { return path_; }

private:
    std::string path_;
};

struct PublishedVersion {
    std::string commit;  // hex object ids
    std::string tag_object;
    std::string tree;
};

class GitStore {
public:
    explicit GitStore(std::filesystem::path root);
    ~GitStore();
    GitStore(const GitStore&) = delete;
    GitStore& operator=(const GitStore&) = delete;

    // Writes version `version` of the package: files (path -> bytes) as its whole tree, a commit on
    // the package's branch whose parent must be `expected_parent` (nullopt: the branch must not
    // exist), and the annotated tag. Throws GitError on any failure or a lost compare-and-swap.
    PublishedVersion publish(const std::string& tenant, const std::string& package, std::int64_t version,
                             const std::map<std::string, std::string>& files, const std::string& author,
                             std::int64_t unix_time, const std::optional<std::string>& expected_parent);

    // The commit the package's branch points to, if any.
    std::optional<std::string> head(const std::string& tenant, const std::string& package);
    // The commit an existing version tag points to, if the tag exists.
    std::optional<std::string> version_commit(const std::string& tenant, const std::string& package,
                                              std::int64_t version);
    // Every file of a version (path -> bytes), read through its tag.
    std::map<std::string, std::string> read_version(const std::string& tenant, const std::string& package,
                                                    std::int64_t version);
    // The id of a subtree of a version ("campaigns"), for determinism checks.
    std::optional<std::string> subtree(const std::string& tenant, const std::string& package, std::int64_t version,
                                       const std::string& dir);

    // Points the package's branch at `commit` (nullopt: removes it), whatever it pointed at: used by
    // recovery after a crash between writing a version and recording it.
    void set_branch(const std::string& tenant, const std::string& package, const std::optional<std::string>& commit);

    // Removes stale *.lock files a crash may have left in a tenant's repository.
    void clear_stale_locks(const std::string& tenant);

    std::filesystem::path repository_path(const std::string& tenant) const;

    static std::string tag_name(const std::string& package, std::int64_t version);

    // Called after each durable step of publish ("packed", "branch", "tag"): crash-injection tests
    // stop the process there.
    void set_step_hook(std::function<void(std::string_view)> hook) { step_hook_ = std::move(hook); }

private:
    std::mutex& lock_for(const std::string& tenant);

    void step(std::string_view name) const {
        if (step_hook_) step_hook_(name);
    }

    std::function<void(std::string_view)> step_hook_;
    std::filesystem::path root_;
    std::mutex locks_mutex_;
    std::map<std::string, std::unique_ptr<std::mutex>> locks_;
};

}  // namespace ferry::packager
