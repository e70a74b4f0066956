#pragma once
// PostgreSQL for tests: a fresh database per use, on the cluster FERRY_TEST_DATABASE names (the
// schema owner's URL, e.g. postgres://ferry_owner@127.0.0.1:55432/postgres, as CI and
// scripts/test-postgres set up), or on a private cluster this process starts when it is unset.
//
// FERRY_TEST_BACKEND=postgres makes every FerrydProcess run on its own fresh database: the
// whole suite then runs against PostgreSQL (ctest --preset dev-pg).

#include <memory>
#include <string>
#include <utility>

namespace ferry::test {

// True when the suite runs against PostgreSQL (FERRY_TEST_BACKEND=postgres).
bool postgres_backend();

class TestDatabase {
public:
    TestDatabase();   // creates the database
    ~TestDatabase();  // drops it (closing whatever is still connected)
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    const std::string& name() const { return name_; }
    // ferryd's --database (the application role, not the owner) and --database-owner.
    std::string app_url() const;
    std::string owner_url() const;

    // Runs SQL on this database; {true, ""} or {false, error message}.
    std::pair<bool, std::string> exec_as_owner(const std::string& sql) const;
    std::pair<bool, std::string> exec_as_app(const std::string& sql) const;
    // The first column of the first row, as text ("" if none); throws on error.
    std::string scalar_as_app(const std::string& sql) const;
    std::string scalar_as_owner(const std::string& sql) const;

private:
    std::string name_;
};

}  // namespace ferry::test
