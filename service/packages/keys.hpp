#pragma once
// Tenants' Ed25519 signing keys: private keys live only in files under <data-dir>/keys (0600),
// public keys in the database (so old ones stay available for verification after rotation).

#include "packager/package.hpp"

#include <filesystem>
#include <string>

namespace ferry::packages {

class KeyStore {
public:
    explicit KeyStore(std::filesystem::path dir);

    // Generates a key pair and writes the private key durably; the caller stores the returned
    // public record in its transaction. Written before the record, so a crash leaves at worst an
    // unused file, never a record without its key.
    packager::SigningKeyRecord create(const std::string& tenant, Timestamp now) const;
    std::string private_pem(const std::string& tenant, const std::string& key_id) const;

private:
    std::filesystem::path dir_;
};

}  // namespace ferry::packages
