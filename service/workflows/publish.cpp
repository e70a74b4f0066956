#include "workflows/publish.hpp"

#include "core/crypto.hpp"
#include "observability/log.hpp"
#include "packager/manifest.hpp"
#include "packager/signing.hpp"
#include "workflows/journal.hpp"
#include "workflows/package_snapshot.hpp"
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

// A version numbered and reserved in the database (state publishing), with the files it will
// hold: written to the git store next, outside any transaction.
struct Reserved {
    PackageVersion version;
    std::map<std::string, std::string> files;
    std::optional<std::string> parent;
    std::size_t approvals = 0;  // in its manifest
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

// The tenant's active signing key, read (and its private half loaded) before any write
// transaction; a tenant created before signing keys existed gets its key on first use.
struct SigningKey {
    packager::SigningKeyRecord record;
    std::string private_pem;
};

SigningKey signing_key(const PublishServices& services, const std::string& tenant, Timestamp now) {
    auto active = services.store.read([&](Tx& tx) -> std::optional<packager::SigningKeyRecord> {
        for (const auto& k : tx.signing_keys(tenant))
            if (k.active) return k;
        return std::nullopt;
    });
    if (!active)
        active = services.store.write([&](Tx& tx) {
            for (const auto& k : tx.signing_keys(tenant))
                if (k.active) return k;
            auto record = services.keys.create(tenant, now);
            tx.insert_signing_key(record);
            return record;
        });
    return SigningKey{*active, services.keys.private_pem(tenant, active->key_id)};
}

std::optional<PackageVersion> latest_published(Tx& tx, const std::string& tenant, const std::string& package) {
    std::optional<PackageVersion> latest;
    for (auto& v : tx.package_versions(tenant, package))
        if (v.state == packager::VersionState::published) latest = std::move(v);
    return latest;
}

// What a version will hold: the snapshot's files, the manifest and its signature. Pure: no
// store, no git.
struct VersionContent {
    const packager::Package& package;
    PackageSnapshot snapshot;
    const std::optional<PackageVersion>& previous;
    const std::vector<approval::Approval>& approvals;
    std::string publisher;
    std::string review_id;
};

Reserved prepare(VersionContent content, const SigningKey& key, Timestamp now) {
    const packager::Package& package = content.package;
    packager::Manifest m;
    m.package = package.name;
    m.version = package.last_version + 1;
    m.tenant = package.tenant;
    m.source_sandbox = package.source_sandbox;
    m.created_at = format_rfc3339(now);
    m.created_by = content.publisher;
    m.objects = content.snapshot.objects;
    m.dependencies = content.snapshot.dependencies;
    for (const auto& a : content.approvals) m.approvals.push_back({a.user, a.digest, format_rfc3339(a.at)});
    if (content.previous) m.previous = content.previous->digest;
    m.key_id = key.record.key_id;
    const std::string manifest = packager::manifest_file(m);
    Reserved reserved;
    reserved.files = std::move(content.snapshot.files);
    reserved.files["manifest.json"] = manifest;
    reserved.files["manifest.sig"] = packager::base64_encode(packager::sign(key.private_pem, manifest));
    reserved.parent = content.previous ? std::optional(content.previous->commit) : std::nullopt;
    reserved.version = PackageVersion{package.tenant,
                                      package.name,
                                      m.version,
                                      packager::VersionState::publishing,
                                      "",
                                      packager::VersionStore::tag_name(package.name, m.version),
                                      "sha256:" + crypto::sha256_hex(manifest),
                                      content.publisher,
                                      now,
                                      content.review_id};
    reserved.approvals = content.approvals.size();
    return reserved;
}

// Numbers the version in `tx`: the package's last number must still be the one the version was
// prepared after (publishers of a package are serialized by its lease, so it is, unless the
// package was deleted meanwhile), and the key that signed it still the active one.
void reserve(Tx& tx, const Reserved& reserved, const std::string& key_id) {
    const PackageVersion& v = reserved.version;
    auto p = tx.package(v.tenant, v.package);
    if (!p || p->deleted) throw Error::not_found("package");
    if (p->last_version + 1 != v.version)
        throw Error(ErrorKind::unavailable, "store_failed",
                    "another version of the package was numbered meanwhile; retry");
    bool active = false;
    for (const auto& k : tx.signing_keys(v.tenant)) active = active || (k.active && k.key_id == key_id);
    if (!active)
        throw Error(ErrorKind::unavailable, "store_failed", "the tenant's signing key changed meanwhile; retry");
    p->last_version = v.version;
    tx.upsert_package(*p);
    tx.upsert_package_version(v);
}

// Writes a reserved version to the git store and records it. If the store refuses it, the
// reservation is released (and the approval that made it taken back) before the error goes up.
Published write_and_record(const PublishServices& services, const Actor& actor, Reserved& reserved) {
    Store& store = services.store;
    PackageVersion v = reserved.version;
    if (services.crash_hook) services.crash_hook("reserved");
    try {
        // Blocking git work: on the caller's worker thread, never on an I/O thread.
        v.commit = services.git
                       .publish(v.tenant, v.package, v.version, reserved.files, v.created_by,
                                to_millis(v.created_at) / 1000, reserved.parent)
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
            Journal journal(tx, actor);
            release_version(tx, journal, v, "the package store refused the version");
        });
        if (race) throw;
        throw Error(ErrorKind::unavailable, "store_failed", "the package store refused the version; retry");
    }
    v.state = packager::VersionState::published;
    store.write([&](Tx& tx) {
        Journal journal(tx, actor);
        record_published(tx, journal, v, {{"approvals", reserved.approvals}});
    });
    if (services.crash_hook) services.crash_hook("recorded");
    if (services.objects_published) services.objects_published(reserved.files.size() - 2);
    return Published{v, false};
}

