#pragma once
// Start-up reconciliation of the database and the git store after a crash: a version is either
// fully there in both, or not at all.

#include "packager/git_store.hpp"
#include "store/store.hpp"

namespace ferry::packages {

// For every version left "publishing": if its tag made it into git it is recorded as published,
// otherwise its reservation is released. Branches are then reset to the last published version,
// and stale lock files cleared. Returns how many versions it settled.
std::size_t recover(Store& store, packager::GitStore& git);

}  // namespace ferry::packages
