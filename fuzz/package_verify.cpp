// The package verifier a reader runs before trusting a version (and `ferry verify` offline):
// packager::verify_package over arbitrary manifest bytes, signature and files, and
// packager::parse_manifest / manifest_file on whatever JSON the manifest holds.
//
// Input: sections (see fuzz_support.hpp)
//   --- options [sign] [fixup] [otherkey]
//       fixup: the sha256 and size of each manifest object whose path has a file section are set
//              from that file and the manifest rewritten as a canonical file (reaches the object
//              checks); sign: the manifest bytes are signed with the target's fixed key (else the
//              sig section is the signature); otherkey: verified with another tenant's key.
//   --- manifest        the bytes of manifest.json
//   --- sig             base64 signature (manifest.sig)
//   --- file <path>     an object file's bytes (read_file answers nullopt for other paths)
//   --- pubkey          a PEM to verify with instead of the fixed public key
//
// Properties:
//  - verify_package never throws; its verdict is exactly the one computed here step by step
//    (base64, signature, JSON, manifest fields, then every object's presence, size and SHA-256),
//    and a pass with the fixed key is confirmed by OpenSSL directly from the raw public key;
//  - parse_manifest refuses with ferry::Error 422 only, and an accepted manifest survives
//    manifest_file -> parse -> parse_manifest -> manifest_file byte for byte;
//  - base64_decode(base64_encode(x)) == x.

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "fuzz_support.hpp"
#include "packager/canonical.hpp"
#include "packager/manifest.hpp"
#include "packager/signing.hpp"

#include <openssl/evp.h>

#include <cstdint>
#include <map>

using namespace ferry;
using namespace ferry::packager;
namespace json = boost::json;

namespace {

// Fixed keys, so that seeds may carry real signatures. Test keys only.
const std::string private_pem =
    "-----BEGIN PRIVATE KEY-----\n"
    "MC4CAQAwBQYDK2VwBCIEIIJxQeyzxxd2pwSwAlICMw0QN8bL/kSprNlSTRJRQUkt\n"
    "-----END PRIVATE KEY-----\n";
const std::string public_pem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEAAVEjLaK7FhGSrqGz6HHEURZvTDCNT28lNtcTrCZiDKo=\n"
    "-----END PUBLIC KEY-----\n";
const std::string other_public_pem =
    "-----BEGIN PUBLIC KEY-----\n"
    "MCowBQYDK2VwAyEA+oO1Ropnmtu/8vPWtjPGUci28ShL/ot64EH2VPlyHsU=\n"
    "-----END PUBLIC KEY-----\n";

// The keys' raw bytes (the last 32 bytes of their DER), loaded once: decoding PEM through
// OpenSSL 3 costs milliseconds, and verify_package already does it on every input.
std::string raw_key(std::string_view der_base64) {
    const auto der = base64_decode(der_base64);
    if (!der || der->size() < 32) fuzz::fail("a fixed key does not decode");
    return der->substr(der->size() - 32);
}

struct RawKeys {
    EVP_PKEY* priv = nullptr;
    EVP_PKEY* pub = nullptr;
    EVP_PKEY* other = nullptr;
};

const RawKeys& raw_keys() {
    static const RawKeys keys = [] {
        const auto load = [](const std::string& raw, bool is_private) {
            const auto* bytes = reinterpret_cast<const unsigned char*>(raw.data());
            EVP_PKEY* k = is_private ? EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, bytes, raw.size())
                                     : EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nullptr, bytes, raw.size());
            if (k == nullptr) fuzz::fail("a fixed key does not load");
            return k;
        };
        RawKeys k;
        k.priv = load(raw_key("MC4CAQAwBQYDK2VwBCIEIIJxQeyzxxd2pwSwAlICMw0QN8bL/kSprNlSTRJRQUkt"), true);
        k.pub = load(raw_key("MCowBQYDK2VwAyEAAVEjLaK7FhGSrqGz6HHEURZvTDCNT28lNtcTrCZiDKo="), false);
        k.other = load(raw_key("MCowBQYDK2VwAyEA+oO1Ropnmtu/8vPWtjPGUci28ShL/ot64EH2VPlyHsU="), false);
        return k;
    }();
    return keys;
}

// Ed25519 straight through OpenSSL, independent of packager::sign/verify and of PEM.
bool raw_verify(EVP_PKEY* key, std::string_view message, std::string_view signature) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    const bool ok = ctx != nullptr && EVP_DigestVerifyInit(ctx, nullptr, nullptr, nullptr, key) == 1 &&
                    EVP_DigestVerify(ctx, reinterpret_cast<const unsigned char*>(signature.data()), signature.size(),
                                     reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
    EVP_MD_CTX_free(ctx);
    return ok;
}

std::string raw_sign(std::string_view message) {
    EVP_MD_CTX* ctx = EVP_MD_CTX_new();
    std::string signature(64, '\0');
    std::size_t length = signature.size();
    const bool ok = ctx != nullptr && EVP_DigestSignInit(ctx, nullptr, nullptr, nullptr, raw_keys().priv) == 1 &&
                    EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(signature.data()), &length,
                                   reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
    EVP_MD_CTX_free(ctx);
    if (!ok) fuzz::fail("signing with the fixed key failed");
    signature.resize(length);
    return signature;
}

std::optional<Manifest> try_parse_manifest(const json::value& v) {
    try {
        return parse_manifest(v);
    } catch (const Error& e) {
        fuzz::check(e.status() == 422, "parse_manifest refused with a status other than 422", e.to_json());
    } catch (const std::exception& e) {
        fuzz::fail("parse_manifest threw something other than ferry::Error", e.what());
    }
    return std::nullopt;
}

