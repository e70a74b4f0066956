#pragma once
// Copying a tenant's package repository to another place (ferryd migrate: from a single node's
// data directory to the git remote that several nodes share).

#include "packager/git_store.hpp"

#include <cstddef>
#include <filesystem>

namespace ferry::packager {

// Pushes every branch and tag of the bare repository `from` to the bare repository `to` (created
// if missing), never forced: a ref that `to` already has with another target throws GitError, one
// it has with the same target is left as it is, so running it again after a failure is safe.
// Returns how many refs were pushed.
std::size_t copy_refs(const std::filesystem::path& from, const std::filesystem::path& to);

}  // namespace ferry::packager
