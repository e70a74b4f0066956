#include "git_http_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ferry::test {

namespace fs = std::filesystem;

namespace {

// A port nobody listens on right now (the kernel's pick for port 0).
std::uint16_t free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) throw std::runtime_error("socket failed");
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    socklen_t len = sizeof addr;
    if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
        ::close(fd);
        throw std::runtime_error("bind failed");
    }
    ::close(fd);
    return ntohs(addr.sin_port);
}

bool accepts(std::uint16_t port) {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0) return false;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(port);
    const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
    ::close(fd);
    return ok;
}

std::string slurp(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

}  // namespace

GitHttpServer::GitHttpServer(std::string username, std::string password) {
    std::string templ = (fs::temp_directory_path() / "ferry-git-http-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = templ;
    fs::create_directories(root_ / "repos");
    fs::create_directories(root_ / "www");
    { std::ofstream(root_ / "users") << username << ":" << password << "\n"; }
    const std::string backend = "/usr/lib/git-core/git-http-backend";
    if (!fs::exists(backend)) throw std::runtime_error(backend + " missing: install Debian's git");
    for (int attempt = 0; attempt < 5; ++attempt) {
        port_ = free_port();
        {
            std::ofstream conf(root_ / "lighttpd.conf");
            conf << "server.modules = (\"mod_alias\", \"mod_auth\", \"mod_authn_file\", \"mod_cgi\", \"mod_setenv\")\n"
                 << "server.document-root = \"" << (root_ / "www").string() << "\"\n"
                 << "server.bind = \"127.0.0.1\"\n"
                 << "server.port = " << port_ << "\n"
                 << "server.errorlog = \"" << (root_ / "error.log").string() << "\"\n"
                 << "server.max-connections = 256\n"
                 << "auth.backend = \"plain\"\n"
                 << "auth.backend.plain.userfile = \"" << (root_ / "users").string() << "\"\n"
                 << "alias.url = (\"/git\" => \"" << backend << "\")\n"
                 << "$HTTP[\"url\"] =~ \"^/git\" {\n"
                 << "  cgi.assign = (\"\" => \"\")\n"
                 << "  setenv.add-environment = (\"GIT_PROJECT_ROOT\" => \"" << (root_ / "repos").string()
                 << "\", \"GIT_HTTP_EXPORT_ALL\" => \"\")\n"
                 << "  auth.require = (\"\" => (\"method\" => \"basic\", \"realm\" => \"git\", \"require\" => "
                    "\"valid-user\"))\n"
                 << "}\n";
        }
        const std::string conf = (root_ / "lighttpd.conf").string();
        const std::string log = (root_ / "stderr.log").string();
        pid_ = ::fork();
        if (pid_ < 0) throw std::runtime_error("fork failed");
        if (pid_ == 0) {
            ::setpgid(0, 0);
            if (!std::freopen(log.c_str(), "a", stderr) || !std::freopen(log.c_str(), "a", stdout)) ::_exit(126);
            ::execl("/usr/sbin/lighttpd", "lighttpd", "-D", "-f", conf.c_str(), static_cast<char*>(nullptr));
            ::_exit(127);
        }
        const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
        while (std::chrono::steady_clock::now() < deadline) {
            int status = 0;
            if (::waitpid(pid_, &status, WNOHANG) == pid_) {
                pid_ = -1;
                break;  // exited: the port was taken meanwhile, or the configuration is wrong
            }
            if (accepts(port_)) return;
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }
    const std::string why = slurp(root_ / "stderr.log") + slurp(root_ / "error.log");
    std::error_code ec;
    fs::remove_all(root_, ec);
    throw std::runtime_error("lighttpd (Debian package lighttpd) did not start: " + why);
}

GitHttpServer::~GitHttpServer() {
    if (pid_ > 0) {
        ::kill(pid_, SIGTERM);
        int status = 0;
        for (int i = 0; i < 250 && ::waitpid(pid_, &status, WNOHANG) == 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        ::kill(-pid_, SIGKILL);  // lighttpd and any CGI still running
        ::waitpid(pid_, &status, WNOHANG);
    }
    std::error_code ec;
    fs::remove_all(root_, ec);
}

void GitHttpServer::create_repository(const std::string& name) const {
    const fs::path path = repository_path(name);
    const std::string command = "git init -q --bare '" + path.string() + "' && git --git-dir='" + path.string() +
                                "' config http.receivepack true";
    if (std::system(command.c_str()) != 0) throw std::runtime_error("cannot create " + path.string());
}

std::string GitHttpServer::url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/git"; }

std::string GitHttpServer::error_log() const { return slurp(root_ / "error.log"); }

}  // namespace ferry::test
