#pragma once
// Tenants' Ed25519 signing keys. Public keys are in the database (so old ones stay available for
// verification after rotation). Private keys are either files under <data-dir>/keys or --keys-dir
// (0600; FileKeyStore, when no key-encryption key is configured), or in the database, wrapped
// under the key-encryption key (DatabaseKeyStore, keys/envelope.hpp), so that nodes need share
// nothing but the database.

#include "keys/envelope.hpp"
#include "packager/package.hpp"

#include <filesystem>
#include <optional>
#include <string>

namespace ferry {
class Store;
class Tx;
}  // namespace ferry

namespace ferry::keys {

// Where tenants' private signing keys are kept, as publishing and key rotation use it.
class KeyStore {
public:
    virtual ~KeyStore() = default;
    // Generates a key pair; the caller stores the returned record in its transaction. A file
    // store keeps the private key durably before the record, so a crash leaves at worst an unused
    // key, never a record without its key; the database store returns it wrapped in the record
    // (wrapped_private), written with it.
    virtual packager::SigningKeyRecord create(const std::string& tenant, Timestamp now) const = 0;
    virtual std::string private_pem(const std::string& tenant, const std::string& key_id) const = 0;
};

// Private keys as files under a directory (<data-dir>/keys, or --keys-dir shared by nodes).
class FileKeyStore : public KeyStore {
public:
    explicit FileKeyStore(std::filesystem::path dir);

    packager::SigningKeyRecord create(const std::string& tenant, Timestamp now) const override;
    std::string private_pem(const std::string& tenant, const std::string& key_id) const override;

private:
    std::filesystem::path dir_;
};

// Private keys in the database, wrapped under the ring's current KEK; unwrapped under whichever
// KEK of the ring they name. A key not wrapped yet (from before a KEK was configured) is read
// from `legacy_dir` if given.
class DatabaseKeyStore : public KeyStore {
public:
    DatabaseKeyStore(Store& store, KekRing ring, std::optional<std::filesystem::path> legacy_dir);

    packager::SigningKeyRecord create(const std::string& tenant, Timestamp now) const override;
    std::string private_pem(const std::string& tenant, const std::string& key_id) const override;

private:
    Store& store_;
    KekRing ring_;
    std::optional<FileKeyStore> legacy_;
};

// Wraps into the database every private key that is still only a file in `dir` (each checked
// against its public key first); keys already wrapped are left alone, so running it again does
// nothing. Returns how many were imported.
std::size_t import_key_files(Store& store, const Kek& kek, const std::filesystem::path& dir);
// The same within the caller's transaction (ferryd migrate).
std::size_t import_key_files(Tx& tx, const Kek& kek, const std::filesystem::path& dir);

// Re-wraps every wrapped private key of every tenant under ring.current, in one transaction:
// all or none. Keys already under it are left alone (running it again after a failure is safe).
// Throws if a key is under a KEK the ring does not hold. Returns how many were re-wrapped.
std::size_t rewrap_keys(Store& store, const KekRing& ring);

}  // namespace ferry::keys
