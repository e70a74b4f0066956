#include "shell.hpp"

#include <sys/wait.h>

#include <cstdio>

namespace ferry::test {

std::pair<int, std::string> run_command(const std::string& command) {
    std::string out;
    FILE* pipe = ::popen((command + " 2>&1").c_str(), "r");
    if (pipe == nullptr) return {-1, out};
    char buf[4096];
    while (const std::size_t n = std::fread(buf, 1, sizeof buf, pipe)) out.append(buf, n);
    const int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace ferry::test
