#pragma once
// Where the use-case tests (workflows_test.cpp, workflows_admin_test.cpp) start: a SQLite store in
// a fresh temporary directory, holding tenant "acme" with its sandbox "prod" and nothing else.

#include "store/sqlite/sqlite_store.hpp"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

namespace ferry::test {

inline std::filesystem::path make_temp_dir(const std::string& prefix) {
    std::string templ = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
    if (::mkdtemp(templ.data()) == nullptr) throw std::runtime_error("mkdtemp failed for " + templ);
    return templ;
}

inline std::unique_ptr<Store> open_acme_store(const std::filesystem::path& dir, Timestamp now) {
    auto store = open_sqlite_store({dir / "ferry.db"});
    store->write([&](Tx& tx) {
        tx.insert_tenant(Tenant{"acme", "Acme", now});
        Sandbox s;
        s.tenant = "acme";
        s.id = "prod";
        s.created_at = s.updated_at = now;
        tx.insert_sandbox(s);
    });
    return store;
}

}  // namespace ferry::test
