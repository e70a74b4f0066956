#include "git_store.hpp"

#include "git_serve.hpp"

#include <fcntl.h>
#include <git2.h>
#include <git2/sys/mempack.h>
#include <git2/sys/odb_backend.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <random>
#include <regex>
#include <sstream>
#include <thread>

namespace ferry::packager {

namespace fs = std::filesystem;

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
using Remote = Handle<git_remote, git_remote_free>;

// The message check() would throw, for when something else must run before throwing it.
std::string error_text(int rc, const char* what) {
    const git_error* e = git_error_last();
    return std::string(what) + ": " + (e && e->message ? e->message : "libgit2 error " + std::to_string(rc));
}

// Another writer (another thread, process or node) holds the ref's lock file for the few
// milliseconds of its update: wait for it, then decide against the value it left. A lock held for
// seconds is a stale one from a crash (clear_stale_locks), reported as the error it is.
template <class F>
int retry_while_locked(F&& attempt) {
    using namespace std::chrono;
    const auto deadline = steady_clock::now() + seconds(5);
    auto pause = microseconds(500);
    for (;;) {
        const int rc = attempt();
        if (rc != GIT_ELOCKED || steady_clock::now() >= deadline) return rc;
        std::this_thread::sleep_for(pause);
        pause = std::min<microseconds>(pause * 2, milliseconds(50));
    }
}

// retry_while_locked for one of a package's own refs, whose publisher holds the package's lease
// (publish's contract): a lock on such a ref still held after the wait belongs to a publisher
// that died with it (kill -9 between creating and renaming the lock file). It is removed and the
// update tried once more; otherwise every later publish of the package would fail on it until
// clear_stale_locks found it old enough, and a publish path that released the crashed
// reservation calls nothing that would.
template <class F>
int retry_taking_abandoned_lock(git_repository* repo, const std::string& ref, F&& attempt) {
    const int rc = retry_while_locked(attempt);
    if (rc != GIT_ELOCKED) return rc;
    std::error_code ec;
    const fs::path lock = fs::path(git_repository_path(repo)) / (ref + ".lock");
    if (!fs::remove(lock, ec)) return rc;
    return retry_while_locked(attempt);
}

// A ref's direct target (a tag ref: the tag object), or nullopt if there is no such ref.
std::optional<git_oid> ref_target(git_repository* repo, const std::string& name) {
    git_oid oid;
    const int rc = git_reference_name_to_id(&oid, repo, name.c_str());
    if (rc == GIT_ENOTFOUND) return std::nullopt;
    check(rc, ("read " + name).c_str());
    return oid;
}

bool same(const std::optional<git_oid>& a, const git_oid& b) { return a && git_oid_equal(&*a, &b) != 0; }

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

void fsync_directory(const fs::path& dir) {
    const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) throw GitError("open " + dir.string() + ": " + std::strerror(errno));
    const int rc = ::fsync(fd);
    const int err = errno;
    ::close(fd);
    // EINVAL: a filesystem that cannot sync directories (and makes renames durable otherwise).
    if (rc != 0 && err != EINVAL) throw GitError("fsync " + dir.string() + ": " + std::strerror(err));
}

// Creates the bare repository at `path` as a whole: initialised beside it under a temporary name,
// then renamed into place, so that a reader never sees half a repository and two processes (two
// nodes sharing a remote) creating it at once both succeed, with the first rename's repository.
void create_repository(const fs::path& path) {
    const fs::path parent = path.parent_path();
    std::error_code ec;
    fs::create_directories(parent, ec);
    if (ec) throw GitError("create " + parent.string() + ": " + ec.message());
    static std::atomic<unsigned> counter{0};
    fs::path tmp;
    for (int attempt = 0;; ++attempt) {
        tmp = parent / ("." + path.filename().string() + ".init-" + std::to_string(::getpid()) + "-" +
                        std::to_string(counter++) + "-" + std::to_string(std::random_device{}()));
        if (::mkdir(tmp.c_str(), 0777) == 0) break;
        if (errno != EEXIST || attempt == 100)
            throw GitError("create repository " + path.string() + ": " + std::strerror(errno));
    }
    {
        Repo fresh;
        const int rc = git_repository_init(fresh.out(), tmp.c_str(), 1);
        if (rc < 0) {
            const std::string message = error_text(rc, "init repository");
            fs::remove_all(tmp, ec);
            throw GitError(message);
        }
    }
    if (::rename(tmp.c_str(), path.c_str()) == 0) {
        fsync_directory(parent);
        return;
    }
    const int err = errno;
    fs::remove_all(tmp, ec);
    if (err != ENOTEMPTY && err != EEXIST)
        throw GitError("create repository " + path.string() + ": " + std::strerror(err));
    if (fs::exists(path / "HEAD")) return;  // another process created it first
    // A directory without HEAD from before (an interrupted in-place init): initialise it in place.
    Repo in_place;
    check(git_repository_init(in_place.out(), path.c_str(), 1), "init repository");
}

void open_repository(Repo& repo, const std::filesystem::path& path) {
    ensure_init();
    if (!std::filesystem::exists(path / "HEAD")) create_repository(path);
    check(git_repository_open_bare(repo.out(), path.c_str()), "open repository");
}

