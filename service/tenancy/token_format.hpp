#pragma once
// The shape of bearer tokens: fry_<30 base62 random>_<6 base62 checksum>.
// The checksum lets ferryd (and secret scanners) reject a mistyped or truncated token without
// a database lookup; it is no secret.

#include <string>
#include <string_view>

namespace ferry::token_format {

inline constexpr std::string_view prefix = "fry_";

// A new random token (about 178 bits of entropy).
std::string generate();

// A token's public id ("tok_" + 16 base62), used to list and revoke it; not a secret.
std::string generate_id();

// True when the token has the right shape and its checksum matches.
bool well_formed(std::string_view token);

// What ferry stores and looks tokens up by: hex SHA-256 of the whole token.
std::string hash(std::string_view token);

}  // namespace ferry::token_format
