#include "tenancy/token_format.hpp"

#include "core/crypto.hpp"

namespace ferry::token_format {

namespace {

constexpr std::size_t random_length = 30;
constexpr std::size_t checksum_length = 6;

std::string checksum(std::string_view random_part) {
    // Six base62 digits of the first four bytes of SHA-256 over the random part.
    static constexpr std::string_view alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    const std::string digest = crypto::sha256_raw(random_part);
    std::uint32_t value = 0;
    for (std::size_t i = 0; i < 4; ++i) value = (value << 8U) | static_cast<unsigned char>(digest[i]);
    std::string out(checksum_length, '0');
    for (std::size_t i = checksum_length; i-- > 0;) {
        out[i] = alphabet[value % 62U];
        value /= 62U;
    }
    return out;
}

bool is_base62(std::string_view s) {
    for (const char c : s)
        if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) return false;
    return true;
}

}  // namespace

std::string generate() {
    const std::string random_part = crypto::random_base62(random_length);
    return std::string(prefix) + random_part + "_" + checksum(random_part);
}

std::string generate_id() { return "tok_" + crypto::random_base62(16); }

bool well_formed(std::string_view token) {
    if (token.size() != prefix.size() + random_length + 1 + checksum_length) return false;
    if (token.substr(0, prefix.size()) != prefix) return false;
    const std::string_view random_part = token.substr(prefix.size(), random_length);
    if (token[prefix.size() + random_length] != '_') return false;
    const std::string_view sum = token.substr(prefix.size() + random_length + 1);
    if (!is_base62(random_part) || !is_base62(sum)) return false;
    return crypto::constant_time_equal(sum, checksum(random_part));
}

std::string hash(std::string_view token) { return crypto::sha256_hex(token); }

}  // namespace ferry::token_format
