#include "git_serve.hpp"

#include "git_store.hpp"

#include <fcntl.h>
#include <git2.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>

namespace ferry::packager {

namespace fs = std::filesystem;

namespace {

struct Ref {
    std::string name;
    std::string id;
    std::string peeled;  // annotated tags: the commit; empty otherwise
};

std::string hex(const git_oid& oid) {
    char buf[GIT_OID_HEXSZ + 1] = {};
    git_oid_tostr(buf, sizeof buf, &oid);
    return buf;
}

std::string libgit2_error(const char* what) {
    const git_error* e = git_error_last();
    return std::string(what) + ": " + (e && e->message ? e->message : "libgit2 error");
}

// The refs of `packages` in the repository, sorted by name, as upload-pack must advertise them.
std::vector<Ref> package_refs(const fs::path& repository, const std::vector<std::string>& packages) {
    git_libgit2_init();
    std::vector<Ref> out;
    git_repository* repo = nullptr;
    if (git_repository_open_bare(&repo, repository.c_str()) < 0) {
        git_libgit2_shutdown();
        throw GitError(libgit2_error("open repository"));
    }
    std::vector<std::string> prefixes;
    for (const auto& p : packages) {
        prefixes.push_back("refs/heads/packages/" + p);
        prefixes.push_back("refs/tags/packages/" + p + "/");
    }
    git_reference_iterator* it = nullptr;
    if (git_reference_iterator_new(&it, repo) == 0) {
        git_reference* ref = nullptr;
        while (git_reference_next(&ref, it) == 0) {
            const std::string name = git_reference_name(ref);
            const bool wanted = std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& prefix) {
                return prefix.back() == '/' ? name.rfind(prefix, 0) == 0 : name == prefix;
            });
            if (wanted && git_reference_type(ref) == GIT_REFERENCE_DIRECT) {
                Ref r{name, hex(*git_reference_target(ref)), ""};
                git_object* peeled = nullptr;
                if (name.rfind("refs/tags/", 0) == 0 && git_reference_peel(&peeled, ref, GIT_OBJECT_COMMIT) == 0) {
                    const std::string commit = hex(*git_object_id(peeled));
                    if (commit != r.id) r.peeled = commit;
                    git_object_free(peeled);
                }
                out.push_back(std::move(r));
            }
            git_reference_free(ref);
        }
        git_reference_iterator_free(it);
    }
    git_repository_free(repo);
    git_libgit2_shutdown();
    std::sort(out.begin(), out.end(), [](const Ref& a, const Ref& b) { return a.name < b.name; });
    return out;
}

// A throw-away repository showing only `refs`, with the objects of `repository`; removed on scope exit.
class View {
public:
    View(const fs::path& repository, const std::vector<Ref>& refs) {
        std::string templ = (fs::temp_directory_path() / "ferry-git-view-XXXXXX").string();
        if (::mkdtemp(templ.data()) == nullptr) throw GitError(std::string("git view: ") + std::strerror(errno));
        dir_ = templ;
        fs::create_directories(dir_ / "objects" / "info");
        fs::create_directories(dir_ / "objects" / "pack");
        fs::create_directories(dir_ / "refs" / "heads");
        fs::create_directories(dir_ / "refs" / "tags");
        std::ofstream(dir_ / "HEAD") << "ref: refs/heads/none\n";
        std::ofstream(dir_ / "config") << "[core]\n\trepositoryformatversion = 0\n\tbare = true\n"
                                       << "[uploadpack]\n\tallowTipSHA1InWant = false\n"
                                       << "\tallowReachableSHA1InWant = false\n\tallowAnySHA1InWant = false\n";
        std::ofstream(dir_ / "objects" / "info" / "alternates")
            << fs::absolute(repository / "objects").lexically_normal().string() << "\n";
        std::ofstream packed(dir_ / "packed-refs");
        packed << "# pack-refs with: peeled fully-peeled sorted \n";
        for (const Ref& r : refs) {
            packed << r.id << ' ' << r.name << '\n';
            if (!r.peeled.empty()) packed << '^' << r.peeled << '\n';
        }
        if (!packed) throw GitError("git view: cannot write packed-refs");
    }
    ~View() {
        std::error_code ec;
        fs::remove_all(dir_, ec);
    }
    View(const View&) = delete;
    View& operator=(const View&) = delete;
    const fs::path& path() const { return dir_; }

private:
    fs::path dir_;
};

