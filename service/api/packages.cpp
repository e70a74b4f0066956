// Packages: what a tenant promotes from one sandbox to others. Versions are snapshots written to
// the tenant's git store, signed, immutable, numbered without reuse.

#include "workflows/packages.hpp"

#include "api/campaign_ops.hpp"
#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/packages.hpp"
#include "api/sandbox_objects.hpp"
#include "api/wire.hpp"
#include "campaigns/spec.hpp"
#include "core/canonical_json.hpp"
#include "core/crypto.hpp"
#include "core/json_diff.hpp"
#include "keys/key_store.hpp"
#include "observability/log.hpp"
#include "packager/canonical.hpp"
#include "packager/git_store.hpp"
#include "packager/manifest.hpp"
#include "packager/signing.hpp"
#include "workflows/package_snapshot.hpp"
#include "workflows/publish.hpp"
#include "workflows/reviews.hpp"
#include "workflows/tenants.hpp"

#include <boost/json/parse.hpp>

#include <charconv>
#include <set>

namespace ferry::api {

namespace json = boost::json;
using packager::Package;
using packager::PackageVersion;

namespace {

// Packages live in the tenant, but what they hold comes from one sandbox: the caller's rights
// there decide (invisible sandbox: the package does not exist for them).
void require_on_sandbox(const Context& ctx, const std::string& sandbox, Permission needed) {
    switch (ferry::authorize(ctx.caller, needed, ctx.caller.tenant, sandbox)) {
        case Decision::allow: return;
        case Decision::not_found: throw Error::not_found("package");
        case Decision::forbidden:
            throw Error(ErrorKind::forbidden, "forbidden",
                        "this needs the " + std::string(to_string(needed)) + " permission on sandbox " + sandbox);
    }
}

Package visible_package(Tx& tx, const Context& ctx, Permission needed) {
    auto p = tx.package(ctx.caller.tenant, ctx.param("package"));
    if (!p || p->deleted) throw Error::not_found("package");
    require_on_sandbox(ctx, p->source_sandbox, needed);
    return std::move(*p);
}

// A version number as sent: a canonical positive integer ("1", never "01", "+1" or "%31"), else
// 400 invalid_query naming the parameter, so a typo is told apart from a version that is absent.
Error not_a_version_number(std::string_view name) {
    return Error(ErrorKind::bad_request, "invalid_query", std::string(name) + " must be a version number: 1, 2, 3...",
                 {{"parameter", name}});
}

std::int64_t version_number(std::string_view name, std::string_view text) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < 1 || text.front() == '0')
        throw not_a_version_number(name);
    return v;
}

// The {version} path parameter, checked as it was sent (percent-encoded digits are not canonical).
std::int64_t version_path_param(const Context& ctx) {
    const std::string_view sent = ctx.encoded_param("version");
    if (sent != ctx.param("version")) throw not_a_version_number("version");
    return version_number("version", sent);
}

PackageVersion published_version(Tx& tx, const Package& p, std::int64_t number) {
    for (auto& v : tx.package_versions(p.tenant, p.name))
        if (v.version == number && v.state == packager::VersionState::published) return v;
    throw Error::not_found("version");
}

json::object package_json(Tx& tx, const Package& p) {
    json::array campaigns;
    json::array segments;
    json::array templates;
    std::set<std::string> seen;
    const std::vector<Campaign> roots = workflows::root_campaigns(tx, p);
    // A listed campaign that is gone stays visible, so that the refusal to publish is explained.
    for (const auto& id : p.campaigns)
        if (std::none_of(roots.begin(), roots.end(), [&](const Campaign& c) { return c.id == id; }))
            campaigns.push_back(json::object{{"id", id}, {"status", "missing"}});
    for (const Campaign& c : roots) {
        campaigns.push_back(
            json::object{{"id", c.id}, {"key", c.key}, {"name", c.spec.name}, {"status", to_string(c.status)}});
        // The dependency closure: what the campaigns refer to.
        if (c.spec.segment && seen.insert("s/" + *c.spec.segment).second)
            if (auto s = tx.segment(p.tenant, p.source_sandbox, *c.spec.segment))
                segments.push_back(json::object{{"id", s->id}, {"key", s->key}, {"name", s->name}});
        for (const auto& id : template_ids(c.spec))
            if (seen.insert("t/" + id).second)
                if (auto t = tx.template_(p.tenant, p.source_sandbox, id))
                    templates.push_back(json::object{{"id", t->id}, {"key", t->key}, {"name", t->name}});
    }
    return {{"name", p.name},
            {"source_sandbox", p.source_sandbox},
            {"kind", packager::to_string(p.kind)},
            {"description", p.description},
            {"campaigns", std::move(campaigns)},
            {"dependencies", json::object{{"segments", std::move(segments)}, {"templates", std::move(templates)}}},
            {"last_version", p.last_version},
            {"created_at", format_rfc3339(p.created_at)},
            {"created_by", p.created_by},
            {"updated_at", format_rfc3339(p.updated_at)},
            {"updated_by", p.updated_by}};
}

