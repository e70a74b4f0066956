#pragma once
// A real git server on loopback for tests of network git remotes: Debian's lighttpd running git's
// own git-http-backend as a CGI (smart HTTP, receive-pack enabled), behind basic authentication.
// It runs as a child process of the test, on a free port, with its own configuration in a
// temporary directory, and is stopped (and the directory removed) by the destructor.

#include <cstdint>
#include <filesystem>
#include <string>

namespace ferry::test {

class GitHttpServer {
public:
    GitHttpServer(std::string username, std::string password);
    ~GitHttpServer();
    GitHttpServer(const GitHttpServer&) = delete;
    GitHttpServer& operator=(const GitHttpServer&) = delete;

    // Creates the bare repository <name> (e.g. "acme.git") that clients reach at url()/<name>.
    void create_repository(const std::string& name) const;
    // The URL of the directory holding the repositories: http://127.0.0.1:PORT/git
    std::string url() const;
    // The repository's directory on this host, for checking it with the git command line.
    std::filesystem::path repository_path(const std::string& name) const { return root_ / "repos" / name; }
    std::uint16_t port() const { return port_; }
    // The web server's error log (CGI errors included).
    std::string error_log() const;

private:
    std::filesystem::path root_;
    std::uint16_t port_ = 0;
    int pid_ = -1;
};

}  // namespace ferry::test
