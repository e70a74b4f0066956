#include "manifest.hpp"

#include "canonical.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"
#include "core/fields.hpp"
#include "signing.hpp"

#include <boost/json/parse.hpp>

namespace ferry::packager {

namespace json = boost::json;

json::object to_json(const Manifest& m) {
    json::array objects;
    for (const auto& o : m.objects)
        objects.push_back(json::object{{"kind", to_string(o.kind)},
                                       {"key", o.key},
                                       {"name", o.name},
                                       {"path", o.path},
                                       {"sha256", o.sha256},
                                       {"size", o.size}});
    json::array approvals;
    for (const auto& a : m.approvals)
        approvals.push_back(json::object{{"user", a.user}, {"digest", a.digest}, {"at", a.at}});
    return {{"package", m.package},
            {"version", m.version},
            {"tenant", m.tenant},
            {"source_sandbox", m.source_sandbox},
            {"created_at", m.created_at},
            {"created_by", m.created_by},
            {"objects", std::move(objects)},
            {"dependencies", m.dependencies},
            {"approvals", std::move(approvals)},
            {"previous", m.previous.empty() ? json::value(nullptr) : json::value(m.previous)},
            {"key_id", m.key_id}};
}

Manifest parse_manifest(const json::value& value) {
    if (!value.is_object()) throw Error::invalid_field("manifest", "manifest.json must hold an object");
    Fields f(value.get_object(), "manifest");
    Manifest m;
    m.package = f.required_string("package", 200);
    m.version = f.optional_integer("version", 1, INT64_MAX).value_or(0);
    if (m.version == 0) throw Error::invalid_field("manifest.version", "version is required");
    m.tenant = f.required_string("tenant", 64);
    m.source_sandbox = f.required_string("source_sandbox", 64);
    m.created_at = f.required_string("created_at", 64);
    m.created_by = f.required_string("created_by", 64);
    const json::array& objects = f.required_array("objects");
    for (std::size_t i = 0; i < objects.size(); ++i) {
        const std::string path = "manifest.objects[" + std::to_string(i) + "]";
        if (!objects[i].is_object()) throw Error::invalid_field(path, path + " must be an object");
        Fields o(objects[i].get_object(), path);
        ManifestObject obj;
        const std::string kind = o.required_string("kind", 32);
        const auto parsed_kind = parse_object_kind(kind);
        if (!parsed_kind)
            throw Error::invalid_field(path + ".kind", path + ".kind must be campaign, segment or template");
        obj.kind = *parsed_kind;
        obj.key = o.required_string("key", 64);
        obj.name = o.required_string("name", 200);
        obj.path = o.required_string("path", 300);
        obj.sha256 = o.required_string("sha256", 64);
        obj.size = static_cast<std::uint64_t>(o.optional_integer("size", 0, INT64_MAX).value_or(0));
        o.finish();
        m.objects.push_back(std::move(obj));
    }
    if (const json::array* deps = f.optional_array("dependencies")) m.dependencies = *deps;
    if (const json::array* approvals = f.optional_array("approvals")) {
        for (std::size_t i = 0; i < approvals->size(); ++i) {
            const std::string path = "manifest.approvals[" + std::to_string(i) + "]";
            if (!(*approvals)[i].is_object()) throw Error::invalid_field(path, path + " must be an object");
            Fields a((*approvals)[i].get_object(), path);
            ManifestApproval approval{a.required_string("user", 64), a.required_string("digest", 80),
                                      a.required_string("at", 64)};
            a.finish();
            m.approvals.push_back(std::move(approval));
        }
    }
    if (auto previous = f.optional_nullable_string("previous", 80); previous && *previous) m.previous = **previous;
    m.key_id = f.required_string("key_id", 64);
    f.finish();
    return m;
}

std::string manifest_file(const Manifest& m) { return canonical_file(to_json(m)); }

ManifestObject describe(ObjectKind kind, std::string key, std::string name, std::string path, std::string_view bytes) {
    return ManifestObject{kind,        std::move(key), std::move(name), std::move(path), crypto::sha256_hex(bytes),
                          bytes.size()};
}

std::optional<Problem> verify_package(
    const std::string& manifest_bytes, const std::string& signature_base64, const std::string& public_pem,
    const std::function<std::optional<std::string>(std::string_view path)>& read_file) {
    std::string trimmed = signature_base64;
    while (!trimmed.empty() && (trimmed.back() == '\n' || trimmed.back() == '\r')) trimmed.pop_back();
    const auto signature = base64_decode(trimmed);
    if (!signature) return Problem{"manifest.sig", "not base64"};
    // The signature comes first: nothing in an unsigned manifest is worth reading.
    if (!verify(public_pem, manifest_bytes, *signature))
        return Problem{"manifest.sig", "the signature does not verify with the tenant's public key"};
    boost::system::error_code ec;
    const json::value parsed = json::parse(manifest_bytes, ec);
    if (ec) return Problem{"manifest.json", "not JSON"};
    Manifest m;
    try {
        m = parse_manifest(parsed);
    } catch (const Error& e) {
        return Problem{"manifest.json", e.message()};
    }
    for (const auto& o : m.objects) {
        const auto bytes = read_file(o.path);
        if (!bytes) return Problem{o.path, "missing"};
        if (bytes->size() != o.size) return Problem{o.path, "size differs from the manifest"};
        if (crypto::sha256_hex(*bytes) != o.sha256) return Problem{o.path, "SHA-256 differs from the manifest"};
    }
    return std::nullopt;
}

}  // namespace ferry::packager
