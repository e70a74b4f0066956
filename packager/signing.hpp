#pragma once
// Ed25519 signing of package manifests (OpenSSL EVP). A signature is over the exact bytes of
// manifest.json, so `openssl pkeyutl -verify -pubin -inkey pub.pem -rawin -in manifest.json
// -sigfile sig.bin` accepts it.

#include <optional>
#include <string>
#include <string_view>

namespace ferry::packager {

struct SigningKey {
    std::string private_pem;  // PKCS#8; stored only in the data dir, mode 0600
    std::string public_pem;   // SubjectPublicKeyInfo
    std::string key_id;       // "ed25519:" + first 16 hex of SHA-256 of the public key's DER
};

SigningKey generate_signing_key();

// Raw 64-byte Ed25519 signature; throws std::runtime_error on a key that does not load.
std::string sign(const std::string& private_pem, std::string_view message);
bool verify(const std::string& public_pem, std::string_view message, std::string_view signature);
std::string key_id_of(const std::string& public_pem);

std::string base64_encode(std::string_view bytes);
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace ferry::packager
