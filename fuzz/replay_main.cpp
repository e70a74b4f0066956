// The main() of fuzz targets in ordinary builds (gcc, no libFuzzer): runs LLVMFuzzerTestOneInput
// once on every file of the seed corpora given (directories, read recursively, in name order, or
// single files), so the targets build and their seeds replay in every build and under ctest.
// A broken property aborts, which fails the test. With FERRY_FUZZ=ON libFuzzer provides main().

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size);

namespace {

std::vector<char> read_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::vector<char>(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

}  // namespace

int main(int argc, char** argv) {
    namespace fs = std::filesystem;
    if (argc < 2) {
        std::fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    std::vector<fs::path> inputs;
    for (int i = 1; i < argc; ++i) {
        const fs::path arg(argv[i]);
        std::error_code ec;
        if (fs::is_directory(arg, ec)) {
            for (const auto& entry : fs::recursive_directory_iterator(arg))
                if (entry.is_regular_file()) inputs.push_back(entry.path());
        } else if (fs::is_regular_file(arg, ec)) {
            inputs.push_back(arg);
        } else {
            std::fprintf(stderr, "%s: no such file or directory: %s\n", argv[0], argv[i]);
            return 2;
        }
    }
    std::sort(inputs.begin(), inputs.end());
    // An empty corpus replays nothing and would pass forever: that is a broken setup.
    if (inputs.empty()) {
        std::fprintf(stderr, "%s: no seed files\n", argv[0]);
        return 2;
    }
    for (const auto& path : inputs) {
        std::fprintf(stderr, "replay %s\n", path.string().c_str());
        const std::vector<char> bytes = read_file(path);
        LLVMFuzzerTestOneInput(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size());
    }
    std::fprintf(stderr, "replayed %zu inputs\n", inputs.size());
    return 0;
}
