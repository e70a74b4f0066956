#include "test_database.hpp"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <random>
#include <stdexcept>

namespace ferry::test {

namespace {

struct Server {
    std::string scheme_user_host;  // postgres://ferry_owner@127.0.0.1:PORT
    std::string host_port;         // 127.0.0.1:PORT
};

std::string private_cluster_dir;

void stop_private_cluster() {
    if (private_cluster_dir.empty()) return;
    const std::string cmd = std::string(FERRY_SOURCE_DIR) + "/scripts/test-postgres stop " + private_cluster_dir +
                            " >/dev/null 2>&1; rm -rf " + private_cluster_dir;
    [[maybe_unused]] const int rc = std::system(cmd.c_str());
}

// postgres://ferry_owner@127.0.0.1:55432/postgres -> its parts; starts a private cluster if unset.
const Server& server() {
    static std::once_flag once;
    static Server s;
    std::call_once(once, [] {
        std::string url;
        if (const char* env = std::getenv("FERRY_TEST_DATABASE"); env != nullptr && *env != '\0') {
            url = env;
        } else {
            std::string dir = "/tmp/ferry-pg-XXXXXX";
            if (::mkdtemp(dir.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
            // A random port below Linux's ephemeral range (32768 and up), so that no client
            // socket holds it; on a clash with another cluster, the next attempt takes another.
            std::mt19937 rng{std::random_device{}()};
            std::string out;
            for (int attempt = 1;; ++attempt) {
                const int port = std::uniform_int_distribution<int>(20000, 32000)(rng);
                const std::string cmd = std::string(FERRY_SOURCE_DIR) + "/scripts/test-postgres start " + dir + " " +
                                        std::to_string(port) + " 2>&1";
                FILE* pipe = ::popen(cmd.c_str(), "r");
                if (pipe == nullptr) throw std::runtime_error("cannot run scripts/test-postgres");
                out.clear();
                char buf[512];
                while (std::fgets(buf, sizeof buf, pipe) != nullptr) out += buf;
                if (::pclose(pipe) == 0) break;
                if (attempt == 5) throw std::runtime_error("scripts/test-postgres start failed:\n" + out);
            }
            private_cluster_dir = dir;
            std::atexit(stop_private_cluster);
            while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
            url = out.substr(out.rfind('\n') == std::string::npos ? 0 : out.rfind('\n') + 1);
        }
        const auto slash = url.find('/', url.find("://") + 3);
        s.scheme_user_host = url.substr(0, slash);
        const auto at = s.scheme_user_host.find('@');
        s.host_port = s.scheme_user_host.substr(at + 1);
    });
    return s;
}

std::string admin_url() { return server().scheme_user_host + "/postgres"; }

std::string app_user() {
    const char* env = std::getenv("FERRY_TEST_DATABASE_APP_USER");
    return env != nullptr && *env != '\0' ? env : "ferry_app";
}

std::pair<bool, std::string> exec_on(const std::string& url, const std::string& sql, std::string* first = nullptr) {
    PGconn* conn = PQconnectdb(url.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
        std::string message = PQerrorMessage(conn);
        PQfinish(conn);
        return {false, "connect: " + message};
    }
    PGresult* r = PQexec(conn, sql.c_str());
    const auto status = PQresultStatus(r);
    std::pair<bool, std::string> out{status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK, ""};
    if (!out.first) out.second = PQresultErrorMessage(r);
    if (out.first && first != nullptr && status == PGRES_TUPLES_OK && PQntuples(r) > 0 && PQnfields(r) > 0)
        *first = PQgetvalue(r, 0, 0);
    PQclear(r);
    PQfinish(conn);
    return out;
}

}  // namespace

bool postgres_backend() {
    const char* env = std::getenv("FERRY_TEST_BACKEND");
    return env != nullptr && std::string(env) == "postgres";
}

TestDatabase::TestDatabase() {
    static std::atomic<int> counter{0};
    std::mt19937 rng{std::random_device{}()};
    name_ = "ferry_t" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" +
            std::to_string(std::uniform_int_distribution<int>(0, 999999)(rng));
    const auto [ok, error] = exec_on(admin_url(), "CREATE DATABASE " + name_ + " TEMPLATE template0");
    if (!ok) throw std::runtime_error("cannot create test database " + name_ + ": " + error);
}

TestDatabase::~TestDatabase() { exec_on(admin_url(), "DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)"); }

std::string TestDatabase::app_url() const {
    return "postgres://" + app_user() + "@" + server().host_port + "/" + name_;
}
std::string TestDatabase::owner_url() const { return server().scheme_user_host + "/" + name_; }

std::pair<bool, std::string> TestDatabase::exec_as_owner(const std::string& sql) const {
    return exec_on(owner_url(), sql);
}
std::pair<bool, std::string> TestDatabase::exec_as_app(const std::string& sql) const { return exec_on(app_url(), sql); }

std::string TestDatabase::scalar_as_app(const std::string& sql) const {
    std::string first;
    const auto [ok, error] = exec_on(app_url(), sql, &first);
    if (!ok) throw std::runtime_error("SQL failed: " + error);
    return first;
}

std::string TestDatabase::scalar_as_owner(const std::string& sql) const {
    std::string first;
    const auto [ok, error] = exec_on(owner_url(), sql, &first);
    if (!ok) throw std::runtime_error("SQL failed: " + error);
    return first;
}

}  // namespace ferry::test
