// The README's five-minute tour, run exactly as written: its ```sh block(s) taken from README.md
// byte for byte and run with `bash -euo pipefail` against a real ferryd, from a working directory
// laid out as the tour expects (ferry-data/ with the operator token, fixtures/), with the built
// ferry first on the PATH and FERRY_SERVER naming the test's ferryd (the tour keeps a preset one).

#include "ferryd_process.hpp"
#include "readme_tour.hpp"
#include "shell.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

using namespace ferry::test;
namespace fs = std::filesystem;

namespace {

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// The value after `label:` on the last line of the output that starts with it ("status:  active").
std::string last_field(const std::string& output, const std::string& label) {
    const std::regex field(label + ":[ ]+(.*)");
    std::string value;
    for (const auto& line : lines_of(output))
        if (std::smatch m; std::regex_match(line, m, field)) value = m[1].str();
    return value;
}

class TempDir {
public:
    TempDir() {
        std::string templ = (fs::temp_directory_path() / "ferry-tour-XXXXXX").string();
        if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = templ;
    }
    ~TempDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    const fs::path& path() const { return path_; }

private:
    fs::path path_;
};

}  // namespace

TEST(Tour, ReadmeTourRunsAsWritten) {
    const std::string readme = read_file(fs::path(FERRY_SOURCE_DIR) / "README.md");
    const std::string script = sh_blocks_of_section(readme, "## A five-minute tour");
    ASSERT_FALSE(script.empty()) << "no ```sh block in the README's \"A five-minute tour\" section";
    // The tour must keep a FERRY_SERVER given to it, or it would talk to 127.0.0.1:8080.
    ASSERT_NE(script.find("FERRY_SERVER=${FERRY_SERVER:-"), std::string::npos) << script;

    FerrydProcess server;
    ASSERT_TRUE(fs::exists(server.data_dir() / "operator-token"));

    // <tmp>/tour.sh, and <tmp>/work as the tour's working directory: ferry-data/ is the server's
    // data directory (operator-token included), fixtures/ the repository's.
    TempDir tmp;
    const fs::path work = tour_workdir(tmp.path(), server.data_dir());
    const fs::path script_path = tmp.path() / "tour.sh";
    std::ofstream(script_path, std::ios::binary) << script;

    // A clean environment; the ferry under test comes first on the PATH; bash, jq and cat after it.
    const auto [status, output] =
        run_tour_script(work, script_path, fs::path(FERRY_CLI_PATH).parent_path().string(), server.base_url());
    ASSERT_EQ(status, 0) << "the tour failed; its output:\n" << output << "\nferryd's log:\n" << server.log();

    const auto in_order = [&output](const std::vector<std::string>& expected) {
        std::size_t at = 0;
        for (const auto& text : expected) {
            const std::size_t found = output.find(text, at);
            if (found == std::string::npos) return "\"" + text + "\" (in this order)";
            at = found + text.size();
        }
        return std::string();
    };
    // What the tour shows, step by step: the samples loaded, the export verified, the import
    // applied once and then already applied, activation refused until Rita approved, rollback of
    // import 1 refused, import 2 landing as a draft version and its rollback removing it, then
    // version 2 promoted through the pipeline, waiting for Rita (exit 4), live once she approved.
    const std::string missing =
        in_order({"campaigns  36", "verified: welcome v1", "already applied as imp_", "ferry: approval_required",
                  ": approved", "ferry: edited_since", "~ campaigns/welcome-series-email-fr.json",
                  "yes (ferry campaigns draft get)", "rolled_back", "exit 4: prod's reviewers", ": live",
                  "live_version:     2", "v2 live", "ok: the audit log verifies"});
    EXPECT_TRUE(missing.empty()) << "the tour's output lacks " << missing << ":\n" << output;
    EXPECT_EQ(last_field(output, "status"), "active") << output;
    EXPECT_EQ(last_field(output, "draft_version"), "none") << output;
    EXPECT_TRUE(std::regex_search(output, std::regex("status:[ ]+rolled_back"))) << output;
    // The expected refusals are the only errors (`|| true` hides nothing else).
    const std::regex error_line("ferry: ([a-z_]+):.*");
    for (const auto& line : lines_of(output)) {
        std::smatch m;
        if (!std::regex_match(line, m, error_line)) continue;
        const bool expected = m[1] == "approval_required" || m[1] == "edited_since" || m[1] == "warning";
        EXPECT_TRUE(expected) << line << "\n" << output;
    }
}
