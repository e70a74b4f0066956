#include "core/utf8.hpp"

#include <cstdint>

namespace ferry {

namespace {

// The length of the well-formed sequence starting at text[i], or 0 when it is ill-formed.
std::size_t sequence_length(std::string_view text, std::size_t i) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char b0 = byte(i);
    if (b0 < 0x80) return 1;
    std::size_t n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // the range of the second byte
    if (b0 >= 0xC2 && b0 <= 0xDF)
        n = 2;
    else if (b0 == 0xE0)
        n = 3, lo = 0xA0;
    else if (b0 == 0xED)
        n = 3, hi = 0x9F;  // no surrogates
    else if (b0 >= 0xE1 && b0 <= 0xEF)
        n = 3;
    else if (b0 == 0xF0)
        n = 4, lo = 0x90;
    else if (b0 == 0xF4)
        n = 4, hi = 0x8F;  // at most U+10FFFF
    else if (b0 >= 0xF1 && b0 <= 0xF3)
        n = 4;
    else
        return 0;
    if (i + n > text.size()) return 0;
    if (byte(i + 1) < lo || byte(i + 1) > hi) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (byte(i + k) < 0x80 || byte(i + k) > 0xBF) return 0;
    return n;
}

}  // namespace

bool valid_utf8(std::string_view text) {
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = sequence_length(text, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

std::string sanitize_utf8(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        const std::size_t n = sequence_length(text, i);
        if (n == 0) {
            out += "\xEF\xBF\xBD";
            ++i;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

std::optional<std::string> forbidden_display_character(std::string_view text, bool multiline) {
    auto name = [](std::uint32_t cp) {
        static constexpr char hex[] = "0123456789ABCDEF";
        std::string out = "U+";
        for (int shift = 12; shift >= 0; shift -= 4) out.push_back(hex[(cp >> static_cast<unsigned>(shift)) & 0xFU]);
        return out;
    };
    for (std::size_t i = 0; i < text.size();) {
        const auto byte = static_cast<unsigned char>(text[i]);
        std::uint32_t cp = byte;
        std::size_t length = 1;
        if (byte >= 0xF0) {
            length = 4;
        } else if (byte >= 0xE0) {
            length = 3;
        } else if (byte >= 0xC0) {
            length = 2;
        }
        if (length > 1 && i + length <= text.size()) {
            cp = byte & (0xFFU >> (length + 1));
            for (std::size_t k = 1; k < length; ++k)
                cp = (cp << 6U) | (static_cast<unsigned char>(text[i + k]) & 0x3FU);
        }
        i += length;
        if (cp < 0x20) {
            if (multiline && (cp == '\n' || cp == '\t')) continue;
            return name(cp);
        }
        if (cp == 0x7F || (cp >= 0x80 && cp <= 0x9F) || (cp >= 0x202A && cp <= 0x202E) ||
            (cp >= 0x2066 && cp <= 0x2069))
            return name(cp);
    }
    return std::nullopt;
}

}  // namespace ferry
