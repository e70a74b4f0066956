#include "readme_tour.hpp"

#include "shell.hpp"

#include <sstream>

namespace ferry::test {

std::string sh_blocks_of_section(const std::string& readme, const std::string& heading) {
    std::istringstream in(readme);
    std::string line;
    std::string script;
    bool in_section = false;
    bool in_block = false;
    while (std::getline(in, line)) {
        if (in_block) {
            if (line == "```")
                in_block = false;
            else
                script += line + "\n";
            continue;
        }
        if (line.rfind("## ", 0) == 0) {
            if (in_section) break;
            in_section = line == heading;
        } else if (in_section && line == "```sh") {
            in_block = true;
        }
    }
    return script;
}

std::string shell_quoted(const std::string& text) {
    std::string out = "'";
    for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::filesystem::path tour_workdir(const std::filesystem::path& root, const std::filesystem::path& data_dir) {
    const auto work = root / "work";
    std::filesystem::create_directories(work / "config");
    std::filesystem::create_directory_symlink(data_dir, work / "ferry-data");
    std::filesystem::create_directory_symlink(std::filesystem::path(FERRY_SOURCE_DIR) / "fixtures", work / "fixtures");
    return work;
}

std::pair<int, std::string> run_tour_script(const std::filesystem::path& work, const std::filesystem::path& script,
                                            const std::string& ferry_dir, const std::string& server_url) {
    const std::string command = "cd " + shell_quoted(work.string()) + " && env -i " +
                                shell_quoted("PATH=" + ferry_dir + ":/usr/local/bin:/usr/bin:/bin") + " " +
                                shell_quoted("HOME=" + work.string()) + " " +
                                shell_quoted("XDG_CONFIG_HOME=" + (work / "config").string()) +
                                " NO_COLOR=1 LANG=C.UTF-8 " + shell_quoted("FERRY_SERVER=" + server_url) +
                                " bash -euo pipefail " + shell_quoted(script.string());
    return run_command(command);
}

}  // namespace ferry::test
