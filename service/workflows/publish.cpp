#include "workflows/publish.hpp"

#include "core/crypto.hpp"
#include "observability/log.hpp"
#include "packager/manifest.hpp"
#include "packager/signing.hpp"
#include "packages/snapshot.hpp"
#include "workflows/journal.hpp"
#include "workflows/recovery.hpp"
#include "workflows/reviews.hpp"

#include <boost/json/parse.hpp>

#include <map>
#include <set>
#include <utility>

namespace ferry::workflows {

namespace json = boost::json;
using packager::Package;
using packager::PackageVersion;

namespace {

struct Reserved {
    PackageVersion version;
    std::map<std::string, std::string> files;
    std::optional<std::string> parent;
};

// Whether the files a snapshot would publish are exactly those of a published version, by the
// path and SHA-256 its manifest lists for each (the manifest and signature aside, which always
// differ).
bool same_files(packager::VersionStore& git, const PackageVersion& version,
                const std::vector<packager::ManifestObject>& objects) {
    const auto manifest = git.read_version_file(version.tenant, version.package, version.version, "manifest.json");
    if (!manifest) return false;
    std::set<std::pair<std::string, std::string>> before, now;
    for (const auto& o : packager::parse_manifest(json::parse(*manifest)).objects) before.emplace(o.path, o.sha256);
    for (const auto& o : objects) now.emplace(o.path, o.sha256);
    return before == now;
}

packager::SigningKeyRecord active_key(Tx& tx, const packages::KeyStore& keys, const std::string& tenant,
                                      Timestamp now) {
    for (const auto& k : tx.signing_keys(tenant))
        if (k.active) return k;
    // A tenant created before signing keys existed gets its key on first use.
    auto record = keys.create(tenant, now);
    tx.insert_signing_key(record);
    return record;
}

Published publish_reserved(const PublishServices& services, const Actor& actor, const PublishRequest& request) {
    const std::string& tenant = actor.tenant;
    const std::string& name = request.package;
    const Timestamp now = actor.at;
    Store& store = services.store;
    // What the version holds is read in one read snapshot, and the manifest is built and signed
    // outside any transaction: on SQLite the write transaction runs on the one writer thread,
    // which every other write in the process waits for. The reservation that follows only
    // checks that the number read is still the next one (publishers of a package are serialized
    // by its lease, so it is, unless the package was deleted meanwhile).
    struct Read {
        Package package;
        packages::Snapshot snapshot;
        std::optional<packager::SigningKeyRecord> key;
        std::optional<PackageVersion> previous;
    };
    Read read = store.read([&](Tx& tx) {
        Read r;
        auto p = tx.package(tenant, name);
        if (!p || p->deleted) throw Error::not_found("package");
        r.package = std::move(*p);
        r.snapshot = packages::snapshot(tx, r.package);
        for (const auto& k : tx.signing_keys(tenant))
            if (k.active && !r.key) r.key = k;
        for (const auto& v : tx.package_versions(tenant, name))
            if (v.state == packager::VersionState::published) r.previous = v;
        return r;
    });
    if (request.expected_digest && package_content_digest(read.package, read.snapshot) != *request.expected_digest)
        throw Error::conflict("review_stale",
                              "the package's content changed since it was approved: publish again to "
                              "request a new review");
    if (!request.allow_empty && read.previous && same_files(services.git, *read.previous, read.snapshot.objects))
        return Published{*read.previous, true};
    if (!read.key) read.key = store.write([&](Tx& tx) { return active_key(tx, services.keys, tenant, now); });
    packager::Manifest m;
    m.package = name;
    m.version = read.package.last_version + 1;
    m.tenant = tenant;
    m.source_sandbox = read.package.source_sandbox;
    m.created_at = format_rfc3339(now);
    m.created_by = request.publisher;
    m.objects = read.snapshot.objects;
    m.dependencies = read.snapshot.dependencies;
    for (const auto& a : request.approvals) m.approvals.push_back({a.user, a.digest, format_rfc3339(a.at)});
    if (read.previous) m.previous = read.previous->digest;
    m.key_id = read.key->key_id;
    const std::string manifest = packager::manifest_file(m);
    Reserved reserved;
    reserved.files = std::move(read.snapshot.files);
    reserved.files["manifest.json"] = manifest;
    reserved.files["manifest.sig"] =
        packager::base64_encode(packager::sign(services.keys.private_pem(tenant, read.key->key_id), manifest));
    reserved.parent = read.previous ? std::optional(read.previous->commit) : std::nullopt;
    reserved.version = PackageVersion{tenant,
                                      name,
                                      m.version,
                                      packager::VersionState::publishing,
                                      "",
                                      packager::VersionStore::tag_name(name, m.version),
                                      "sha256:" + crypto::sha256_hex(manifest),
                                      request.publisher,
                                      now,
                                      ""};
    store.write([&](Tx& tx) {
        auto p = tx.package(tenant, name);
        if (!p || p->deleted) throw Error::not_found("package");
        if (p->last_version != read.package.last_version)
            throw Error(ErrorKind::unavailable, "store_failed",
                        "another version of the package was numbered meanwhile; retry");
        p->last_version = m.version;
        tx.upsert_package(*p);
        tx.upsert_package_version(reserved.version);
    });
    PackageVersion v = reserved.version;
    if (services.crash_hook) services.crash_hook("reserved");
    try {
        // Blocking git work: on the caller's worker thread, never on an I/O thread.
        v.commit =
            services.git
                .publish(tenant, name, v.version, reserved.files, v.created_by, to_millis(now) / 1000, reserved.parent)
                .commit;
    } catch (const packager::GitError& e) {
        const bool race = dynamic_cast<const packager::GitRaceError*>(&e) != nullptr;
        if (!race) {
            log::error("publish failed", {{"request_id", services.request_id}, {"error", e.what()}});
            if (services.git_error) services.git_error();
        }
        // VersionStore::publish moves no ref when it throws (a branch it moved is put back by
        // compare-and-swap), so there is nothing to reset here: forcing the branch back could undo
        // another node's version.
        store.write([&](Tx& tx) {
            tx.delete_package_version(tenant, name, v.version);
            if (auto p = tx.package(tenant, name); p && p->last_version == v.version) {
                --p->last_version;
                tx.upsert_package(*p);
            }
        });
        if (race) throw;
        throw Error(ErrorKind::unavailable, "store_failed", "the package store refused the version; retry");
    }
    v.state = packager::VersionState::published;
    store.write([&](Tx& tx) {
        tx.upsert_package_version(v);
        Journal journal(tx, actor);
        journal.record(tenant, "package.publish", "packages/" + name + "/versions/" + std::to_string(v.version),
                       {{"commit", v.commit}, {"digest", v.digest}, {"approvals", request.approvals.size()}});
        journal.emit(PackagePublished{v});
    });
    if (services.crash_hook) services.crash_hook("recorded");
    if (services.objects_published) services.objects_published(reserved.files.size() - 2);
    return Published{v, false};
}

}  // namespace

Published publish(const PublishServices& services, const Actor& actor, const PublishRequest& request) {
    // One publisher per package at a time, across nodes: reservation, git and record happen in order.
    const std::unique_ptr<Lease> serialize = services.store.lock(packages::lock_name(actor.tenant, request.package));
    // A node that died mid-publish left its version half-done: settle it before numbering the next.
    packages::settle(services.store, services.git, actor.tenant, request.package);
    for (int attempt = 1;; ++attempt) {
        try {
            return publish_reserved(services, actor, request);
        } catch (const packager::GitRaceError& e) {
            // The package store moved under us (a node publishing without the lease, which it
            // loses only with its database connection): re-read it, settle, and go again.
            log::warn("publish lost a race in the package store",
                      {{"request_id", services.request_id}, {"error", e.what()}, {"attempt", attempt}});
            if (attempt == 3)
                throw Error(ErrorKind::unavailable, "store_failed", "the package store kept moving; retry");
            packages::settle(services.store, services.git, actor.tenant, request.package);
        }
    }
}

std::optional<PackageVersion> unchanged_since_latest(Store& store, packager::VersionStore& git,
                                                     const std::string& tenant, const std::string& package) {
    struct Read {
        std::optional<PackageVersion> latest;
        packages::Snapshot snapshot;
    };
    Read read = store.read([&](Tx& tx) {
        Read r;
        const auto p = tx.package(tenant, package);
        if (!p || p->deleted) throw Error::not_found("package");
        for (const auto& v : tx.package_versions(tenant, package))
            if (v.state == packager::VersionState::published) r.latest = v;
        if (r.latest) r.snapshot = packages::snapshot(tx, *p);
        return r;
    });
    if (read.latest && same_files(git, *read.latest, read.snapshot.objects)) return read.latest;
    return std::nullopt;
}

}  // namespace ferry::workflows
