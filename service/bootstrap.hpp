#pragma once
// First start: creating the data directory and the operator token.

#include "store/store.hpp"

#include <filesystem>
#include <string>

namespace ferry {

struct OperatorToken {
    std::string hash;            // what requests are checked against
    std::string created_secret;  // set only when this start created it (to print once)
};

// FERRY_OPERATOR_TOKEN (env_value non-empty) wins. Otherwise the stored hash is used; with none
// stored, a new token is generated, written to <data_dir>/operator-token (0600, fsynced) and its
// hash committed.
OperatorToken ensure_operator_token(Store& store, const std::filesystem::path& data_dir, const char* env_value);

// This node's name among several (outbox claims): kept in <data_dir>/node-id, made on first start.
std::string ensure_node_id(const std::filesystem::path& data_dir);

// Creates the directory (mode 0700) if it does not exist; throws with a clear message when it cannot.
void prepare_data_dir(const std::filesystem::path& data_dir);

}  // namespace ferry