// The remote: a directory path or a file:// URL of one. Everything else is refused.
fs::path parse_remote(const std::string& spec) {
    const std::string supported = "supported: a local path, a file://, http://, https:// or ssh:// URL";
    const auto refuse = [&](const std::string& why) {
        return GitError("git remote '" + spec + "': " + why + "; " + supported);
    };
    if (spec.empty()) throw refuse("empty");
    std::string path;
    const auto scheme_end = spec.find("://");
    std::string scheme = scheme_end == std::string::npos ? std::string() : spec.substr(0, scheme_end);
    const bool is_scheme = !scheme.empty() && std::isalpha(static_cast<unsigned char>(scheme[0])) &&
                           std::all_of(scheme.begin(), scheme.end(), [](char c) {
                               return std::isalnum(static_cast<unsigned char>(c)) || c == '+' || c == '-' || c == '.';
                           });
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    if (is_scheme && scheme == "file") {
        std::string rest = spec.substr(scheme_end + 3);
        if (rest.rfind("localhost/", 0) == 0) rest.erase(0, std::string("localhost").size());
        if (rest.empty() || rest[0] != '/')
            throw refuse("a file:// URL names an absolute path on this host (file:///dir)");
        for (std::size_t i = 0; i < rest.size(); ++i) {
            if (rest[i] != '%') {
                path += rest[i];
                continue;
            }
            if (i + 2 >= rest.size() || !std::isxdigit(static_cast<unsigned char>(rest[i + 1])) ||
                !std::isxdigit(static_cast<unsigned char>(rest[i + 2])))
                throw refuse("bad percent-encoding");
            path += static_cast<char>(std::stoi(rest.substr(i + 1, 2), nullptr, 16));
            i += 2;
        }
    } else if (is_scheme) {
        throw refuse("unsupported URL scheme " + scheme + "://");
    } else {
        const auto colon = spec.find(':');
        const auto slash = spec.find('/');
        if (colon != std::string::npos && (slash == std::string::npos || colon < slash))
            throw refuse("host:path names an ssh remote");
        path = spec;
    }
    fs::path out = fs::absolute(path).lexically_normal();
    if (out.filename().empty()) out = out.parent_path();  // "/dir/" -> "/dir"
    return out;
}

// The file:// URL of a local path, for libgit2's local transport: a bare path with a ':' in it
// would be taken for an ssh remote.
std::string file_url(const fs::path& path) {
    static const char* digits = "0123456789ABCDEF";
    std::string out = "file://";
    for (const char c : path.string()) {
        const auto byte = static_cast<unsigned char>(c);
        if (std::isalnum(byte) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
            out += c;
        } else {
            out += '%';
            out += digits[byte >> 4];
            out += digits[byte & 0x0F];
        }
    }
    return out;
}

// Removes *.lock files under `repo`; with `max_age`, only those at least that old, measured
// against the clock of the filesystem holding them (a shared remote's, not this node's).
void remove_locks(const fs::path& repo, std::optional<std::chrono::seconds> max_age) {
    std::error_code ec;
    if (!fs::exists(repo, ec)) return;
    fs::file_time_type now = fs::file_time_type::clock::now();
    if (max_age) {
        const fs::path probe =
            repo / (".ferry-clock-" + std::to_string(::getpid()) + "-" + std::to_string(std::random_device{}()));
        { std::ofstream touch(probe); }
        std::error_code probe_ec;
        const auto stamp = fs::last_write_time(probe, probe_ec);
        if (!probe_ec) now = stamp;
        fs::remove(probe, probe_ec);
    }
    fs::recursive_directory_iterator it(repo, fs::directory_options::skip_permission_denied, ec);
    for (; !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
        const fs::path& path = it->path();
        std::error_code file_ec;
        if (path.extension() != ".lock" || !it->is_regular_file(file_ec)) continue;
        if (max_age) {
            const auto written = fs::last_write_time(path, file_ec);
            if (file_ec || now - written < *max_age) continue;
        }
        fs::remove(path, file_ec);
    }
}

// An http://, https:// or ssh:// remote, checked; nullopt for anything else (parse_remote's).
// Its error messages never repeat what came before an '@': that may be a password.
std::optional<std::string> network_url(const std::string& spec) {
    const auto scheme_end = spec.find("://");
    if (scheme_end == std::string::npos) return std::nullopt;
    std::string scheme = spec.substr(0, scheme_end);
    std::transform(scheme.begin(), scheme.end(), scheme.begin(),
                   [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); });
    if (scheme != "http" && scheme != "https" && scheme != "ssh") return std::nullopt;
    const std::string shown = scrub_credentials(spec, "");
    const std::string rest = spec.substr(scheme_end + 3);
    const auto authority_end = rest.find('/');
    const std::string authority = rest.substr(0, authority_end);
    if (authority.empty() || authority_end == std::string::npos)
        throw GitError("git remote '" + shown + "': a URL names a host and a directory (" + scheme + "://host/dir)");
    if (const auto at = authority.find('@'); at != std::string::npos) {
        const bool password = authority.substr(0, at).find(':') != std::string::npos;
        if (scheme != "ssh" || password)
            throw GitError("git remote '" + shown +
                           "': credentials are never taken from the URL; use --git-credentials-file or "
                           "FERRY_GIT_USERNAME and FERRY_GIT_PASSWORD");
    }
    const int features = git_libgit2_features();
    if (scheme == "https" && !(features & GIT_FEATURE_HTTPS))
        throw GitError("git remote '" + shown + "': this libgit2 was built without HTTPS");
    if (scheme == "ssh" && !(features & GIT_FEATURE_SSH))
        throw GitError("git remote '" + shown + "': this libgit2 was built without SSH");
    std::string url = spec;
    while (!url.empty() && url.back() == '/') url.pop_back();
    return url;
}

