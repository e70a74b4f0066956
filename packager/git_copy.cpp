#include "packager/git_copy.hpp"

#include <git2.h>

#include <memory>
#include <string>
#include <vector>

namespace ferry::packager {

namespace {

template <class T, void (*Free)(T*)>
struct Owned {
    T* ptr = nullptr;
    Owned() = default;
    Owned(const Owned&) = delete;
    Owned& operator=(const Owned&) = delete;
    ~Owned() {
        if (ptr != nullptr) Free(ptr);
    }
    T** out() { return &ptr; }
    T* get() const { return ptr; }
};

using Repo = Owned<git_repository, git_repository_free>;
using Remote = Owned<git_remote, git_remote_free>;
using RefIter = Owned<git_reference_iterator, git_reference_iterator_free>;

void check(int rc, const std::string& what) {
    if (rc >= 0) return;
    const git_error* e = git_error_last();
    throw GitError(what + ": " + (e != nullptr && e->message != nullptr ? e->message : "libgit2 error"));
}

// libgit2's global state, for the duration of one copy.
struct Library {
    Library() { git_libgit2_init(); }
    ~Library() { git_libgit2_shutdown(); }
    Library(const Library&) = delete;
    Library& operator=(const Library&) = delete;
};

}  // namespace

std::size_t copy_refs(const std::filesystem::path& from, const std::filesystem::path& to) {
    const Library library;
    Repo source;
    check(git_repository_open_bare(source.out(), from.c_str()), "open " + from.string());
    Repo target;
    if (std::filesystem::exists(to / "HEAD")) {
        check(git_repository_open_bare(target.out(), to.c_str()), "open " + to.string());
    } else {
        std::filesystem::create_directories(to.parent_path());
        check(git_repository_init(target.out(), to.c_str(), 1), "create " + to.string());
    }

    std::vector<std::string> specs;
    RefIter refs;
    check(git_reference_iterator_glob_new(refs.out(), source.get(), "refs/*"), "list refs of " + from.string());
    const char* name = nullptr;
    while (git_reference_next_name(&name, refs.get()) == 0) {
        const std::string ref(name);
        if (ref.rfind("refs/heads/", 0) != 0 && ref.rfind("refs/tags/", 0) != 0) continue;
        git_oid mine{};
        check(git_reference_name_to_id(&mine, source.get(), name), "read " + ref);
        git_oid theirs{};
        if (git_reference_name_to_id(&theirs, target.get(), name) == 0) {
            if (git_oid_equal(&mine, &theirs) != 0) continue;
            throw GitError(ref + " already exists in " + to.string() + " with another target");
        }
        specs.push_back(ref + ":" + ref);
    }
    if (specs.empty()) return 0;

    Remote remote;
    check(git_remote_create_anonymous(remote.out(), source.get(), to.c_str()), "remote " + to.string());
    std::vector<char*> names;
    for (auto& s : specs) names.push_back(s.data());
    const git_strarray array{names.data(), names.size()};
    git_push_options options = GIT_PUSH_OPTIONS_INIT;
    check(git_remote_push(remote.get(), &array, &options), "push to " + to.string());
    return specs.size();
}

}  // namespace ferry::packager
