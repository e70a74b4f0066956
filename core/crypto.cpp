#include "core/crypto.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>

#include <array>
#include <stdexcept>

namespace ferry::crypto {

namespace {

constexpr std::string_view base62_alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

void fill_random(unsigned char* out, std::size_t count) {
    if (RAND_bytes(out, static_cast<int>(count)) != 1) throw std::runtime_error("CSPRNG failure");
}

}  // namespace

std::string sha256_raw(std::string_view bytes) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int length = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 failure");
    return std::string(reinterpret_cast<const char*>(digest.data()), length);
}

std::string to_hex(std::string_view raw) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(raw.size() * 2);
    for (const char c : raw) {
        const auto byte = static_cast<unsigned char>(c);
        out.push_back(hex[byte >> 4U]);
        out.push_back(hex[byte & 0x0FU]);
    }
    return out;
}

std::string sha256_hex(std::string_view bytes) { return to_hex(sha256_raw(bytes)); }

std::string hmac_sha256_hex(std::string_view key, std::string_view message) {
    std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
    unsigned int length = 0;
    if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
             reinterpret_cast<const unsigned char*>(message.data()), message.size(), mac.data(), &length) == nullptr)
        throw std::runtime_error("HMAC-SHA-256 failure");
    return to_hex(std::string_view(reinterpret_cast<const char*>(mac.data()), length));
}

std::string random_base62(std::size_t count) {
    std::string out;
    out.reserve(count);
    std::array<unsigned char, 64> pool{};
    while (out.size() < count) {
        fill_random(pool.data(), pool.size());
        for (const unsigned char byte : pool) {
            // 248 = 4 * 62: rejecting the top of the byte range keeps every character equally likely.
            if (byte >= 248) continue;
            out.push_back(base62_alphabet[byte % 62U]);
            if (out.size() == count) break;
        }
    }
    return out;
}

std::string random_hex(std::size_t count) {
    std::string raw(count, '\0');
    fill_random(reinterpret_cast<unsigned char*>(raw.data()), count);
    return to_hex(raw);
}

bool constant_time_equal(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string new_object_id(std::string_view prefix) { return std::string(prefix) + random_base62(20); }

}  // namespace ferry::crypto
