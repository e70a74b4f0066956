#pragma once
// Tenants' Ed25519 signing keys: private keys live only in files under <data-dir>/keys (0600),
// public keys in the database (so old ones stay available for verification after rotation).

#include "packager/package.hpp"

#include <filesystem>
#include <string>

namespace ferry::keys {

// Where tenants' private signing keys are kept, as publishing and key rotation use it.
class KeyStore {
public:
    virtual ~KeyStore() = default;
    // Generates a key pair and keeps the private key durably; the caller stores the returned
    // public record in its transaction. Kept before the record, so a crash leaves at worst an
    // unused key, never a record without its key.
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

}  // namespace ferry::keys