// Runs `git upload-pack --stateless-rpc [--advertise-refs] VIEW` with `input` on its stdin and
// returns its stdout; throws GitError (with what it said on stderr) when it fails.
std::string run_upload_pack(const fs::path& view, bool advertise, const std::string& input) {
    int in[2], out[2], err[2];
    if (::pipe2(in, O_CLOEXEC) != 0) throw GitError("pipe failed");
    if (::pipe2(out, O_CLOEXEC) != 0) {
        ::close(in[0]);
        ::close(in[1]);
        throw GitError("pipe failed");
    }
    if (::pipe2(err, O_CLOEXEC) != 0) {
        for (int fd : {in[0], in[1], out[0], out[1]}) ::close(fd);
        throw GitError("pipe failed");
    }
    const std::string home = view.string();
    std::vector<std::string> args = {"git",
                                     "-c",
                                     "uploadpack.allowTipSHA1InWant=false",
                                     "-c",
                                     "uploadpack.allowReachableSHA1InWant=false",
                                     "-c",
                                     "uploadpack.allowAnySHA1InWant=false",
                                     "-c",
                                     "uploadpack.hideRefs=refs/ferry",
                                     "upload-pack",
                                     "--stateless-rpc",
                                     "--strict",
                                     "--timeout=60"};
    if (advertise) args.push_back("--advertise-refs");
    args.push_back(view.string());
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    // Only what git needs: no user or system configuration, protocol v0.
    std::vector<std::string> env_strings = {"PATH=/usr/local/bin:/usr/bin:/bin", "HOME=" + home,
                                            "GIT_CONFIG_NOSYSTEM=1", "GIT_CONFIG_GLOBAL=/dev/null", "LC_ALL=C"};
    std::vector<char*> envp;
    for (auto& e : env_strings) envp.push_back(e.data());
    envp.push_back(nullptr);

    const pid_t pid = ::fork();
    if (pid < 0) {
        for (int fd : {in[0], in[1], out[0], out[1], err[0], err[1]}) ::close(fd);
        throw GitError("fork failed");
    }
    if (pid == 0) {
        ::dup2(in[0], 0);
        ::dup2(out[1], 1);
        ::dup2(err[1], 2);
        ::execve("/usr/bin/git", argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(in[0]);
    ::close(out[1]);
    ::close(err[1]);
    // Both directions at once: git may answer before it has read everything.
    std::string output, errors;
    std::size_t written = 0;
    int to_git = in[1];
    if (input.empty()) {
        ::close(to_git);
        to_git = -1;
    } else {
        ::fcntl(to_git, F_SETFL, O_NONBLOCK);
    }
    int from_git = out[0], git_errors = err[0];
    char buf[65536];
    while (from_git >= 0 || git_errors >= 0) {
        pollfd fds[3];
        nfds_t n = 0;
        if (from_git >= 0) fds[n++] = {from_git, POLLIN, 0};
        if (git_errors >= 0) fds[n++] = {git_errors, POLLIN, 0};
        if (to_git >= 0) fds[n++] = {to_git, POLLOUT, 0};
        if (::poll(fds, n, 120'000) <= 0) {
            if (errno == EINTR) continue;
            break;  // git hangs: give up on it
        }
        for (nfds_t i = 0; i < n; ++i) {
            if (!fds[i].revents) continue;
            if (fds[i].fd == to_git) {
                const ssize_t w = ::write(to_git, input.data() + written, input.size() - written);
                if (w > 0) written += static_cast<std::size_t>(w);
                if (w < 0 && errno != EAGAIN && errno != EINTR) written = input.size();  // git stopped reading
                if (written == input.size()) {
                    ::close(to_git);
                    to_git = -1;
                }
                continue;
            }
            const ssize_t r = ::read(fds[i].fd, buf, sizeof buf);
            if (r > 0) {
                (fds[i].fd == from_git ? output : errors).append(buf, static_cast<std::size_t>(r));
                if (errors.size() > 65536) errors.resize(65536);
            } else if (r == 0 || (errno != EAGAIN && errno != EINTR)) {
                ::close(fds[i].fd);
                if (fds[i].fd == from_git)
                    from_git = -1;
                else
                    git_errors = -1;
            }
        }
    }
    for (int fd : {to_git, from_git, git_errors})
        if (fd >= 0) ::close(fd);
    int status = 0;
    ::kill(pid, SIGKILL);  // already gone, unless it hung
    ::waitpid(pid, &status, 0);
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    // upload-pack tells the client why it refuses a request in its output (an "ERR" pkt-line, e.g.
    // "not our ref" for a want of an object it does not serve): that is the answer to pass on.
    if (!ok && output.empty()) {
        while (!errors.empty() && (errors.back() == '\n' || errors.back() == '\r')) errors.pop_back();
        throw GitError("git upload-pack refused the request" + (errors.empty() ? std::string() : ": " + errors));
    }
    return output;
}

}  // namespace

std::string upload_pack_advertisement(const fs::path& repository, const std::vector<std::string>& packages) {
    const View view(repository, package_refs(repository, packages));
    return "001e# service=git-upload-pack\n0000" + run_upload_pack(view.path(), true, "");
}

std::string upload_pack(const fs::path& repository, const std::vector<std::string>& packages,
                        const std::string& request) {
    const View view(repository, package_refs(repository, packages));
    return run_upload_pack(view.path(), false, request);
}

std::string gunzip(const std::string& body, std::size_t limit) {
    z_stream z{};
    if (inflateInit2(&z, 16 + MAX_WBITS) != Z_OK) throw GitError("gzip: cannot start");
    std::string out;
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
    z.avail_in = static_cast<uInt>(body.size());
    char buf[65536];
    int rc = Z_OK;
    while (rc != Z_STREAM_END) {
        z.next_out = reinterpret_cast<Bytef*>(buf);
        z.avail_out = sizeof buf;
        rc = inflate(&z, Z_NO_FLUSH);
        if (rc != Z_OK && rc != Z_STREAM_END) {
            inflateEnd(&z);
            throw GitError("the request body is not valid gzip");
        }
        out.append(buf, sizeof buf - z.avail_out);
        if (out.size() > limit) {
            inflateEnd(&z);
            throw GitError("the request body inflates past " + std::to_string(limit) + " bytes");
        }
        if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0) {
            inflateEnd(&z);
            throw GitError("the request body is truncated gzip");
        }
    }
    inflateEnd(&z);
    return out;
}

}  // namespace ferry::packager