// What libgit2's network callbacks need: the credentials (offered a few times at most: a server
// that keeps refusing them is not asked forever) and where refused ref updates are reported.
struct Session {
    const GitCredentials& credentials;
    int offered = 0;
    std::map<std::string, std::string> refused;  // ref -> the server's reason
    git_remote_callbacks callbacks;

    explicit Session(const GitCredentials& given) : credentials(given) {
        git_remote_init_callbacks(&callbacks, GIT_REMOTE_CALLBACKS_VERSION);
        callbacks.payload = this;
        callbacks.credentials = [](git_credential** out, const char*, const char* user_from_url, unsigned int allowed,
                                   void* payload) -> int {
            auto& self = *static_cast<Session*>(payload);
            if (++self.offered > 3) {
                git_error_set_str(GIT_ERROR_NET, "the git server refused the credentials");
                return GIT_EUSER;
            }
            const GitCredentials& c = self.credentials;
            const std::string user = !c.username.empty() ? c.username : user_from_url ? user_from_url : "";
            if ((allowed & GIT_CREDENTIAL_USERPASS_PLAINTEXT) && !c.username.empty())
                return git_credential_userpass_plaintext_new(out, c.username.c_str(), c.password.c_str());
            if ((allowed & GIT_CREDENTIAL_SSH_KEY) && c.ssh_key)
                return git_credential_ssh_key_new(out, user.c_str(), nullptr, c.ssh_key->c_str(),
                                                  c.ssh_passphrase.empty() ? nullptr : c.ssh_passphrase.c_str());
            if (allowed & GIT_CREDENTIAL_SSH_KEY) return git_credential_ssh_key_from_agent(out, user.c_str());
            if ((allowed & GIT_CREDENTIAL_USERNAME) && !user.empty())
                return git_credential_username_new(out, user.c_str());
            git_error_set_str(GIT_ERROR_NET, "the git server asks for credentials and none are configured");
            return GIT_EUSER;
        };
        callbacks.push_update_reference = [](const char* ref, const char* status, void* payload) -> int {
            if (status) static_cast<Session*>(payload)->refused[ref] = status;
            return 0;
        };
    }
    Session(const Session&) = delete;
    Session& operator=(const Session&) = delete;
};

// A connection to one repository of a network remote, for reading its refs and pushing.
class Connection {
public:
    Connection(const GitCredentials& credentials, git_repository* repo, const std::string& url, git_direction direction,
               const std::string& secret)
        : session_(credentials), secret_(secret) {
        if (repo)
            ok(git_remote_create_anonymous(remote_.out(), repo, url.c_str()), "git remote");
        else
            ok(git_remote_create_detached(remote_.out(), url.c_str()), "git remote");
        ok(git_remote_connect(remote_.get(), direction, &session_.callbacks, nullptr, nullptr),
           "connect to the git remote");
    }
    ~Connection() {
        if (remote_.get()) git_remote_disconnect(remote_.get());
    }

    // The refs the server advertised when this connection opened (annotated tags: the tag object).
    std::map<std::string, git_oid> refs() {
        const git_remote_head** heads = nullptr;
        std::size_t n = 0;
        ok(git_remote_ls(&heads, &n, remote_.get()), "list the git remote's refs");
        std::map<std::string, git_oid> out;
        for (std::size_t i = 0; i < n; ++i) out.emplace(heads[i]->name, heads[i]->oid);
        return out;
    }

    // Pushes one refspec ("[+]local-ref:remote-ref", or ":remote-ref" to delete). The server applies
    // it only if the remote ref still has the value refs() showed; returns its refusal, if any.
    std::optional<std::string> push(const std::string& refspec) {
        std::string spec = refspec;
        char* specs[] = {spec.data()};
        const git_strarray refspecs{specs, 1};
        git_push_options options;
        ok(git_push_options_init(&options, GIT_PUSH_OPTIONS_VERSION), "push options");
        options.callbacks = session_.callbacks;
        options.pb_parallelism = 1;
        session_.refused.clear();
        ok(git_remote_upload(remote_.get(), &refspecs, &options), "push to the git remote");
        if (session_.refused.empty()) return std::nullopt;
        return scrub_credentials(session_.refused.begin()->second, secret_);
    }

private:
    void ok(int rc, const char* what) const {
        if (rc >= 0) return;
        throw GitError(scrub_credentials(error_text(rc, what), secret_));
    }

    Session session_;
    std::string secret_;
    Remote remote_;
};

// Runs `f` again (3 tries in all) when it fails with a GitError that is not a lost race: a git
// server's connection may be closed under a request (a keep-alive timeout, a busy server), and
// libgit2 does not reconnect by itself.
template <class F>
auto with_retries(F&& f) {
    for (int attempt = 1;; ++attempt) {
        try {
            return f();
        } catch (const GitRaceError&) {
            throw;
        } catch (const GitError&) {
            if (attempt == 3) throw;
            std::this_thread::sleep_for(std::chrono::milliseconds(100 * attempt * attempt));
        }
    }
}

std::optional<git_oid> find_ref(const std::map<std::string, git_oid>& refs, const std::string& name) {
    const auto it = refs.find(name);
    if (it == refs.end()) return std::nullopt;
    return it->second;
}

// Creates or moves a local ref, whatever it pointed at.
void put_ref(git_repository* repo, const std::string& name, const git_oid& id, const char* why) {
    Reference ref;
    check(retry_while_locked([&] { return git_reference_create(ref.out(), repo, name.c_str(), &id, 1, why); }), why);
}

void drop_ref(git_repository* repo, const std::string& name) {
    Reference ref;
    if (git_reference_lookup(ref.out(), repo, name.c_str()) == 0) git_reference_delete(ref.get());
}

}  // namespace

