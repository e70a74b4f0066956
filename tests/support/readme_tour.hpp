#pragma once
// The README's five-minute tour, as the tests run it: its ```sh blocks taken from README.md byte
// for byte and run with `bash -euo pipefail` from a working directory laid out as the tour
// expects (ferry-data/ with the operator token, fixtures/, config/), with the built ferry first
// on the PATH and FERRY_SERVER naming the test's ferryd, in a clean environment.

#include <filesystem>
#include <string>
#include <utility>

namespace ferry::test {

// The fenced ```sh blocks of the README section with this heading, joined, exactly as written.
std::string sh_blocks_of_section(const std::string& readme, const std::string& heading);

// A single-quoted shell word.
std::string shell_quoted(const std::string& text);

// A working directory for the tour under `root`: work/ferry-data -> data_dir, work/fixtures ->
// the repository's, work/config. Returns work/.
std::filesystem::path tour_workdir(const std::filesystem::path& root, const std::filesystem::path& data_dir);

// Runs the script file from `work` as the tour runs: nothing of this process's environment (no
// FERRY_* variable, no profile) leaks in; `ferry_dir` comes first on the PATH. Exit status and
// output.
std::pair<int, std::string> run_tour_script(const std::filesystem::path& work, const std::filesystem::path& script,
                                            const std::string& ferry_dir, const std::string& server_url);

}  // namespace ferry::test
