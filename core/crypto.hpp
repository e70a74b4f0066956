#pragma once
// Hashing and randomness, from OpenSSL: the only primitives ferry builds its tokens, digests
// and hash chains on.

#include <cstddef>
#include <string>
#include <string_view>

namespace ferry::crypto {

// Lower-case hex of raw bytes.
std::string to_hex(std::string_view raw);

// Lower-case hex SHA-256 of the bytes.
std::string sha256_hex(std::string_view bytes);

// Raw 32-byte SHA-256.
std::string sha256_raw(std::string_view bytes);

// Lower-case hex HMAC-SHA-256 of `message` under `key`.
std::string hmac_sha256_hex(std::string_view key, std::string_view message);

// `count` characters of [0-9A-Za-z] from the CSPRNG, without modulo bias.
std::string random_base62(std::size_t count);

// Server-made ids: a prefix ("cmp_", "seg_", ...) and 20 base62 characters (about 119 bits),
// unguessable.
std::string new_object_id(std::string_view prefix);

// `count` random bytes as lower-case hex (2 * count characters).
std::string random_hex(std::size_t count);

// Compares without an early exit, so timing does not reveal the length of a matching prefix.
bool constant_time_equal(std::string_view a, std::string_view b);

}  // namespace ferry::crypto