std::string scrub_credentials(std::string text, const std::string& secret) {
    static const std::regex userinfo(R"(([A-Za-z][A-Za-z0-9+.-]*://)[^/@\s]*@)");
    text = std::regex_replace(text, userinfo, "$1***@");
    if (!secret.empty())
        for (auto at = text.find(secret); at != std::string::npos; at = text.find(secret, at + 3))
            text.replace(at, secret.size(), "***");
    return text;
}

GitCredentials load_git_credentials(const std::optional<std::filesystem::path>& file) {
    GitCredentials out;
    if (!file) {
        const auto env = [](const char* name) {
            const char* v = std::getenv(name);
            return v ? std::string(v) : std::string();
        };
        out.username = env("FERRY_GIT_USERNAME");
        out.password = env("FERRY_GIT_PASSWORD");
        if (const std::string key = env("FERRY_GIT_SSH_KEY"); !key.empty()) out.ssh_key = key;
        out.ssh_passphrase = env("FERRY_GIT_SSH_PASSPHRASE");
        return out;
    }
    std::ifstream in(*file);
    if (!in) throw GitError("git credentials file " + file->string() + ": cannot be read");
    std::string line;
    for (int number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line[0] == '#') continue;
        const auto eq = line.find('=');
        const std::string key = eq == std::string::npos ? std::string() : line.substr(0, eq);
        const std::string value = eq == std::string::npos ? std::string() : line.substr(eq + 1);
        if (key == "username") {
            out.username = value;
        } else if (key == "password") {
            out.password = value;
        } else if (key == "ssh-key") {
            out.ssh_key = value;
        } else if (key == "ssh-passphrase") {
            out.ssh_passphrase = value;
        } else {
            throw GitError("git credentials file " + file->string() + " line " + std::to_string(number) +
                           ": expected username=, password=, ssh-key= or ssh-passphrase=");
        }
    }
    return out;
}

namespace {}  // namespace

GitStore::GitStore(std::filesystem::path root, std::optional<std::string> remote, GitCredentials credentials)
    : root_(std::move(root)), credentials_(std::move(credentials)) {
    ensure_init();
    if (!remote) return;
    if (auto url = network_url(*remote)) {
        url_ = std::move(*url);
        return;
    }
    remote_ = parse_remote(*remote);
    std::error_code a, b;
    const auto mine = fs::weakly_canonical(fs::absolute(root_), a);
    const auto theirs = fs::weakly_canonical(*remote_, b);
    if (!a && !b && mine == theirs) throw GitError("git remote '" + *remote + "' is the local root itself");
}

GitStore::~GitStore() = default;

std::filesystem::path GitStore::repository_path(const std::string& tenant) const { return root_ / (tenant + ".git"); }

std::filesystem::path GitStore::remote_repository_path(const std::string& tenant) const { return truth_path(tenant); }

std::filesystem::path GitStore::truth_path(const std::string& tenant) const {
    return remote_ ? *remote_ / (tenant + ".git") : repository_path(tenant);
}

