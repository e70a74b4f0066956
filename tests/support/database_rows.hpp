#pragma once
// Every value of every row of every table of a ferryd's database, read from outside the service:
// SQLite's file in the data directory, or the PostgreSQL database as the schema's owner (across
// tenants). For tests that prove what the database alone does not reveal.

#include "ferryd_process.hpp"

#include <string>
#include <vector>

namespace ferry::test {

struct Cell {
    std::string table;
    std::string column;
    std::string value;  // NULL reads as ""
};

// ferryd should be stopped (SQLite) or idle.
std::vector<Cell> every_cell(const FerrydProcess& server);

}  // namespace ferry::test