void check_manifest_round_trip(const Manifest& m) {
    const std::string file = manifest_file(m);
    boost::system::error_code ec;
    const json::value again = json::parse(file, ec);
    fuzz::check(!ec, "manifest_file wrote something that is not JSON", file);
    const auto m2 = try_parse_manifest(again);
    fuzz::check(m2.has_value(), "parse_manifest refuses what manifest_file wrote", file);
    fuzz::check(manifest_file(*m2) == file, "manifest_file -> parse_manifest -> manifest_file changes the bytes", file);
}

// The verdict verify_package should reach, step by step.
std::optional<std::string> expected_problem_path(const std::string& manifest, const std::string& sig,
                                                 const std::string& pub, EVP_PKEY* raw_pub,
                                                 const std::map<std::string, std::string>& files) {
    std::string trimmed = sig;
    while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
    const auto decoded = base64_decode(trimmed);
    if (!decoded) return "manifest.sig";
    if (!(raw_pub != nullptr ? raw_verify(raw_pub, manifest, *decoded) : verify(pub, manifest, *decoded)))
        return "manifest.sig";
    boost::system::error_code ec;
    const json::value parsed = json::parse(manifest, ec);
    if (ec) return "manifest.json";
    const auto m = try_parse_manifest(parsed);
    if (!m) return "manifest.json";
    for (const auto& o : m->objects) {
        const auto it = files.find(o.path);
        if (it == files.end() || it->second.size() != o.size || crypto::sha256_hex(it->second) != o.sha256)
            return o.path;
    }
    return std::nullopt;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    bool sign_it = false, fixup = false, other_key = false;
    std::string manifest, sig;
    std::optional<std::string> pub_override;
    std::map<std::string, std::string> files;
    for (const auto& s : fuzz::split_sections(input)) {
        const auto w = fuzz::words(s.header);
        if (w.empty()) continue;
        if (w[0] == "options") {
            for (std::size_t i = 1; i < w.size(); ++i) {
                sign_it = sign_it || w[i] == "sign";
                fixup = fixup || w[i] == "fixup";
                other_key = other_key || w[i] == "otherkey";
            }
        } else if (w[0] == "manifest") {
            manifest = std::string(s.body);
        } else if (w[0] == "sig") {
            sig = std::string(s.body);
        } else if (w[0] == "pubkey") {
            pub_override = std::string(s.body);
        } else if (w[0] == "file" && s.header.size() > 5) {
            files[std::string(s.header.substr(5))] = std::string(s.body);
        }
    }

    boost::system::error_code ec;
    json::value parsed = json::parse(manifest, ec);
    if (!ec) {
        if (const auto m = try_parse_manifest(parsed)) check_manifest_round_trip(*m);
        if (fixup && parsed.is_object()) {
            if (auto* objects = parsed.get_object().if_contains("objects"); objects && objects->is_array()) {
                for (auto& o : objects->get_array()) {
                    if (!o.is_object()) continue;
                    const auto* path = o.get_object().if_contains("path");
                    if (!path || !path->is_string()) continue;
                    const auto it = files.find(std::string(path->get_string()));
                    if (it == files.end()) continue;
                    o.get_object()["sha256"] = crypto::sha256_hex(it->second);
                    o.get_object()["size"] = it->second.size();
                }
            }
            manifest = canonical_file(parsed);
        }
    }
    if (sign_it) sig = base64_encode(raw_sign(manifest));
    static const bool same_signer = [] {
        // packager::sign with the PEM and the raw key sign alike (Ed25519 is deterministic).
        return packager::sign(private_pem, "ferry") == raw_sign("ferry");
    }();
    fuzz::check(same_signer, "packager::sign and OpenSSL's raw Ed25519 disagree");
    const std::string& pub = pub_override ? *pub_override : other_key ? other_public_pem : public_pem;
    EVP_PKEY* raw_pub = pub_override ? nullptr : other_key ? raw_keys().other : raw_keys().pub;

    const auto read_file = [&files](std::string_view path) -> std::optional<std::string> {
        const auto it = files.find(std::string(path));
        if (it == files.end()) return std::nullopt;
        return it->second;
    };
    std::optional<Problem> problem;
    try {
        problem = verify_package(manifest, sig, pub, read_file);
    } catch (const std::exception& e) {
        fuzz::fail("verify_package threw", e.what());
    }
    const auto expected = expected_problem_path(manifest, sig, pub, raw_pub, files);
    fuzz::check(problem.has_value() == expected.has_value(),
                "verify_package's verdict differs from the step-by-step one",
                std::string(problem ? "problem at " + problem->path : "passed") + " / expected " +
                    (expected ? *expected : "pass"));
    if (problem)
        fuzz::check(problem->path == *expected, "verify_package names another problem",
                    problem->path + " / " + *expected);
    if (!problem && !pub_override && !other_key) {
        std::string trimmed = sig;
        while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
        fuzz::check(raw_verify(raw_keys().pub, manifest, *base64_decode(trimmed)),
                    "a package passed whose signature OpenSSL refuses", sig);
    }
    if (!problem && other_key) fuzz::fail("a package signed with one key verified with another's", manifest);

    const auto decoded_sig = base64_decode(sig);
    for (const std::string* bytes : {&manifest, &sig}) {
        const auto back = base64_decode(base64_encode(*bytes));
        fuzz::check(back && *back == *bytes, "base64_decode(base64_encode(x)) != x", *bytes);
    }
    if (decoded_sig) {
        const auto back = base64_decode(base64_encode(*decoded_sig));
        fuzz::check(back && *back == *decoded_sig, "base64 round trip of a decoded signature", sig);
    }
    return 0;
}