std::string VersionStore::tag_name(const std::string& package, std::int64_t version) {
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
    // One git_repository per operation, and one publisher per tenant repository at a time in this
    // process; other processes (nodes sharing the remote) are kept apart by the refs' lock files.
    // With a network remote, publishers of different packages run at once (each waits for the
    // server for most of its time): they write distinct packs and refs into the mirror.
    std::unique_lock<std::mutex> serialize;
    if (!url_) serialize = std::unique_lock(lock_for(tenant));
    Repo repo;
    // A network remote's objects are written to the mirror first, then pushed.
    open_repository(repo, url_ ? repository_path(tenant) : truth_path(tenant));
    if (url_ && expected_parent) {
        Odb mirror;
        check(git_repository_odb(mirror.out(), repo.get()), "open object database");
        const git_oid parent = parse_oid(*expected_parent);
        if (!git_odb_exists(mirror.get(), &parent)) {
            std::lock_guard fetching(lock_for(tenant));
            fetch_mirror(tenant);
            check(git_odb_refresh(mirror.get()), "refresh object database");
        }
    }

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
    git_oid parent_id{};  // all zeros: "no such ref" to the compare-and-swap below
    if (expected_parent) {
        parent_id = parse_oid(*expected_parent);
        check(git_commit_lookup(parent.out(), repo.get(), &parent_id), "lookup parent");
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

    const std::string branch = "refs/heads/packages/" + package;
    const std::string tag_ref = "refs/tags/" + tag;
    // With a remote, a retry may find its own version already written (same files, author, time
    // and parent: the very same tag object): that is success, not a lost race.
    const bool idempotent = has_remote();
    const auto lost = [&](const std::string& what) {
        return GitRaceError("publish " + package + " v" + std::to_string(version) + ": " + what);
    };
    // A version number that is taken fails here, before anything moves.
    const auto existing_tag = ref_target(repo.get(), tag_ref);
    if (existing_tag && !(idempotent && same(existing_tag, tag_id)))
        throw lost("tag " + tag + " exists already (" + hex(*existing_tag) + ")");
    const bool already_published = existing_tag.has_value();

    if (!already_published) {
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
            check(git_revwalk_hide(walk.get(), &parent_id), "revwalk hide");
            check(git_packbuilder_insert_walk(pb.get(), walk.get()), "pack new objects");
        } else {
            check(git_packbuilder_insert_commit(pb.get(), &commit_id), "pack commit");
        }
        check(git_packbuilder_insert(pb.get(), &tag_id, tag.c_str()), "pack tag");
        git_buf pack = GIT_BUF_INIT;
        check(git_packbuilder_write_buf(&pack, pb.get()), "write pack");
        // Two publishers of the very same version write the very same pack: the second waits for
        // the first's index lock.
        const int rc = retry_while_locked([&] {
            git_odb_writepack* writer = nullptr;
            int result = git_odb_write_pack(&writer, odb.get(), nullptr, nullptr);
            git_indexer_progress progress{};
            if (result >= 0) result = writer->append(writer, pack.ptr, pack.size, &progress);
            if (result >= 0) result = writer->commit(writer, &progress);
            if (writer) writer->free(writer);
            return result;
        });
        git_buf_dispose(&pack);
        check(rc, "store pack");
    }
    check(git_mempack_reset(mempack), "reset mempack");
    check(git_odb_refresh(odb.get()), "refresh object database");
    step("packed");
    if (url_)
        return push_version(repo.get(), tenant, package, version, {hex(commit_id), hex(tag_id), hex(tree_id)},
                            expected_parent);

    // Branch: compare-and-swap against the parent the caller saw (all zeros: must not exist), under
    // the ref's lock file, so atomic across processes.
    bool moved = false;
    {
        Reference ref;
        const int rc = retry_taking_abandoned_lock(repo.get(), branch, [&] {
            return git_reference_create_matching(ref.out(), repo.get(), branch.c_str(), &commit_id, 1, &parent_id,
                                                 message.c_str());
        });
        if (rc == GIT_EMODIFIED || rc == GIT_ENOTFOUND) {
            const auto now = ref_target(repo.get(), branch);
            if (!(idempotent && (same(now, commit_id) || already_published)))
                throw lost("branch " + branch + " is at " + (now ? hex(*now) : std::string("nothing")) + ", not at " +
                           (expected_parent ? *expected_parent : std::string("nothing")));
        } else {
            check(rc, "move branch (compare-and-swap)");
            moved = true;
        }
    }
    step("branch");

    // Tag: created, never forced (compare-and-swap against "no such ref").
    {
        Reference ref;
        const git_oid absent{};
        const int rc = retry_taking_abandoned_lock(repo.get(), tag_ref, [&] {
            return git_reference_create_matching(ref.out(), repo.get(), tag_ref.c_str(), &tag_id, 1, &absent,
                                                 message.c_str());
        });
        std::optional<std::string> failure;  // what went wrong, if it did
        const bool race = rc == GIT_EMODIFIED;
        if (race) {
            std::optional<git_oid> now;
            try {
                now = ref_target(repo.get(), tag_ref);
            } catch (const GitError&) {
            }
            if (!(idempotent && same(now, tag_id)))
                failure = "tag " + tag + " was created meanwhile (" + (now ? hex(*now) : std::string("?")) + ")";
        } else if (rc < 0) {
            failure = error_text(rc, "create tag ref");
        }
        if (failure) {
            // Put back the branch this call moved, if nobody moved it since.
            if (moved) {
                Reference back;
                if (expected_parent) {
                    git_reference_create_matching(back.out(), repo.get(), branch.c_str(), &parent_id, 1, &commit_id,
                                                  "undo publish");
                } else if (git_reference_lookup(back.out(), repo.get(), branch.c_str()) == 0 &&
                           git_oid_equal(git_reference_target(back.get()), &commit_id)) {
                    git_reference_delete(back.get());  // compare-and-swap: only if still at commit_id
                }
            }
            if (race) throw lost(*failure);
            throw GitError(*failure);
        }
    }
    step("tag");

    // With a remote, the version is published once the remote's refs moved (they are the truth);
    // the mirror catches up on the first read that needs it, not here: a fetch negotiates every
    // ref of the tenant, which would cost each publish more as versions accumulate.
    return PublishedVersion{hex(commit_id), hex(tag_id), hex(tree_id)};
}

void GitStore::fetch_mirror(const std::string& tenant) {
    if (url_) return with_retries([&] { fetch_mirror_once(tenant); });
    fetch_mirror_once(tenant);
}

void GitStore::fetch_mirror_once(const std::string& tenant) {
    Repo local;
    open_repository(local, repository_path(tenant));
    Remote remote;
    const std::string url = url_ ? tenant_url(tenant) : file_url(truth_path(tenant));
    check(git_remote_create_anonymous(remote.out(), local.get(), url.c_str()), "mirror: remote");
    Session session(credentials_);
    std::string heads = "+refs/heads/packages/*:refs/heads/packages/*";
    std::string tags = "+refs/tags/packages/*:refs/tags/packages/*";
    char* specs[] = {heads.data(), tags.data()};
    const git_strarray refspecs{specs, 2};
    git_fetch_options options;
    check(git_fetch_options_init(&options, GIT_FETCH_OPTIONS_VERSION), "fetch options");
    options.download_tags = GIT_REMOTE_DOWNLOAD_TAGS_NONE;
    options.prune = GIT_FETCH_NO_PRUNE;
    options.update_fetchhead = 0;
    options.callbacks = session.callbacks;
    const int rc =
        retry_while_locked([&] { return git_remote_fetch(remote.get(), &refspecs, &options, "ferry: mirror"); });
    if (rc < 0) throw GitError(scrub_credentials(error_text(rc, "fetch from the remote"), credentials_.password));
}

