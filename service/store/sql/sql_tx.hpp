#pragma once
// The one implementation of Tx over SQL, shared by the SQLite and PostgreSQL backends: every
// query of the storage interface, written once against sql::Connection.

#include "store/sql/connection.hpp"
#include "store/store.hpp"

#include <memory>

namespace ferry::sql {

std::unique_ptr<Tx> make_tx(Connection& db);

}  // namespace ferry::sql