Published publish_reserved(const PublishServices& services, const Actor& actor, const PublishRequest& request,
                           const SigningKey& key) {
    const std::string& tenant = actor.tenant;
    Store& store = services.store;
    // What the version holds is read in one read snapshot, and the manifest is built and signed
    // outside any transaction: on SQLite the write transaction runs on the one writer thread,
    // which every other write in the process waits for.
    struct Read {
        Package package;
        PackageSnapshot snapshot;
        std::optional<PackageVersion> previous;
    };
    Read read = store.read([&](Tx& tx) {
        Read r;
        auto p = tx.package(tenant, request.package);
        if (!p || p->deleted) throw Error::not_found("package");
        r.package = std::move(*p);
        r.snapshot = package_snapshot(tx, r.package);
        r.previous = latest_published(tx, tenant, request.package);
        return r;
    });
    if (!request.allow_empty && read.previous && same_files(services.git, *read.previous, read.snapshot.objects))
        return Published{*read.previous, true};
    Reserved reserved = prepare(
        VersionContent{read.package, std::move(read.snapshot), read.previous, request.approvals, request.publisher, ""},
        key, actor.at);
    store.write([&](Tx& tx) { reserve(tx, reserved, key.record.key_id); });
    return write_and_record(services, actor, reserved);
}

// Runs one publication under the package's lease, settling first what a dead node left, and
// again (settled anew) when the git store moved under it.
template <typename Attempt>
auto serialized(const PublishServices& services, const std::string& tenant, const std::string& package,
                Attempt attempt) {
    // One publisher per package at a time, across nodes: reservation, git and record happen in order.
    const std::unique_ptr<Lease> serialize = services.store.lock(package_lock_name(tenant, package));
    // A node that died mid-publish left its version half-done: settle it before numbering the next.
    // Settling reads the git store, which may be a git server out of reach just now: 503.
    const auto settle = [&](bool check_branch) {
        try {
            settle_package(services.store, services.git, tenant, package, check_branch);
        } catch (const packager::GitError& e) {
            log::error("settling a package failed", {{"request_id", services.request_id}, {"error", e.what()}});
            throw Error(ErrorKind::unavailable, "store_failed", "the package store cannot be read now; retry");
        }
    };
    settle(false);
    for (int n = 1;; ++n) {
        try {
            return attempt();
        } catch (const packager::GitRaceError& e) {
            // The package store moved under us (a node publishing without the lease, which it
            // loses only with its database connection): re-read it, settle, and go again.
            log::warn("publish lost a race in the package store",
                      {{"request_id", services.request_id}, {"error", e.what()}, {"attempt", n}});
            if (n == 3) throw Error(ErrorKind::unavailable, "store_failed", "the package store kept moving; retry");
            settle(true);
        }
    }
}

}  // namespace

Published publish(const PublishServices& services, const Actor& actor, const PublishRequest& request) {
    const SigningKey key = signing_key(services, actor.tenant, actor.at);
    return serialized(services, actor.tenant, request.package,
                      [&] { return publish_reserved(services, actor, request, key); });
}

Approved approve_review(const PublishServices& services, const Actor& actor, std::string_view review_id,
                        const std::string& comment) {
    Store& store = services.store;
    const approval::Review subject = store.read([&](Tx& tx) { return visible_review(tx, actor, review_id); });
    if (subject.subject_kind != approval::SubjectKind::package)
        return store.write([&](Tx& tx) {
            ApprovalOutcome o = approve(tx, actor, review_id, comment);
            return Approved{std::move(o.review), std::move(o.stale), std::nullopt};
        });
    // An approval that completes a package review publishes: the decision (eligibility under
    // current policies and roles, the content still the approved one), the version's number and
    // its reservation are one transaction. The content is read there once; the key is read
    // before it; the git store is written after it.
    const SigningKey key = signing_key(services, actor.tenant, actor.at);
    return serialized(services, actor.tenant, subject.subject_name, [&] {
        std::optional<Reserved> reserved;
        Approved out = store.write([&](Tx& tx) {
            reserved.reset();  // a transaction run again starts over
            ApprovalOutcome o = approve(tx, actor, review_id, comment);
            if (o.publish) {
                Publication& p = *o.publish;
                const auto previous = latest_published(tx, actor.tenant, p.package.name);
                reserved = prepare(VersionContent{p.package, std::move(p.snapshot), previous, p.approvals,
                                                  p.requested_by, o.review.id},
                                   key, actor.at);
                reserve(tx, *reserved, key.record.key_id);
            }
            return Approved{std::move(o.review), std::move(o.stale), std::nullopt};
        });
        if (reserved) {
            out.published = write_and_record(services, actor, *reserved).version;
            out.review = store.read([&](Tx& tx) { return *tx.review(actor.tenant, out.review.id); });
        }
        return out;
    });
}

std::optional<PackageVersion> unchanged_since_latest(Store& store, packager::VersionStore& git,
                                                     const std::string& tenant, const std::string& package) {
    struct Read {
        std::optional<PackageVersion> latest;
        PackageSnapshot snapshot;
    };
    Read read = store.read([&](Tx& tx) {
        Read r;
        const auto p = tx.package(tenant, package);
        if (!p || p->deleted) throw Error::not_found("package");
        for (const auto& v : tx.package_versions(tenant, package))
            if (v.state == packager::VersionState::published) r.latest = v;
        if (r.latest) r.snapshot = package_snapshot(tx, *p);
        return r;
    });
    if (read.latest && same_files(git, *read.latest, read.snapshot.objects)) return read.latest;
    return std::nullopt;
}

}  // namespace ferry::workflows