std::optional<std::string> GitStore::mirrored_tag(const std::string& tenant, const std::string& tag) {
    if (url_) return mirrored_network_tag(tenant, tag);
    const std::string name = "refs/tags/" + tag;
    std::optional<git_oid> truth;
    if (!fs::exists(truth_path(tenant) / "HEAD")) return std::nullopt;
    {
        Repo remote;
        open_repository(remote, truth_path(tenant));
        truth = ref_target(remote.get(), name);
    }
    if (!truth) return std::nullopt;
    // Does the mirror name the remote's tag object, and hold it?
    const auto mirrored = [&](bool check_ref) {
        Repo local;
        open_repository(local, repository_path(tenant));
        if (check_ref && !same(ref_target(local.get(), name), *truth)) return false;
        Odb odb;
        check(git_repository_odb(odb.out(), local.get()), "open object database");
        return git_odb_exists(odb.get(), &*truth) != 0;
    };
    if (mirrored(true)) return hex(*truth);
    {
        std::lock_guard serialize(lock_for(tenant));
        if (!mirrored(true)) fetch_mirror(tenant);
    }
    // If the remote's tag moved again since it was read, the mirror has the newer one: read that.
    return mirrored(false) ? hex(*truth) : name;
}

std::optional<std::string> GitStore::head(const std::string& tenant, const std::string& package) {
    if (url_) return network_ref(tenant, "refs/heads/packages/" + package);
    if (!std::filesystem::exists(truth_path(tenant) / "HEAD")) return std::nullopt;
    Repo repo;
    open_repository(repo, truth_path(tenant));
    git_oid oid;
    const int rc = git_reference_name_to_id(&oid, repo.get(), ("refs/heads/packages/" + package).c_str());
    if (rc == GIT_ENOTFOUND) return std::nullopt;
    check(rc, "read branch");
    return hex(oid);
}

std::optional<std::string> GitStore::version_commit(const std::string& tenant, const std::string& package,
                                                    std::int64_t version) {
    std::string revision = "refs/tags/" + tag_name(package, version);
    if (url_) {
        // The mirror's tag, confirmed on the server (fetched when the mirror lacks it).
        const auto mirrored = mirrored_network_tag(tenant, tag_name(package, version));
        if (!mirrored) return std::nullopt;
        revision = *mirrored;
    } else if (!std::filesystem::exists(truth_path(tenant) / "HEAD")) {
        return std::nullopt;
    }
    Repo repo;
    open_repository(repo, url_ ? repository_path(tenant) : truth_path(tenant));
    Object target;
    const int rc = git_revparse_single(target.out(), repo.get(), (revision + "^{commit}").c_str());
    if (rc == GIT_ENOTFOUND) return std::nullopt;
    check(rc, "read tag");
    return hex(*git_object_id(target.get()));
}

