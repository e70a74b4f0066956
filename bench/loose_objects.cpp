// Reference for publishing: write every file of a directory tree into a git repository as
// loose objects with fsync on, one fsync per object (what libgit2 does without a pack).
// Usage: bench_loose_objects <new repository dir> <files dir>; prints the seconds taken.

#include <git2.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: %s <repository> <files>\n", argv[0]);
        return 2;
    }
    git_libgit2_init();
    git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
    git_repository* repo = nullptr;
    if (git_repository_init(&repo, argv[1], 1) != 0) return 1;
    std::size_t count = 0;
    const auto start = std::chrono::steady_clock::now();
    for (const auto& entry : std::filesystem::recursive_directory_iterator(argv[2])) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::ostringstream bytes;
        bytes << in.rdbuf();
        const std::string data = bytes.str();
        git_oid oid;
        if (git_blob_create_from_buffer(&oid, repo, data.data(), data.size()) != 0) return 1;
        ++count;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf("%.6f %zu\n", seconds, count);
    git_repository_free(repo);
    git_libgit2_shutdown();
    return 0;
}
