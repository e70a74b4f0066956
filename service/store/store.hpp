#pragma once
// The one storage interface. Handlers and domain code see only Store and Tx; SQLite (and later
// PostgreSQL) implement them. A write is acknowledged only once it is durable.

#include "audit/record.hpp"
#include "tenancy/model.hpp"

#include <functional>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

namespace ferry {

// Storage failed in a way the caller cannot fix (I/O error, database locked for too long).
class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A read or read-write transaction. Methods throw StoreError on storage failure.
class Tx {
public:
    virtual ~Tx() = default;

    virtual std::optional<std::string> meta(std::string_view key) = 0;
    virtual void set_meta(std::string_view key, std::string_view value) = 0;

    virtual std::optional<Tenant> tenant(std::string_view id) = 0;
    virtual std::vector<Tenant> tenants() = 0;
    virtual void insert_tenant(const Tenant& tenant) = 0;

    virtual std::optional<Sandbox> sandbox(std::string_view tenant, std::string_view id) = 0;
    virtual std::vector<Sandbox> sandboxes(std::string_view tenant) = 0;
    virtual void insert_sandbox(const Sandbox& sandbox) = 0;
    // Writes every field and stores sandbox.revision as given.
    virtual void update_sandbox(const Sandbox& sandbox) = 0;
    // Deletes the sandbox and every role grant on it; returns the users who lost a grant (their
    // revision is bumped, so their ETags change).
    virtual std::vector<std::string> delete_sandbox(std::string_view tenant, std::string_view id) = 0;

    virtual std::optional<User> user(std::string_view tenant, std::string_view id) = 0;
    virtual std::vector<User> users(std::string_view tenant) = 0;
    virtual void insert_user(const User& user) = 0;
    virtual void update_user(const User& user) = 0;
    virtual void delete_user(std::string_view tenant, std::string_view id) = 0;

    virtual std::optional<Token> token_by_hash(std::string_view hash) = 0;
    virtual std::optional<Token> token(std::string_view tenant, std::string_view id) = 0;
    virtual std::vector<Token> tokens(std::string_view tenant, std::string_view user) = 0;
    virtual void insert_token(const Token& token) = 0;
    virtual void revoke_token(std::string_view tenant, std::string_view id, Timestamp at) = 0;

    virtual std::optional<AuditRecord> last_audit(std::string_view tenant) = 0;
    virtual void insert_audit(const AuditRecord& record) = 0;
    // Records with seq > after_seq, oldest first, at most limit.
    virtual std::vector<AuditRecord> audit_page(std::string_view tenant, std::int64_t after_seq,
                                                std::size_t limit) = 0;
};

class Store {
public:
    virtual ~Store() = default;

    // Runs fn in a read transaction with a consistent snapshot.
    virtual void read_tx(const std::function<void(Tx&)>& fn) = 0;

    // Runs fn in a write transaction and returns once it is durable. If fn throws, nothing of it
    // is written and the exception reaches the caller. Writes of concurrent callers may share one
    // commit (group commit); each caller's changes stay all-or-nothing.
    virtual void write_tx(const std::function<void(Tx&)>& fn) = 0;

    // Cheap liveness probe for /readyz.
    virtual bool healthy() = 0;

    template <class F>
    auto read(F&& fn) -> std::invoke_result_t<F, Tx&> {
        return run(&Store::read_tx, std::forward<F>(fn));
    }

    template <class F>
    auto write(F&& fn) -> std::invoke_result_t<F, Tx&> {
        return run(&Store::write_tx, std::forward<F>(fn));
    }

private:
    template <class F>
    auto run(void (Store::*method)(const std::function<void(Tx&)>&), F&& fn) -> std::invoke_result_t<F, Tx&> {
        using R = std::invoke_result_t<F, Tx&>;
        if constexpr (std::is_void_v<R>) {
            (this->*method)([&](Tx& tx) { fn(tx); });
        } else {
            std::optional<R> result;
            (this->*method)([&](Tx& tx) { result.emplace(fn(tx)); });
            return std::move(*result);
        }
    }
};

}  // namespace ferry