namespace {

void collect(git_repository* repo, const git_tree* tree, const std::string& prefix,
             std::map<std::string, std::string>& out) {
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

std::optional<std::string> GitStore::version_revision(const std::string& tenant, const std::string& package,
                                                      std::int64_t version) {
    const std::string tag = tag_name(package, version);
    if (!has_remote()) return "refs/tags/" + tag;
    return mirrored_tag(tenant, tag);
}

std::string GitStore::readable_revision(const std::string& tenant, const std::string& package, std::int64_t version) {
    const auto revision = version_revision(tenant, package, version);
    if (!revision)
        throw GitError("read version: tag " + tag_name(package, version) + " not found in " +
                       truth_path(tenant).string());
    return *revision;
}

std::map<std::string, std::string> GitStore::read_version(const std::string& tenant, const std::string& package,
                                                          std::int64_t version) {
    const std::string revision = readable_revision(tenant, package, version);
    Repo repo;
    open_repository(repo, repository_path(tenant));
    Object tree;
    check(git_revparse_single(tree.out(), repo.get(), (revision + "^{tree}").c_str()), "read version");
    std::map<std::string, std::string> out;
    collect(repo.get(), reinterpret_cast<const git_tree*>(tree.get()), "", out);
    return out;
}

std::optional<std::string> GitStore::read_version_file(const std::string& tenant, const std::string& package,
                                                       std::int64_t version, const std::string& path) {
    const std::string revision = readable_revision(tenant, package, version);
    Repo repo;
    open_repository(repo, repository_path(tenant));
    Object blob;
    const int rc = git_revparse_single(blob.out(), repo.get(), (revision + "^{tree}:" + path).c_str());
    if (rc == GIT_ENOTFOUND) return std::nullopt;
    check(rc, "read version file");
    if (git_object_type(blob.get()) != GIT_OBJECT_BLOB) return std::nullopt;
    const auto* b = reinterpret_cast<const git_blob*>(blob.get());
    return std::string(static_cast<const char*>(git_blob_rawcontent(b)), static_cast<std::size_t>(git_blob_rawsize(b)));
}

std::optional<std::string> GitStore::subtree(const std::string& tenant, const std::string& package,
                                             std::int64_t version, const std::string& dir) {
    const auto revision = version_revision(tenant, package, version);
    if (!revision) return std::nullopt;
    Repo repo;
    open_repository(repo, repository_path(tenant));
    Object tree;
    const int rc = git_revparse_single(tree.out(), repo.get(), (*revision + "^{tree}:" + dir).c_str());
    if (rc == GIT_ENOTFOUND) return std::nullopt;
    check(rc, "read subtree");
    return hex(*git_object_id(tree.get()));
}

namespace {

// Points `branch` at `commit` (nullopt: removes it), whatever it pointed at.
void force_branch(git_repository* repo, const std::string& branch, const std::optional<std::string>& commit) {
    if (!commit) {
        Reference ref;
        if (git_reference_lookup(ref.out(), repo, branch.c_str()) == 0)
            check(retry_while_locked([&] { return git_reference_delete(ref.get()); }), "delete branch");
        return;
    }
    const git_oid id = parse_oid(*commit);
    Reference ref;
    check(retry_while_locked([&] { return git_reference_create(ref.out(), repo, branch.c_str(), &id, 1, "recovery"); }),
          "reset branch");
}

}  // namespace

void GitStore::set_branch(const std::string& tenant, const std::string& package,
                          const std::optional<std::string>& commit) {
    if (url_) return set_network_branch(tenant, package, commit);
    std::lock_guard serialize(lock_for(tenant));
    if (!std::filesystem::exists(truth_path(tenant) / "HEAD")) return;
    const std::string branch = "refs/heads/packages/" + package;
    {
        Repo repo;
        open_repository(repo, truth_path(tenant));
        force_branch(repo.get(), branch, commit);
    }
    if (!remote_) return;
    // The mirror follows, best effort: its branches are never read (head() reads the remote).
    try {
        Repo local;
        open_repository(local, repository_path(tenant));
        Odb odb;
        check(git_repository_odb(odb.out(), local.get()), "open object database");
        if (!commit) {
            force_branch(local.get(), branch, commit);
        } else if (const git_oid id = parse_oid(*commit); git_odb_exists(odb.get(), &id)) {
            force_branch(local.get(), branch, commit);
        } else {
            fetch_mirror(tenant);
        }
    } catch (const std::exception&) {
    }
}

void GitStore::clear_stale_locks(const std::string& tenant) {
    // With a network remote, this node's other publishers (other packages) write to the mirror at
    // the same time: only locks old enough to be a dead process's are removed there.
    remove_locks(repository_path(tenant), url_ ? std::optional(remote_lock_max_age) : std::nullopt);
    // A network remote's locks are its server's own business.
    if (remote_) remove_locks(truth_path(tenant), remote_lock_max_age);
}

std::filesystem::path GitStore::servable_repository(const std::string& tenant) {
    Repo repo;
    if (url_) {
        std::lock_guard serialize(lock_for(tenant));
        fetch_mirror(tenant);
        return repository_path(tenant);
    }
    open_repository(repo, truth_path(tenant));  // created empty if nothing was published yet
    return truth_path(tenant);
}

std::string GitStore::serve_git_refs(const std::string& tenant, const std::vector<std::string>& packages) {
    return upload_pack_advertisement(servable_repository(tenant), packages);
}

std::string GitStore::serve_git_upload(const std::string& tenant, const std::vector<std::string>& packages,
                                       const std::string& request) {
    // The advertisement came from the mirror as fetched then: serving from it as it is now is
    // enough (it only grows), so no second fetch.
    const fs::path repository = url_ ? repository_path(tenant) : truth_path(tenant);
    if (!url_) {
        Repo repo;
        open_repository(repo, repository);
    }
    return upload_pack(repository, packages, request);
}

// ---- the network remote ----

std::optional<std::string> GitStore::network_ref(const std::string& tenant, const std::string& ref) {
    const auto id = with_retries([&] {
        return find_ref(
            Connection(credentials_, nullptr, tenant_url(tenant), GIT_DIRECTION_FETCH, credentials_.password).refs(),
            ref);
    });
    if (!id) return std::nullopt;
    return hex(*id);
}

std::optional<std::string> GitStore::mirrored_network_tag(const std::string& tenant, const std::string& tag) {
    const std::string name = "refs/tags/" + tag;
    // Tags are never moved, and the mirror's come from the server: one the mirror holds is the server's.
    const auto held = [&]() -> std::optional<std::string> {
        Repo local;
        open_repository(local, repository_path(tenant));
        const auto id = ref_target(local.get(), name);
        if (!id) return std::nullopt;
        Odb odb;
        check(git_repository_odb(odb.out(), local.get()), "open object database");
        if (!git_odb_exists(odb.get(), &*id)) return std::nullopt;
        return hex(*id);
    };
    if (auto id = held()) return id;
    std::lock_guard serialize(lock_for(tenant));
    if (auto id = held()) return id;
    fetch_mirror(tenant);
    return held();
}

PublishedVersion GitStore::push_version(void* repository, const std::string& tenant, const std::string& package,
                                        std::int64_t version, const PublishedVersion& ids,
                                        const std::optional<std::string>& expected_parent) {
    auto* repo = static_cast<git_repository*>(repository);
    const std::string tag = tag_name(package, version);
    const std::string branch = "refs/heads/packages/" + package;
    const std::string tag_ref = "refs/tags/" + tag;
    const git_oid commit_id = parse_oid(ids.commit);
    const git_oid tag_id = parse_oid(ids.tag_object);
    const std::string& secret = credentials_.password;
    const auto lost = [&](const std::string& what) {
        return GitRaceError("publish " + package + " v" + std::to_string(version) + ": " + what);
    };
    const auto show = [](const std::optional<git_oid>& id) { return id ? hex(*id) : std::string("nothing"); };
    // Pushes go from two refs of the package in the mirror's own namespace, which nothing else
    // reads, fetches or serves; the mirror's branch and tag are set only once the server holds
    // them. They are overwritten, never deleted: libgit2 removes a deleted ref's emptied
    // directories, which would pull them from under another package's publisher.
    const std::string staged_branch = "refs/ferry/push/" + package + "/branch";
    const std::string staged_tag = "refs/ferry/push/" + package + "/tag";
    put_ref(repo, staged_branch, commit_id, "stage branch");
    put_ref(repo, staged_tag, tag_id, "stage tag");

    // Branch: pushed only when the server's is at the parent this node saw; the server applies the
    // update only if it still is (receive-pack checks the old id under the ref's lock). The tag
    // goes next on the same connection: its old id, as advertised when it opened, is "none".
    bool moved = false;
    std::optional<Connection> server;
    const auto connect = [&] {
        server.reset();
        with_retries([&] { server.emplace(credentials_, repo, tenant_url(tenant), GIT_DIRECTION_PUSH, secret); });
    };
    const auto remote_ref = [&](const std::string& name) {
        return with_retries([&] {
            return find_ref(Connection(credentials_, nullptr, tenant_url(tenant), GIT_DIRECTION_FETCH, secret).refs(),
                            name);
        });
    };
    connect();
    {
        const auto refs = server->refs();
        const auto tag_now = find_ref(refs, tag_ref);
        if (tag_now && !same(tag_now, tag_id)) throw lost("tag " + tag + " exists already (" + hex(*tag_now) + ")");
        const auto now = find_ref(refs, branch);
        const bool at_parent = expected_parent ? now && hex(*now) == *expected_parent : !now;
        if (tag_now || same(now, commit_id)) {
            // This very version, written by an earlier attempt: nothing to move.
        } else if (!at_parent) {
            throw lost("branch " + branch + " is at " + show(now) + ", not at " +
                       (expected_parent ? *expected_parent : std::string("nothing")));
        } else {
            std::optional<std::string> refused;
            for (int attempt = 1;; ++attempt) {
                try {
                    refused = server->push(staged_branch + ":" + branch);
                    break;
                } catch (const GitError&) {
                    // The answer may be what got lost (a connection closed under it): if the server
                    // moved the branch, go on to the tag on a new connection; if it is still at the
                    // parent, push again; anything else, or a third failure, fails the publish.
                    server.reset();
                    std::optional<git_oid> after;
                    try {
                        after = remote_ref(branch);
                    } catch (const GitError&) {
                        throw;
                    }
                    const bool still = expected_parent ? after && hex(*after) == *expected_parent : !after;
                    if (!same(after, commit_id) && (!still || attempt == 3)) throw;
                    connect();
                    if (same(after, commit_id)) break;
                }
            }
            if (refused) throw lost("the git server refused to move branch " + branch + ": " + *refused);
            moved = true;
        }
    }
    step("branch");

    // Tag: created where none exists, never forced.
    std::optional<std::string> failure;
    bool race = false;
    for (int attempt = 1;; ++attempt) {
        try {
            failure.reset();
            if (!server) connect();
            const auto now = find_ref(server->refs(), tag_ref);
            if (now && !same(now, tag_id)) {
                race = true;
                failure = "tag " + tag + " was created meanwhile (" + hex(*now) + ")";
            } else if (!now) {
                if (const auto refused = server->push(staged_tag + ":" + tag_ref)) {
                    race = true;
                    failure = "the git server refused tag " + tag + ": " + *refused;
                }
            }
            break;
        } catch (const GitError& e) {
            failure = e.what();
            server.reset();
            // The answer may be what got lost: ask again whether the server holds the tag.
            try {
                if (same(remote_ref(tag_ref), tag_id)) {
                    failure.reset();
                    break;
                }
            } catch (const GitError&) {
                break;
            }
            if (attempt == 3) break;
        }
    }
    server.reset();
    if (failure) {
        // Put back the branch this call moved, if nobody moved it since (the server checks).
        if (moved) {
            try {
                Connection again(credentials_, repo, tenant_url(tenant), GIT_DIRECTION_PUSH, secret);
                if (same(find_ref(again.refs(), branch), commit_id)) {
                    if (expected_parent) {
                        put_ref(repo, staged_branch, parse_oid(*expected_parent), "stage branch");
                        again.push("+" + staged_branch + ":" + branch);
                    } else {
                        again.push(":" + branch);
                    }
                }
            } catch (const GitError&) {
            }
        }
        if (race) throw lost(*failure);
        throw GitError(*failure);
    }
    step("tag");

    // The mirror follows (best effort: reads fetch what it lacks).
    try {
        Reference ref;
        const git_oid absent{};
        git_reference_create_matching(ref.out(), repo, tag_ref.c_str(), &tag_id, 1, &absent, "published");
        put_ref(repo, branch, commit_id, "published");
    } catch (const GitError&) {
    }
    return ids;
}

void GitStore::set_network_branch(const std::string& tenant, const std::string& package,
                                  const std::optional<std::string>& commit) {
    std::lock_guard serialize(lock_for(tenant));
    const std::string branch = "refs/heads/packages/" + package;
    const std::string staged = "refs/ferry/push/" + package + "/branch";
    Repo repo;
    open_repository(repo, repository_path(tenant));
    if (commit) {
        const git_oid id = parse_oid(*commit);
        Odb odb;
        check(git_repository_odb(odb.out(), repo.get()), "open object database");
        if (!git_odb_exists(odb.get(), &id)) fetch_mirror(tenant);
        put_ref(repo.get(), staged, id, "stage branch");
    }
    const bool done = with_retries([&] {
        Connection server(credentials_, repo.get(), tenant_url(tenant), GIT_DIRECTION_PUSH, credentials_.password);
        const auto now = find_ref(server.refs(), branch);
        if (commit ? same(now, parse_oid(*commit)) : !now) return true;
        if (const auto refused = server.push(commit ? "+" + staged + ":" + branch : ":" + branch))
            throw GitError("the git server refused to reset branch " + branch + ": " + *refused);
        return false;
    });
    if (done) return;
    try {
        if (commit)
            put_ref(repo.get(), branch, parse_oid(*commit), "recovery");
        else
            drop_ref(repo.get(), branch);
    } catch (const GitError&) {
    }
}

}  // namespace ferry::packager