http::Response package_response(Tx& tx, int status, const Package& p) {
    http::Response res = json_response(status, package_json(tx, p));
    res.set_header("ETag", etag(p.created_at, p.revision));
    return res;
}

}  // namespace

json::object version_json(const PackageVersion& v) {
    return {{"version", v.version},
            {"commit", v.commit},
            {"tag", v.tag},
            {"digest", v.digest},
            {"created_at", format_rfc3339(v.created_at)},
            {"created_by", v.created_by}};
}

namespace {

// 200, not 201: no version was made; the latest one is the answer, marked unchanged.
http::Response unchanged_response(const PackageVersion& latest) {
    json::object out = version_json(latest);
    out["unchanged"] = true;
    return json_response(200, out);
}

packager::SigningKeyRecord active_key(Tx& tx, const Context& ctx) {
    auto keys = tx.signing_keys(ctx.caller.tenant);
    for (const auto& k : keys)
        if (k.active) return k;
    // A tenant created before signing keys existed gets its key on first use.
    auto record = ctx.services.keys->create(ctx.caller.tenant, ctx.now());
    tx.insert_signing_key(record);
    return record;
}

}  // namespace

http::Response list_packages(Context& ctx) {
    json::array items;
    ctx.store().read([&](Tx& tx) {
        for (const Package& p : tx.packages(ctx.caller.tenant))
            if (can_see_sandbox(ctx.caller, p.source_sandbox)) items.push_back(package_json(tx, p));
    });
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response create_package(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    Package p;
    p.name = f.required_string("name", 64);
    p.source_sandbox = f.required_string("source_sandbox", 64);
    const auto kind = packager::parse_package_kind(f.optional_string("kind", 16).value_or("partial"));
    p.description = f.optional_text("description", 2000).value_or("");
    const json::array* objects = f.optional_array("objects");
    f.finish();
    if (!is_slug(p.name)) throw Error::invalid_field("name", "name must be a slug: a-z, 0-9 and '-'");
    if (!kind) throw Error::invalid_field("kind", "kind must be partial or full");
    p.kind = *kind;
    if (p.kind == packager::PackageKind::full && objects && !objects->empty())
        throw Error::invalid_field("objects", "a full package holds every campaign of its sandbox: list none");
    require_on_sandbox(ctx, p.source_sandbox, Permission::sandbox_edit);
    const workflows::Actor actor = ctx.acting(ctx.now());
    return ctx.store().write(
        [&](Tx& tx) { return package_response(tx, 201, workflows::create_package(tx, actor, std::move(p), objects)); });
}

http::Response get_package(Context& ctx) {
    return ctx.store().read(
        [&](Tx& tx) { return package_response(tx, 200, visible_package(tx, ctx, Permission::sandbox_read)); });
}

http::Response update_package(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    const auto description = f.optional_text("description", 2000);
    const json::array* objects = f.optional_array("objects");
    f.finish();
    const workflows::Actor actor = ctx.acting(ctx.now());
    return ctx.store().write([&](Tx& tx) {
        Package p = visible_package(tx, ctx, Permission::sandbox_edit);
        ctx.require_if_match(etag(p.created_at, p.revision));
        return package_response(tx, 200, workflows::edit_package(tx, actor, std::move(p), description, objects));
    });
}

http::Response delete_package(Context& ctx) {
    const workflows::Actor actor = ctx.acting(ctx.now());
    ctx.store().write([&](Tx& tx) {
        Package p = visible_package(tx, ctx, Permission::sandbox_edit);
        ctx.require_if_match(etag(p.created_at, p.revision));
        workflows::delete_package(tx, actor, std::move(p));
    });
    return no_content();
}

http::Response add_to_package(Context& ctx, const json::object& body) {
    Fields f(body);
    const std::string name = f.required_string("package", 64);
    f.finish();
    const workflows::Actor actor = ctx.acting(ctx.now());
    return ctx.store().write([&](Tx& tx) {
        const Package p = workflows::add_campaign_to_package(tx, actor, name, std::string(ctx.param("sandbox")),
                                                             std::string(ctx.param("campaign")));
        return package_response(tx, 200, p);
    });
}

workflows::PublishServices publish_services(Context& ctx) {
    return workflows::PublishServices{ctx.store(),
                                      *ctx.services.git,
                                      *ctx.services.keys,
                                      ctx.request_id,
                                      ctx.services.crash_hook,
                                      [&ctx] { ctx.services.metrics.git_store_error("publish"); },
                                      [&ctx](std::size_t n) { ctx.services.metrics.package_objects_published(n); }};
}

Published publish_package(Context& ctx, const std::string& name, const std::string& publisher, bool allow_empty) {
    Metrics::Measurement measured(ctx.services.metrics, Metrics::UseCase::publish);
    Published published =
        workflows::publish(publish_services(ctx), ctx.acting(ctx.now()), {name, {}, publisher, allow_empty});
    measured.outcome(published.unchanged ? "unchanged" : "published");
    return published;
}

http::Response publish_version(Context& ctx) {
    const json::object body = ctx.body();
    Fields f(body);
    const bool allow_empty = f.optional_bool("allow_empty").value_or(false);
    f.finish();
    const std::string name(ctx.param("package"));
    const workflows::Actor actor = ctx.acting(ctx.now());
    const bool gated = ctx.store().read([&](Tx& tx) {
        return workflows::package_review_required(tx, actor, visible_package(tx, ctx, Permission::sandbox_edit));
    });
    // Nothing to publish is not a change to review either. (Ungated, the publish itself finds
    // out, from the snapshot it reads anyway.)
    if (gated && !allow_empty)
        if (const auto latest =
                workflows::unchanged_since_latest(ctx.store(), *ctx.services.git, ctx.caller.tenant, name))
            return unchanged_response(*latest);
    // A package-scope policy puts a review in front of the version: 202, published on approval.
    const std::optional<approval::Review> review = ctx.store().write([&](Tx& tx) {
        return workflows::request_package_review(tx, actor, visible_package(tx, ctx, Permission::sandbox_edit));
    });
    if (review)
        return json_response(202,
                             json::object{{"review", review->id}, {"state", "pending"}, {"digest", review->digest}});
    const Published published = publish_package(ctx, name, ctx.actor(), allow_empty);
    if (published.unchanged) return unchanged_response(published.version);
    return json_response(201, version_json(published.version));
}

http::Response list_versions(Context& ctx) {
    json::array items;
    ctx.store().read([&](Tx& tx) {
        const Package p = visible_package(tx, ctx, Permission::sandbox_read);
        for (const auto& v : tx.package_versions(p.tenant, p.name))
            if (v.state == packager::VersionState::published) items.push_back(version_json(v));
    });
    return json_response(200, json::object{{"items", std::move(items)}});
}

namespace {

struct VersionFiles {
    PackageVersion version;
    std::map<std::string, std::string> files;
    std::string public_pem;
};

VersionFiles load_version(Context& ctx, std::int64_t number) {
    VersionFiles out;
    std::string key_id;
    ctx.store().read([&](Tx& tx) {
        const Package p = visible_package(tx, ctx, Permission::sandbox_read);
        out.version = published_version(tx, p, number);
    });
    // Read from the store itself, the source of truth.
    out.files = ctx.services.git->read_version(ctx.caller.tenant, out.version.package, number);
    // The key that signed this version, even if the tenant's key has rotated since.
    const auto m = json::parse(out.files.at("manifest.json"));
    const std::string id(m.at("key_id").as_string());
    ctx.store().read([&](Tx& tx) {
        for (const auto& k : tx.signing_keys(ctx.caller.tenant))
            if (k.key_id == id) out.public_pem = k.public_pem;
    });
    return out;
}

json::object objects_json(const std::map<std::string, std::string>& files) {
    json::object out;
    for (const auto& [path, bytes] : files)
        if (path != "manifest.json" && path != "manifest.sig") out[path] = json::parse(bytes);
    return out;
}

}  // namespace

http::Response get_version(Context& ctx) {
    const VersionFiles vf = load_version(ctx, version_path_param(ctx));
    const auto problem =
        packager::verify_package(vf.files.at("manifest.json"), vf.files.at("manifest.sig"), vf.public_pem,
                                 [&](std::string_view path) -> std::optional<std::string> {
                                     auto it = vf.files.find(std::string(path));
                                     if (it == vf.files.end()) return std::nullopt;
                                     return it->second;
                                 });
    json::value verification = json::object{{"ok", !problem}};
    if (problem) verification = json::object{{"ok", false}, {"path", problem->path}, {"reason", problem->reason}};
    json::object out = version_json(vf.version);
    out["manifest"] = json::parse(vf.files.at("manifest.json"));
    out["objects"] = objects_json(vf.files);
    out["verification"] = std::move(verification);
    return json_response(200, out);
}

http::Response diff_versions(Context& ctx) {
    const auto from_text = ctx.query("from");
    if (!from_text)
        throw Error(ErrorKind::bad_request, "invalid_query", "from is required: the version to compare with",
                    {{"parameter", "from"}});
    const std::int64_t to_number = version_path_param(ctx);
    if (ctx.encoded_query_value("from") != from_text) throw not_a_version_number("from");
    const std::int64_t from_number = version_number("from", *from_text);
    const VersionFiles to = load_version(ctx, to_number);
    const VersionFiles from = load_version(ctx, from_number);
    json::array added, removed, changed;
    const auto a = objects_json(from.files);
    const auto b = objects_json(to.files);
    for (const auto& [path, value] : b) {
        const auto* old = a.if_contains(path);
        if (!old)
            added.emplace_back(path);
        else if (*old != value)
            changed.push_back(json::object{{"path", path}, {"fields", json_diff(*old, value)}});
    }
    for (const auto& [path, value] : a)
        if (!b.contains(path)) removed.emplace_back(path);
    return json_response(200, json::object{{"from", from.version.version},
                                           {"to", to.version.version},
                                           {"added", std::move(added)},
                                           {"removed", std::move(removed)},
                                           {"changed", std::move(changed)}});
}

http::Response export_version(Context& ctx) {
    const VersionFiles vf = load_version(ctx, version_path_param(ctx));
    json::object files;
    for (const auto& [path, bytes] : vf.files)
        if (path != "manifest.json" && path != "manifest.sig") files[path] = bytes;
    const auto m = json::parse(vf.files.at("manifest.json"));
    // Everything needed to verify offline, with the exact bytes that were signed.
    return json_response(200, json::object{{"format", "ferry-package-export-1"},
                                           {"package", vf.version.package},
                                           {"version", vf.version.version},
                                           {"tenant", ctx.caller.tenant},
                                           {"key_id", m.at("key_id")},
                                           {"public_key_pem", vf.public_pem},
                                           {"manifest", vf.files.at("manifest.json")},
                                           {"signature", vf.files.at("manifest.sig")},
                                           {"files", std::move(files)}});
}

http::Response rotate_signing_key(Context& ctx) {
    Fields(ctx.body()).finish();
    const workflows::Actor actor = ctx.acting(ctx.now());
    ctx.store().write([&](Tx& tx) { workflows::rotate_signing_key(tx, actor, *ctx.services.keys); });
    return get_signing_key(ctx);
}

http::Response get_signing_key(Context& ctx) {
    return ctx.store().write([&](Tx& tx) {
        const auto active = active_key(tx, ctx);
        json::array previous;
        for (const auto& k : tx.signing_keys(ctx.caller.tenant))
            if (k.key_id != active.key_id)
                previous.push_back(json::object{{"key_id", k.key_id},
                                                {"public_key_pem", k.public_pem},
                                                {"created_at", format_rfc3339(k.created_at)}});
        return json_response(200, json::object{{"key_id", active.key_id},
                                               {"public_key_pem", active.public_pem},
                                               {"previous_keys", std::move(previous)}});
    });
}

}  // namespace ferry::api
