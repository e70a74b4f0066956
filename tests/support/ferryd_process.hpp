#pragma once
// Runs the real ferryd binary for black-box tests: a temporary data directory, port 0, the
// port read back from ferryd's "listening" log line, and helpers to kill or stop it.

#include "test_database.hpp"

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace ferry::test {

struct FerrydOptions {
    std::vector<std::string> args;                         // extra flags
    std::vector<std::pair<std::string, std::string>> env;  // extra environment
};

class FerrydProcess {
public:
    // `database`: the PostgreSQL database to run on (several nodes may share one). Unset: SQLite
    // in the data dir, or a fresh database of its own when the suite runs on PostgreSQL.
    explicit FerrydProcess(FerrydOptions options = {}, std::shared_ptr<TestDatabase> database = nullptr);
    ~FerrydProcess();
    FerrydProcess(const FerrydProcess&) = delete;
    FerrydProcess& operator=(const FerrydProcess&) = delete;

    void start();
    // SIGKILL, as a crash would: nothing gets to flush.
    void kill9();
    // Sends SIGTERM and waits; returns the exit code (or 128 + signal).
    int terminate(std::chrono::seconds timeout = std::chrono::seconds(30));
    void restart() {
        kill9();
        start();
    }

    bool running() const { return pid_ > 0; }
    // The extra flags, to change before the next start().
    std::vector<std::string>& args() { return options_.args; }
    std::uint16_t port() const { return port_; }
    std::string base_url() const;
    const std::filesystem::path& data_dir() const { return data_dir_; }
    // The PostgreSQL database it runs on; nullptr on SQLite.
    const TestDatabase* database() const { return database_.get(); }
    std::string operator_token() const;
    // Everything ferryd wrote to stderr (its JSON log) and stdout, across restarts.
    std::string log() const;
    std::string stdout_text() const;

private:
    FerrydOptions options_;
    std::shared_ptr<TestDatabase> database_;
    std::filesystem::path root_;
    std::filesystem::path data_dir_;
    int pid_ = -1;
    std::uint16_t port_ = 0;
};

// Path of the built ferryd binary (set by CMake).
std::string ferryd_path();

std::string read_file(const std::filesystem::path& path);

}  // namespace ferry::test
