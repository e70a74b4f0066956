#include "ferryd_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ferry::test {

// FERRY_TEST_FERRYD runs the tests against another ferryd binary (a release build, or a copy that
// a rebuild cannot replace in the middle of a long run).
std::string ferryd_path() {
    if (const char* other = std::getenv("FERRY_TEST_FERRYD"); other != nullptr && *other != '\0') return other;
    return FERRYD_PATH;
}

std::string read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

FerrydProcess::FerrydProcess(FerrydOptions options, std::shared_ptr<TestDatabase> database)
    : options_(std::move(options)), database_(std::move(database)) {
    // A test that passes its own --database keeps it.
    const bool own_database =
        std::find(options_.args.begin(), options_.args.end(), "--database") != options_.args.end();
    if (!database_ && postgres_backend() && !own_database) database_ = std::make_shared<TestDatabase>();
    std::string templ = (std::filesystem::temp_directory_path() / "ferry-test-XXXXXX").string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    root_ = templ;
    data_dir_ = root_ / "data";
    start();
}

FerrydProcess::~FerrydProcess() {
    if (pid_ > 0) kill9();
    std::error_code ec;
    std::filesystem::remove_all(root_, ec);
}

std::string FerrydProcess::base_url() const { return "http://127.0.0.1:" + std::to_string(port_); }

std::string FerrydProcess::operator_token() const {
    std::string token = read_file(data_dir_ / "operator-token");
    while (!token.empty() && (token.back() == '\n' || token.back() == '\r')) token.pop_back();
    return token;
}

std::string FerrydProcess::log() const { return read_file(root_ / "stderr.log"); }
std::string FerrydProcess::stdout_text() const { return read_file(root_ / "stdout.log"); }

namespace {

// What a file holds from `offset` on: a restart reads only what this start of ferryd wrote, not
// the whole log of every earlier one (after 188 kills the log was 0.9 GB, re-read every 10 ms).
std::string read_from(const std::filesystem::path& path, std::size_t offset) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    in.seekg(static_cast<std::streamoff>(offset));
    std::ostringstream text;
    text << in.rdbuf();
    return std::move(text).str();
}

}  // namespace

void FerrydProcess::start() {
    const auto log_path = root_ / "stderr.log";
    const std::size_t log_offset = std::filesystem::exists(log_path) ? std::filesystem::file_size(log_path) : 0;

    std::vector<std::string> args{ferryd_path(), "--data-dir", data_dir_.string(), "--listen", "127.0.0.1:0"};
    if (database_) {
        args.insert(args.end(), {"--database", database_->app_url(), "--database-owner", database_->owner_url(),
                                 "--database-pool", "8"});
    }
    args.insert(args.end(), options_.args.begin(), options_.args.end());

    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork failed");
    if (pid == 0) {
        // If the test process dies (timeout, crash), ferryd goes with it instead of lingering.
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        const int out = ::open((root_ / "stdout.log").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        const int err = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
        ::dup2(out, STDOUT_FILENO);
        ::dup2(err, STDERR_FILENO);
        for (const auto& [name, value] : options_.env) ::setenv(name.c_str(), value.c_str(), 1);
        std::vector<char*> argv;
        for (auto& a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        ::execv(argv[0], argv.data());
        ::_exit(127);
    }
    pid_ = pid;

    static const std::regex listening(R"re("msg":"listening".*"port":(\d+))re");
    // Generous: under ASan on a loaded 2-core machine, a start that settles crashed publishes
    // against a shared database can take a while. A ferryd that exits is noticed at once.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    std::string fresh;
    while (std::chrono::steady_clock::now() < deadline) {
        fresh += read_from(log_path, log_offset + fresh.size());
        std::smatch m;
        if (std::regex_search(fresh, m, listening)) {
            port_ = static_cast<std::uint16_t>(std::stoi(m[1].str()));
            return;
        }
        int status = 0;
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            throw std::runtime_error("ferryd exited during start:\n" + fresh);
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill9();
    fresh += read_from(log_path, log_offset + fresh.size());
    throw std::runtime_error("ferryd did not report its port within 60 s; its log:\n" +
                             fresh.substr(fresh.size() > 4000 ? fresh.size() - 4000 : 0));
}

void FerrydProcess::kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
}

int FerrydProcess::terminate(std::chrono::seconds timeout) {
    if (pid_ <= 0) return -1;
    ::kill(pid_, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    int status = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        if (::waitpid(pid_, &status, WNOHANG) == pid_) {
            pid_ = -1;
            if (WIFEXITED(status)) return WEXITSTATUS(status);
            if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    kill9();
    return -2;  // did not stop in time
}

}  // namespace ferry::test
