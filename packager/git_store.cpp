#include "git_store.hpp"

#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>

#include <memory>

namespace ferry::packager {

namespace {

// libgit2 returns an int at every call; a failure is turned into our error here, on the same
// thread, while git_error_last() still describes it.
void check(int rc, const char* what) {
    if (rc >= 0) return;
    const git_error* e = git_error_last();
    throw GitError(std::string(what) + ": " + (e && e->message ? e->message : "libgit2 error " + std::to_string(rc)));
}

void check_object(int rc, const std::string& path) {
    if (rc >= 0) return;
    const git_error* e = git_error_last();
    throw GitObjectError(path, e && e->message ? e->message : "libgit2 error " + std::to_string(rc));
}

template <class T, void (*Free)(T*)>
struct Handle {
    T* ptr = nullptr;
    Handle() = default;
    Handle(const Handle&) = delete;
    Handle& operator=(const Handle&) = delete;
    ~Handle() {
        if (ptr) Free(ptr);
    }
    T** out() { return &ptr; }
    T* get() const { return ptr; }
};

using Repo = Handle<git_repository, git_repository_free>;
using Odb = Handle<git_odb, git_odb_free>;
using TreeBuilder = Handle<git_treebuilder, git_treebuilder_free>;
using Signature = Handle<git_signature, git_signature_free>;
using Commit = Handle<git_commit, git_commit_free>;
using Tree = Handle<git_tree, git_tree_free>;
using Reference = Handle<git_reference, git_reference_free>;
using PackBuilder = Handle<git_packbuilder, git_packbuilder_free>;
using Object = Handle<git_object, git_object_free>;
using Blob = Handle<git_blob, git_blob_free>;
using Walk = Handle<git_revwalk, git_revwalk_free>;

struct Init {
    Init() {
        git_libgit2_init();
        // Durable writes: packs, loose objects and refs are fsynced.
        git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
        git_libgit2_opts(GIT_OPT_SET_OWNER_VALIDATION, 0);
    }
};

void ensure_init() { static Init once; }

std::string hex(const git_oid& oid) {
    char buf[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(buf, sizeof buf, &oid);
    return buf;
}

git_oid parse_oid(const std::string& text) {
    git_oid oid;
    check(git_oid_fromstr(&oid, text.c_str()), "parse object id");
    return oid;
}

// Nested directories of the version's files, built bottom-up.
struct Dir {
    std::map<std::string, std::string> files;  // name -> bytes
    std::map<std::string, Dir> dirs;
};

git_oid write_tree(git_repository* repo, const Dir& dir) {
    TreeBuilder builder;
    check(git_treebuilder_new(builder.out(), repo, nullptr), "tree builder");
    for (const auto& [name, bytes] : dir.files) {
        git_oid blob;
        check(git_blob_create_from_buffer(&blob, repo, bytes.data(), bytes.size()), "write blob");
        check(git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &blob, GIT_FILEMODE_BLOB), "tree insert");
    }
    for (const auto& [name, sub] : dir.dirs) {
        const git_oid tree = write_tree(repo, sub);
        check(git_treebuilder_insert(nullptr, builder.get(), name.c_str(), &tree, GIT_FILEMODE_TREE), "tree insert");
    }
    git_oid out;
    check(git_treebuilder_write(&out, builder.get()), "write tree");
    return out;
}

void open_repository(Repo& repo, const std::filesystem::path& path) {
    ensure_init();
    if (std::filesystem::exists(path / "HEAD")) {
        check(git_repository_open_bare(repo.out(), path.c_str()), "open repository");
    } else {
        std::filesystem::create_directories(path.parent_path());
        check(git_repository_init(repo.out(), path.c_str(), 1), "init repository");
    }
}

}  // namespace

GitStore::GitStore(std::filesystem::path root) : root_(std::move(root)) { ensure_init(); }

GitStore::~GitStore() = default;

std::filesystem::path GitStore::repository_path(const std::string& tenant) const { return root_ / (tenant + ".git"); }

std::string GitStore::tag_name(const std::string& package, std::int64_t version) {
    return "packages/" + package + "/v" + std::to_string(version);
}

std::mutex& GitStore::lock_for(const std::string& tenant) {
    std::lock_guard guard(locks_mutex_);
    auto& m = locks_[tenant];
    if (!m) m = std::make_unique<std::mutex>();
    return *m;
}

PublishedVersion GitStore::publish(const std::string& tenant, const std::string& package, std::int64_t version,
                                   const std::map<std::string, std::string>& files, const std::string& author,
                                   std::int64_t unix_time, const std::optional<std::string>& expected_parent) {
    // One git_repository per operation, and one publisher per tenant repository at a time.
    std::lock_guard serialize(lock_for(tenant));
    Repo repo;
    open_repository(repo, repository_path(tenant));

    // New objects go to an in-memory backend first and reach the disk as one pack (one fsync),
    // not as one fsynced loose file each.
    Odb odb;
    check(git_repository_odb(odb.out(), repo.get()), "open object database");
    git_odb_backend* mempack = nullptr;
    check(git_mempack_new(&mempack), "mempack");
    check(git_odb_add_backend(odb.get(), mempack, 1000), "add mempack");

    Dir root;
    for (const auto& [path, bytes] : files) {
        Dir* dir = &root;
        std::size_t start = 0;
        for (std::size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', start)) {
            dir = &dir->dirs[path.substr(start, slash - start)];
            start = slash + 1;
        }
        dir->files[path.substr(start)] = bytes;
    }
    const git_oid tree_id = write_tree(repo.get(), root);
    Tree tree;
    check(git_tree_lookup(tree.out(), repo.get(), &tree_id), "lookup tree");

    Signature sig;
    check(git_signature_new(sig.out(), author.c_str(), (author + "@ferry").c_str(), unix_time, 0), "signature");
    Commit parent;
    std::vector<const git_commit*> parents;
    if (expected_parent) {
        const git_oid pid = parse_oid(*expected_parent);
        check(git_commit_lookup(parent.out(), repo.get(), &pid), "lookup parent");
        parents.push_back(parent.get());
    }
    const std::string message = "Publish " + package + " v" + std::to_string(version) + "\n";
    git_oid commit_id;
    check(git_commit_create(&commit_id, repo.get(), nullptr, sig.get(), sig.get(), "UTF-8", message.c_str(), tree.get(),
                            parents.size(), parents.data()),
          "create commit");
    Object commit_object;
    check(git_object_lookup(commit_object.out(), repo.get(), &commit_id, GIT_OBJECT_COMMIT), "lookup commit");
    const std::string tag = tag_name(package, version);
    git_oid tag_id;
    check(git_tag_annotation_create(&tag_id, repo.get(), tag.c_str(), commit_object.get(), sig.get(), message.c_str()),
          "create tag");

    // Pack the commit (with its tree and blobs) and the tag object, then hand the pack to the odb.
    PackBuilder pb;
    check(git_packbuilder_new(pb.out(), repo.get()), "packbuilder");
    // Delta search dominates packing a large version: use every core for it.
    git_packbuilder_set_threads(pb.get(), 0);
    if (expected_parent) {
        // Only what this version adds: the parent's tree and blobs are in the repository already,
        // so a one-campaign change packs a few objects, not a copy of the whole package.
        Walk walk;
        check(git_revwalk_new(walk.out(), repo.get()), "revwalk");
        check(git_revwalk_push(walk.get(), &commit_id), "revwalk push");
        const git_oid pid = parse_oid(*expected_parent);
        check(git_revwalk_hide(walk.get(), &pid), "revwalk hide");
        check(git_packbuilder_insert_walk(pb.get(), walk.get()), "pack new objects");
    } else {
        check(git_packbuilder_insert_commit(pb.get(), &commit_id), "pack commit");
    }
    check(git_packbuilder_insert(pb.get(), &tag_id, tag.c_str()), "pack tag");
    git_buf pack = GIT_BUF_INIT;
    check(git_packbuilder_write_buf(&pack, pb.get()), "write pack");
    git_odb_writepack* writer = nullptr;
    int rc = git_odb_write_pack(&writer, odb.get(), nullptr, nullptr);
    git_indexer_progress progress{};
    if (rc >= 0) rc = writer->append(writer, pack.ptr, pack.size, &progress);
    if (rc >= 0) rc = writer->commit(writer, &progress);
    if (writer) writer->free(writer);
    git_buf_dispose(&pack);
    check(rc, "store pack");
    check(git_mempack_reset(mempack), "reset mempack");
    check(git_odb_refresh(odb.get()), "refresh object database");
    step("packed");

    // Branch: compare-and-swap against the parent the caller saw. Tag: created, never forced.
    const std::string branch = "refs/heads/packages/" + package;
    Reference ref;
    if (expected_parent) {
        const git_oid expected = parse_oid(*expected_parent);
        check(git_reference_create_matching(ref.out(), repo.get(), branch.c_str(), &commit_id, 1, &expected,
                                            message.c_str()),
              "move branch (compare-and-swap)");
    } else {
        check(git_reference_create(ref.out(), repo.get(), branch.c_str(), &commit_id, 0, message.c_str()), "create branch");
    }
    step("branch");
    Reference tag_ref;
    check(git_reference_create(tag_ref.out(), repo.get(), ("refs/tags/" + tag).c_str(), &tag_id, 0, message.c_str()),
          "create tag ref");
    step("tag");
    return PublishedVersion{hex(commit_id), hex(tag_id), hex(tree_id)};
}

std::optional<std::string> GitStore::head(const std::string& tenant, const std::string& package) {
    if (!std::filesystem::exists(repository_path(tenant) / "HEAD")) return std::nullopt;
    Repo repo;
    open_repository(repo, repository_path(tenant));
    git_oid oid;
    const int rc = git_reference_name_to_id(&oid, repo.get(), ("refs/heads/packages/" + package).c_str());
    if (rc == GIT_ENOTFOUND) return std::nullopt;
    check(rc, "read branch");
    return hex(oid);
}

std::optional<std::string> GitStore::version_commit(const std::string& tenant, const std::string& package,
                                                    std::int64_t version) {
    if (!std::filesystem::exists(repository_path(tenant) / "HEAD")) return std::nullopt;
    Repo repo;
    open_repository(repo, repository_path(tenant));
    Object target;
    const int rc = git_revparse_single(target.out(), repo.get(), ("refs/tags/" + tag_name(package, version) + "^{commit}").c_str());
    if (rc == GIT_ENOTFOUND) return std::nullopt;
    check(rc, "read tag");
    return hex(*git_object_id(target.get()));
}

namespace {

void collect(git_repository* repo, const git_tree* tree, const std::string& prefix, std::map<std::string, std::string>& out) {
    const std::size_t n = git_tree_entrycount(tree);
    for (std::size_t i = 0; i < n; ++i) {
        const git_tree_entry* e = git_tree_entry_byindex(tree, i);
        const std::string path = prefix + git_tree_entry_name(e);
        if (git_tree_entry_type(e) == GIT_OBJECT_TREE) {
            Tree sub;
            check_object(git_tree_lookup(sub.out(), repo, git_tree_entry_id(e)), path);
            collect(repo, sub.get(), path + "/", out);
        } else {
            Blob blob;
            check_object(git_blob_lookup(blob.out(), repo, git_tree_entry_id(e)), path);
            out[path] = std::string(static_cast<const char*>(git_blob_rawcontent(blob.get())),
                                    static_cast<std::size_t>(git_blob_rawsize(blob.get())));
        }
    }
}

}  // namespace

std::map<std::string, std::string> GitStore::read_version(const std::string& tenant, const std::string& package,
                                                          std::int64_t version) {
    Repo repo;
    open_repository(repo, repository_path(tenant));
    Object tree;
    check(git_revparse_single(tree.out(), repo.get(), ("refs/tags/" + tag_name(package, version) + "^{tree}").c_str()),
          "read version");
    std::map<std::string, std::string> out;
    collect(repo.get(), reinterpret_cast<const git_tree*>(tree.get()), "", out);
    return out;
}

std::optional<std::string> GitStore::subtree(const std::string& tenant, const std::string& package, std::int64_t version,
                                             const std::string& dir) {
    Repo repo;
    open_repository(repo, repository_path(tenant));
    Object tree;
    const int rc = git_revparse_single(tree.out(), repo.get(),
                                       ("refs/tags/" + tag_name(package, version) + "^{tree}:" + dir).c_str());
    if (rc == GIT_ENOTFOUND) return std::nullopt;
    check(rc, "read subtree");
    return hex(*git_object_id(tree.get()));
}

void GitStore::set_branch(const std::string& tenant, const std::string& package, const std::optional<std::string>& commit) {
    std::lock_guard serialize(lock_for(tenant));
    if (!std::filesystem::exists(repository_path(tenant) / "HEAD")) return;
    Repo repo;
    open_repository(repo, repository_path(tenant));
    const std::string branch = "refs/heads/packages/" + package;
    if (!commit) {
        Reference ref;
        if (git_reference_lookup(ref.out(), repo.get(), branch.c_str()) == 0) check(git_reference_delete(ref.get()), "delete branch");
        return;
    }
    const git_oid id = parse_oid(*commit);
    Reference ref;
    check(git_reference_create(ref.out(), repo.get(), branch.c_str(), &id, 1, "recovery"), "reset branch");
}

void GitStore::clear_stale_locks(const std::string& tenant) {
    const auto path = repository_path(tenant);
    if (!std::filesystem::exists(path)) return;
    for (const auto& entry : std::filesystem::recursive_directory_iterator(path))
        if (entry.is_regular_file() && entry.path().extension() == ".lock") std::filesystem::remove(entry.path());
}

}  // namespace ferry::packager
