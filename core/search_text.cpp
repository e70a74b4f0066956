#include "core/search_text.hpp"

#include <unicode/uchar.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>

#include <climits>
#include <stdexcept>
#include <vector>

namespace ferry {

namespace {

std::u16string to_utf16(std::string_view utf8) {
    if (utf8.size() > static_cast<std::size_t>(INT_MAX / 2)) throw std::length_error("text too long to fold");
    std::u16string out(utf8.size(), u'\0');
    int32_t length = 0;
    UErrorCode status = U_ZERO_ERROR;
    // Ill-formed sequences become U+FFFD rather than failing the whole name.
    u_strFromUTF8WithSub(out.data(), static_cast<int32_t>(out.size()), &length, utf8.data(),
                         static_cast<int32_t>(utf8.size()), 0xFFFD, nullptr, &status);
    if (U_FAILURE(status)) throw std::runtime_error(std::string("fold_for_search: ") + u_errorName(status));
    out.resize(static_cast<std::size_t>(length));
    return out;
}

std::string to_utf8(const std::u16string& utf16) {
    std::string out(utf16.size() * 3, '\0');
    int32_t length = 0;
    UErrorCode status = U_ZERO_ERROR;
    u_strToUTF8(out.data(), static_cast<int32_t>(out.size()), &length, utf16.data(), static_cast<int32_t>(utf16.size()),
                &status);
    if (U_FAILURE(status)) throw std::runtime_error(std::string("fold_for_search: ") + u_errorName(status));
    out.resize(static_cast<std::size_t>(length));
    return out;
}

// Runs an ICU string function that writes into a buffer, growing it once when told it is short.
template <typename Fn>
std::u16string transformed(const std::u16string& in, Fn&& fn) {
    std::u16string out(in.size() + 16, u'\0');
    for (int attempt = 0; attempt < 2; ++attempt) {
        UErrorCode status = U_ZERO_ERROR;
        const int32_t length = fn(in, out, status);
        if (status == U_BUFFER_OVERFLOW_ERROR) {
            out.assign(static_cast<std::size_t>(length), u'\0');
            continue;
        }
        if (U_FAILURE(status)) throw std::runtime_error(std::string("fold_for_search: ") + u_errorName(status));
        out.resize(static_cast<std::size_t>(length));
        return out;
    }
    throw std::runtime_error("fold_for_search: buffer kept growing");
}

}  // namespace

std::string fold_for_search(std::string_view utf8) {
    if (utf8.empty()) return {};
    const std::u16string text = to_utf16(utf8);
    const std::u16string folded =
        transformed(text, [](const std::u16string& in, std::u16string& out, UErrorCode& status) {
            return u_strFoldCase(out.data(), static_cast<int32_t>(out.size()), in.data(),
                                 static_cast<int32_t>(in.size()), U_FOLD_CASE_DEFAULT, &status);
        });
    UErrorCode status = U_ZERO_ERROR;
    const UNormalizer2* nfd = unorm2_getNFDInstance(&status);
    const UNormalizer2* nfc = unorm2_getNFCInstance(&status);
    if (U_FAILURE(status)) throw std::runtime_error(std::string("fold_for_search: ") + u_errorName(status));
    const std::u16string decomposed =
        transformed(folded, [nfd](const std::u16string& in, std::u16string& out, UErrorCode& st) {
            return unorm2_normalize(nfd, in.data(), static_cast<int32_t>(in.size()), out.data(),
                                    static_cast<int32_t>(out.size()), &st);
        });
    std::u16string bare;
    bare.reserve(decomposed.size());
    for (std::size_t i = 0; i < decomposed.size();) {
        const std::size_t start = i;
        char32_t c = decomposed[i++];
        // A surrogate pair is one character (marks outside the BMP exist, e.g. U+1D165).
        if (c >= 0xD800u && c <= 0xDBFFu && i < decomposed.size() && decomposed[i] >= 0xDC00u &&
            decomposed[i] <= 0xDFFFu)
            c = 0x10000u + ((c - 0xD800u) << 10) + (static_cast<char32_t>(decomposed[i++]) - 0xDC00u);
        if (u_charType(static_cast<UChar32>(c)) == U_NON_SPACING_MARK) continue;
        bare.append(decomposed, start, i - start);
    }
    return to_utf8(transformed(bare, [nfc](const std::u16string& in, std::u16string& out, UErrorCode& st) {
        return unorm2_normalize(nfc, in.data(), static_cast<int32_t>(in.size()), out.data(),
                                static_cast<int32_t>(out.size()), &st);
    }));
}

bool matches_search(std::string_view text, std::string_view query) {
    if (query.empty()) return true;
    return fold_for_search(text).find(fold_for_search(query)) != std::string::npos;
}

}  // namespace ferry
