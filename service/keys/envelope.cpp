#include "keys/envelope.hpp"

#include "core/crypto.hpp"
#include "packager/signing.hpp"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace ferry::keys {

namespace {

constexpr std::size_t key_bytes = 32;
constexpr std::size_t nonce_bytes = 12;
constexpr std::size_t tag_bytes = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype([](EVP_CIPHER_CTX* c) { EVP_CIPHER_CTX_free(c); })>;

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\n' || s.front() == '\r' || s.front() == '\t'))
        s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\n' || s.back() == '\r' || s.back() == '\t'))
        s.remove_suffix(1);
    return s;
}

std::optional<std::string> from_hex(std::string_view hex) {
    if (hex.size() % 2 != 0) return std::nullopt;
    std::string out;
    for (std::size_t i = 0; i < hex.size(); i += 2) {
        int value = 0;
        for (std::size_t j = 0; j < 2; ++j) {
            const char c = hex[i + j];
            int digit = 0;
            if (c >= '0' && c <= '9')
                digit = c - '0';
            else if (c >= 'a' && c <= 'f')
                digit = c - 'a' + 10;
            else if (c >= 'A' && c <= 'F')
                digit = c - 'A' + 10;
            else
                return std::nullopt;
            value = value * 16 + digit;
        }
        out += static_cast<char>(value);
    }
    return out;
}

// What the GCM tag authenticates besides the ciphertext: the row the key belongs to.
std::string associated_data(std::string_view tenant, std::string_view key_id, std::string_view kek_id) {
    std::string aad = "ferry signing key v1\n";
    aad.append(tenant).append("\n").append(key_id).append("\n").append(kek_id);
    return aad;
}

std::vector<std::string_view> split_dots(std::string_view text) {
    std::vector<std::string_view> parts;
    std::size_t start = 0;
    for (;;) {
        const auto dot = text.find('.', start);
        parts.push_back(text.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
        if (dot == std::string_view::npos) break;
        start = dot + 1;
    }
    return parts;
}

const unsigned char* bytes_of(std::string_view s) { return reinterpret_cast<const unsigned char*>(s.data()); }
unsigned char* bytes_of(std::string& s) { return reinterpret_cast<unsigned char*>(s.data()); }

}  // namespace

Kek Kek::parse(std::string_view material) {
    std::optional<std::string> raw;
    const std::string_view text = trim(material);
    if (material.size() == key_bytes)
        raw = std::string(material);
    else if (text.size() == 2 * key_bytes)
        raw = from_hex(text);
    else
        raw = packager::base64_decode(text);
    if (!raw || raw->size() != key_bytes)
        throw std::invalid_argument(
            "the key-encryption key must be 32 bytes: raw, as 64 hex characters or in base64 (openssl rand -hex 32)");
    Kek kek;
    kek.bytes_ = std::move(*raw);
    kek.id_ = crypto::sha256_hex("ferry key-encryption key id\n" + kek.bytes_).substr(0, 16);
    return kek;
}

Kek Kek::from_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::invalid_argument("cannot read the key-encryption key file " + path);
    std::ostringstream content;
    content << in.rdbuf();
    return parse(content.str());
}

const Kek* KekRing::find(std::string_view kek_id) const {
    if (current.id() == kek_id) return &current;
    if (previous && previous->id() == kek_id) return &*previous;
    return nullptr;
}

std::string wrap(const Kek& kek, std::string_view tenant, std::string_view key_id, std::string_view private_pem) {
    std::string nonce(nonce_bytes, '\0');
    if (RAND_bytes(bytes_of(nonce), static_cast<int>(nonce.size())) != 1)
        throw std::runtime_error("no randomness for a nonce");
    const std::string aad = associated_data(tenant, key_id, kek.id());
    std::string out(private_pem.size() + tag_bytes, '\0');
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    int total = 0;
    if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce_bytes), nullptr) != 1 ||
        EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, bytes_of(kek.bytes()), bytes_of(nonce)) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, bytes_of(aad), static_cast<int>(aad.size())) != 1 ||
        EVP_EncryptUpdate(ctx.get(), bytes_of(out), &len, bytes_of(private_pem),
                          static_cast<int>(private_pem.size())) != 1)
        throw std::runtime_error("AES-256-GCM encryption failed");
    total = len;
    if (EVP_EncryptFinal_ex(ctx.get(), bytes_of(out) + total, &len) != 1)
        throw std::runtime_error("AES-256-GCM encryption failed");
    total += len;
    if (EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag_bytes), bytes_of(out) + total) != 1)
        throw std::runtime_error("AES-256-GCM encryption failed");
    out.resize(static_cast<std::size_t>(total) + tag_bytes);
    return "v1." + kek.id() + "." + packager::base64_encode(nonce) + "." + packager::base64_encode(out);
}

std::string wrapped_kek_id(std::string_view wrapped) {
    const auto parts = split_dots(wrapped);
    if (parts.size() != 4 || parts[0] != "v1") return {};
    return std::string(parts[1]);
}

std::string unwrap(const KekRing& ring, std::string_view tenant, std::string_view key_id, std::string_view wrapped) {
    const auto parts = split_dots(wrapped);
    if (parts.size() != 4 || parts[0] != "v1")
        throw std::runtime_error("the signing key " + std::string(key_id) + " is not stored in a known form");
    const Kek* kek = ring.find(parts[1]);
    if (kek == nullptr)
        throw std::runtime_error("the signing key " + std::string(key_id) +
                                 " is wrapped under the key-encryption key " + std::string(parts[1]) +
                                 ", which this node was not given");
    const auto nonce = packager::base64_decode(parts[2]);
    const auto sealed = packager::base64_decode(parts[3]);
    if (!nonce || nonce->size() != nonce_bytes || !sealed || sealed->size() < tag_bytes)
        throw std::runtime_error("the signing key " + std::string(key_id) + " is not stored in a known form");
    const std::string aad = associated_data(tenant, key_id, kek->id());
    const std::size_t body = sealed->size() - tag_bytes;
    std::string tag = sealed->substr(body);
    std::string out(body, '\0');
    CipherCtx ctx(EVP_CIPHER_CTX_new());
    int len = 0;
    int total = 0;
    const bool ok =
        ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) == 1 &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, static_cast<int>(nonce_bytes), nullptr) == 1 &&
        EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, bytes_of(kek->bytes()), bytes_of(*nonce)) == 1 &&
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, bytes_of(aad), static_cast<int>(aad.size())) == 1 &&
        EVP_DecryptUpdate(ctx.get(), bytes_of(out), &len, bytes_of(*sealed), static_cast<int>(body)) == 1 &&
        (total = len, true) &&
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag_bytes), bytes_of(tag)) == 1 &&
        EVP_DecryptFinal_ex(ctx.get(), bytes_of(out) + total, &len) == 1;
    if (!ok)
        throw std::runtime_error("the signing key " + std::string(key_id) +
                                 " does not authenticate under its key-encryption key (altered or moved)");
    out.resize(static_cast<std::size_t>(total + len));
    return out;
}

}  // namespace ferry::keys
