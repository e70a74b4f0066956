#pragma once
// Envelope encryption of the tenants' private signing keys: each key is encrypted with
// AES-256-GCM (OpenSSL EVP) under the deployment's key-encryption key (KEK), which every node
// reads from a file or the environment and which never enters the database. The database holds
// "v1.<kek id>.<nonce>.<ciphertext and tag>" (base64), bound by the GCM associated data to the
// tenant, the key id and the KEK id: a wrapped key copied to another tenant's row, or to another
// key's, does not unwrap.

#include <optional>
#include <string>
#include <string_view>

namespace ferry::keys {

// A 256-bit key-encryption key and its id (16 hex of a SHA-256 over it: names it, reveals nothing).
class Kek {
public:
    // `material`: the key as 32 raw bytes, 64 hex characters or base64 of 32 bytes (surrounding
    // whitespace ignored). Throws std::invalid_argument otherwise; the message never quotes it.
    static Kek parse(std::string_view material);
    // Reads the file (it should be mode 0600, owned by the service's user).
    static Kek from_file(const std::string& path);

    const std::string& id() const { return id_; }
    const std::string& bytes() const { return bytes_; }

private:
    std::string bytes_;
    std::string id_;
};

// The KEK new keys are wrapped under, and during a rotation the previous one, still accepted to
// unwrap keys that `ferryd rotate-kek` has not re-wrapped yet.
struct KekRing {
    Kek current;
    std::optional<Kek> previous;

    // The KEK with this id, or nullptr.
    const Kek* find(std::string_view kek_id) const;
};

std::string wrap(const Kek& kek, std::string_view tenant, std::string_view key_id, std::string_view private_pem);

// Throws std::runtime_error when no KEK of the ring has the wrapped key's id, or when it does not
// authenticate (altered, moved to another row, or another KEK with a colliding id).
std::string unwrap(const KekRing& ring, std::string_view tenant, std::string_view key_id, std::string_view wrapped);

// The id of the KEK a wrapped key is under ("" if it is not one).
std::string wrapped_kek_id(std::string_view wrapped);

}  // namespace ferry::keys
