#include "workflows/sync.hpp"

#include "campaigns/lifecycle.hpp"
#include "core/canonical_json.hpp"
#include "core/crypto.hpp"
#include "core/fields.hpp"
#include "observability/log.hpp"
#include "packager/merge.hpp"
#include "workflows/import_target.hpp"
#include "workflows/imports.hpp"
#include "workflows/journal.hpp"
#include "workflows/outbox.hpp"
#include "workflows/package_snapshot.hpp"

#include <boost/json/parse.hpp>

#include <map>
#include <set>
#include <utility>

namespace ferry::workflows {

namespace json = boost::json;
using pipelines::Promotion;
using pipelines::Subscription;

namespace {

constexpr std::size_t subscriptions_per_pass = 1000;
constexpr std::size_t sandboxes_per_pass = 1000;

std::string id_of(ObjectKind kind, const std::string& key) { return std::string(to_string(kind)) + "/" + key; }

std::string package_path(ObjectKind kind, const std::string& key) {
    switch (kind) {
        case ObjectKind::segment: return "segments/" + key + ".json";
        case ObjectKind::template_: return "templates/" + key + ".json";
        case ObjectKind::campaign: break;
    }
    return "campaigns/" + key + ".json";
}

// Content: without the fields that only describe an object's state in one sandbox.
json::object content_of(json::object form) {
    form.erase("status");
    form.erase("live_version");
    return form;
}

// An imported object whose content now differs from what its last import wrote, and from any
// content adopted since.
struct Drifted {
    ImportOrigin origin;
    std::string key;  // its key in the sandbox
    std::string name;
    json::object current;  // its content, in package form under the package's key
    std::string current_digest;
    std::optional<DriftMark> mark;
};

std::vector<Drifted> find_drift(Tx& tx, const std::string& tenant, const std::string& sandbox) {
    std::map<std::pair<ObjectKind, std::string>, ImportOrigin> origins;
    for (auto& o : tx.import_origins(tenant, sandbox)) origins.emplace(std::pair{o.kind, o.object_id}, std::move(o));
    if (origins.empty()) return {};
    std::map<std::pair<ObjectKind, std::string>, DriftMark> marks;
    for (auto& m : tx.drift_marks(tenant, sandbox)) marks.emplace(std::pair{m.kind, m.object_id}, std::move(m));
    // An object still at the revision its import left it at cannot have drifted: only objects
    // changed since are read in full.
    std::map<std::string, std::map<std::pair<ObjectKind, std::string>, std::int64_t>> revisions_after;
    const auto untouched = [&](const ImportOrigin& origin, std::int64_t revision) {
        auto it = revisions_after.find(origin.import_id);
        if (it == revisions_after.end()) {
            std::map<std::pair<ObjectKind, std::string>, std::int64_t> by_object;
            for (const auto& touch : tx.import_touches(tenant, origin.import_id))
                by_object[{touch.kind, touch.object_id}] = touch.revision_after;
            it = revisions_after.emplace(origin.import_id, std::move(by_object)).first;
        }
        const auto after = it->second.find({origin.kind, origin.object_id});
        return after != it->second.end() && after->second == revision;
    };

    std::vector<Drifted> out;
    const auto consider = [&](ObjectKind kind, const std::string& id, const std::string& key, const std::string& name,
                              std::int64_t revision, const auto& form_of) {
        const auto origin = origins.find({kind, id});
        if (origin == origins.end() || untouched(origin->second, revision)) return;
        json::object form = form_of();
        form["key"] = origin->second.source_key;
        json::object current = content_of(std::move(form));
        std::string digest = content_digest(current);
        if (digest == origin->second.content_digest) return;
        const auto mark = marks.find({kind, id});
        if (mark != marks.end() && mark->second.adopted_digest == digest) return;
        out.push_back(Drifted{origin->second, key, name, std::move(current), std::move(digest),
                              mark == marks.end() ? std::nullopt : std::optional(mark->second)});
    };

    const imports::TargetForms forms(tx, tenant, sandbox);
    for (const auto& s : tx.segments(tenant, sandbox, true))
        consider(ObjectKind::segment, s.id, s.key, s.name, s.revision, [&] { return segment_object(s); });
    for (const auto& t : tx.templates(tenant, sandbox, true))
        consider(ObjectKind::template_, t.id, t.key, t.name, t.revision, [&] { return template_object(t); });
    CampaignQuery q;
    q.tenant = tenant;
    q.sandbox = sandbox;
    q.limit = 10'000'000;
    q.count_cap = 0;
    for (const Campaign& c : tx.campaigns(q).items)
        consider(ObjectKind::campaign, c.id, c.key, c.spec.name, c.revision, [&] { return forms.campaign(c); });
    std::sort(out.begin(), out.end(), [](const Drifted& a, const Drifted& b) {
        return std::pair{a.origin.kind, a.key} < std::pair{b.origin.kind, b.key};
    });
    return out;
}

// What the last import wrote: kept with the provenance for a merge, else the package's file.
std::optional<json::object> imported_content(packager::VersionStore& git, const ImportOrigin& origin) {
    try {
        std::optional<std::string> text = origin.written;
        if (origin.written.empty())
            text = git.read_version_file(origin.tenant, origin.package, origin.version,
                                         package_path(origin.kind, origin.source_key));
        if (!text) return std::nullopt;
        json::value v = json::parse(*text);
        if (!v.is_object()) return std::nullopt;
        return content_of(std::move(v.get_object()));
    } catch (const std::exception& e) {
        log::warn("drift: imported content unreadable",
                  {{"package", origin.package}, {"version", origin.version}, {"error", e.what()}});
        return std::nullopt;
    }
}

json::object drift_json(packager::VersionStore& git, const Drifted& d) {
    json::array changes;
    if (const auto imported = imported_content(git, d.origin))
        for (const auto& path : packager::differing_paths(*imported, d.current)) {
            json::object change{{"path", path}};
            if (auto v = packager::value_at(*imported, path)) change["imported"] = std::move(*v);
            if (auto v = packager::value_at(d.current, path)) change["current"] = std::move(*v);
            changes.push_back(std::move(change));
        }
    const bool announced = d.mark && d.mark->seen_digest == d.current_digest;
    return {
        {"kind", to_string(d.origin.kind)},
        {"id", d.origin.object_id},
        {"key", d.key},
        {"name", d.name},
        {"package", d.origin.package},
        {"version", d.origin.version},
        {"import", d.origin.import_id},
        {"imported_digest", d.origin.content_digest},
        {"current_digest", d.current_digest},
        {"changes", std::move(changes)},
        {"detected_at", announced ? json::value(format_rfc3339(d.mark->detected_at)) : json::value(nullptr)},
        {"resync", json::object{{"package", d.origin.package},
                                {"version", d.origin.version},
                                {"overrides", json::object{{id_of(d.origin.kind, d.origin.source_key), "update"}}}}}};
}

DriftMark mark_of(const Drifted& d) {
    if (d.mark) return *d.mark;
    DriftMark m;
    m.tenant = d.origin.tenant;
    m.sandbox = d.origin.sandbox;
    m.kind = d.origin.kind;
    m.object_id = d.origin.object_id;
    return m;
}

}  // namespace

json::array drift_of(Tx& tx, packager::VersionStore& git, const Actor& actor, const std::string& sandbox) {
    or_not_found(tx.sandbox(actor.tenant, sandbox), "sandbox");
    json::array items;
    for (const auto& d : find_drift(tx, actor.tenant, sandbox)) items.push_back(drift_json(git, d));
    return items;
}

json::object adopt_drift(Tx& tx, packager::VersionStore& git, const Actor& actor, const std::string& sandbox,
                         ObjectKind kind, const std::string& id) {
    or_not_found(tx.sandbox(actor.tenant, sandbox), "sandbox");
    for (const auto& d : find_drift(tx, actor.tenant, sandbox)) {
        if (d.origin.kind != kind || d.origin.object_id != id) continue;
        DriftMark m = mark_of(d);
        if (m.seen_digest.empty()) {
            // Adopted before the scheduler saw it: it counts as seen, so it is never announced.
            m.seen_digest = d.current_digest;
            m.detected_at = actor.at;
        }
        m.adopted_digest = d.current_digest;
        m.adopted_by = actor.name();
        m.adopted_at = actor.at;
        tx.upsert_drift_mark(m);
        Journal(tx, actor).record(actor.tenant, "drift.adopt", std::string(to_string(kind)) + "s/" + id,
                                  {{"sandbox", sandbox},
                                   {"key", d.key},
                                   {"package", d.origin.package},
                                   {"version", d.origin.version},
                                   {"content_digest", d.current_digest}});
        json::object out = drift_json(git, d);
        out["adopted"] = json::object{{"by", actor.name()}, {"at", format_rfc3339(actor.at)}};
        return out;
    }
    throw Error::not_found("drifted object");
}

std::size_t detect_drift(Store& store, Timestamp now) {
    std::size_t announced = 0;
    for (const auto& [tenant, sandbox] :
         store.read([&](Tx& tx) { return tx.sandboxes_with_origins(sandboxes_per_pass); })) {
        try {
            announced += store.write([&](Tx& tx) {
                Actor actor = Actor::scheduler(now);
                actor.tenant = tenant;
                std::size_t n = 0;
                // Re-read in the write transaction: another node that announced first leaves its mark.
                for (const auto& d : find_drift(tx, tenant, sandbox)) {
                    if (d.mark && d.mark->seen_digest == d.current_digest) continue;
                    DriftMark m = mark_of(d);
                    m.seen_digest = d.current_digest;
                    m.detected_at = now;
                    tx.upsert_drift_mark(m);
                    json::object data{{"sandbox", sandbox},
                                      {"kind", to_string(d.origin.kind)},
                                      {"id", d.origin.object_id},
                                      {"key", d.key},
                                      {"package", d.origin.package},
                                      {"version", d.origin.version},
                                      {"current_digest", d.current_digest}};
                    Journal(tx, actor).record(tenant, "drift.detected",
                                              std::string(to_string(d.origin.kind)) + "s/" + d.origin.object_id, data);
                    webhooks::emit(tx, tenant, "drift.detected", std::move(data), now);
                    ++n;
                }
                return n;
            });
        } catch (const std::exception& e) {
            log::warn("drift detection failed", {{"tenant", tenant}, {"sandbox", sandbox}, {"error", e.what()}});
        }
    }
    return announced;
}

namespace {

// The import options a subscription keeps, checked as an import would check them.
json::object subscription_options(Fields& f, const std::string& package) {
    json::object options;
    for (const char* key : {"conflict_policy", "overrides", "bindings"})
        if (const json::value* v = f.optional_value(key)) options[key] = *v;
    json::object check = options;
    check["package"] = package;
    check["version"] = 1;
    read_import_request(check);  // 422 naming the field
    return options;
}

void save(Tx& tx, const Actor& actor, Subscription& s) {
    s.updated_at = actor.at;
    s.updated_by = actor.name();
    ++s.revision;
    tx.upsert_subscription(s);
}

// The newest version the subscription's sandbox may take: in a pipeline stage after the first,
// the newest applied to the previous stage (or published, when that stage is the package's own
// sandbox); otherwise the newest published.
std::optional<std::int64_t> newest_available(Tx& tx, const Subscription& s, const packager::Package& package) {
    std::string previous;
    if (const auto pipeline = tx.pipeline_of_sandbox(s.tenant, s.sandbox)) {
        const std::size_t position = *pipeline->position_of(s.sandbox);
        if (position > 0) previous = pipeline->stages[position - 1].sandbox;
    }
    if (!previous.empty() && previous != package.source_sandbox) {
        const auto last = tx.last_applied_import(s.tenant, previous, s.package);
        return last ? std::optional(last->version) : std::nullopt;
    }
    std::optional<std::int64_t> newest;
    for (const auto& v : tx.package_versions(s.tenant, s.package))
        if (v.state == packager::VersionState::published && (!newest || v.version > *newest)) newest = v.version;
    return newest;
}

}  // namespace

Subscription create_subscription(Tx& tx, const Actor& actor, const std::string& sandbox, const json::object& body) {
    or_not_found(tx.sandbox(actor.tenant, sandbox), "sandbox");
    Fields f(body);
    Subscription s;
    s.package = f.required_string("package", 64);
    if (const auto mode = f.optional_string("mode", 16)) {
        const auto m = pipelines::parse_sync_mode(*mode);
        if (!m) throw Error::invalid_field("mode", "mode must be auto or manual");
        s.mode = *m;
    }
    s.request = subscription_options(f, s.package);
    f.finish();
    const auto package = tx.package(actor.tenant, s.package);
    if (!package || package->deleted) throw Error::not_found("package");
    for (const auto& other : tx.subscriptions(actor.tenant))
        if (other.sandbox == sandbox && other.package == s.package)
            throw Error::conflict("subscription_exists",
                                  sandbox + " already follows " + s.package + " (" + other.id + ")",
                                  {{"subscription", other.id}});
    s.tenant = actor.tenant;
    s.id = "sub_" + crypto::random_base62(20);
    s.sandbox = sandbox;
    if (const auto last = tx.last_applied_import(actor.tenant, sandbox, s.package)) s.last_version = last->version;
    s.created_at = actor.at;
    s.created_by = actor.name();
    s.revision = 0;
    save(tx, actor, s);
    Journal(tx, actor).record(actor.tenant, "subscription.create", "subscriptions/" + s.id,
                              {{"sandbox", sandbox}, {"package", s.package}, {"mode", to_string(s.mode)}});
    return s;
}

std::vector<Subscription> visible_subscriptions(Tx& tx, const Actor& actor, const std::optional<std::string>& sandbox,
                                                const std::optional<std::string>& package) {
    std::vector<Subscription> out;
    for (auto& s : tx.subscriptions(actor.tenant)) {
        if (!actor.sees(s.sandbox) || (sandbox && s.sandbox != *sandbox) || (package && s.package != *package))
            continue;
        out.push_back(std::move(s));
    }
    return out;
}

Subscription visible_subscription(Tx& tx, const Actor& actor, const std::string& id) {
    auto s = tx.subscription(actor.tenant, id);
    if (!s || !actor.sees(s->sandbox)) throw Error::not_found("subscription");
    return std::move(*s);
}

Subscription set_subscription_paused(Tx& tx, const Actor& actor, Subscription s, bool paused) {
    if (s.paused == paused) return s;
    s.paused = paused;
    save(tx, actor, s);
    Journal(tx, actor).record(actor.tenant, paused ? "subscription.pause" : "subscription.resume",
                              "subscriptions/" + s.id, {{"sandbox", s.sandbox}, {"package", s.package}});
    return s;
}

void remove_subscription(Tx& tx, const Actor& actor, const Subscription& s) {
    tx.delete_subscription(actor.tenant, s.id);
    Journal(tx, actor).record(actor.tenant, "subscription.delete", "subscriptions/" + s.id,
                              {{"sandbox", s.sandbox}, {"package", s.package}});
}

std::size_t advance_subscriptions(const PromotionServices& services, Timestamp now) {
    Store& store = services.store;
    std::size_t made = 0;
    for (const auto& [tenant, id] :
         store.read([&](Tx& tx) { return tx.active_subscriptions(subscriptions_per_pass); })) {
        Actor actor = Actor::scheduler(now);
        actor.tenant = tenant;
        try {
            // What to sync, read first: the version is read from git outside the write transaction.
            const auto wanted = store.read([&](Tx& tx) -> std::optional<std::pair<Subscription, std::int64_t>> {
                auto s = tx.subscription(tenant, id);
                if (!s || s->paused) return std::nullopt;
                const auto package = tx.package(tenant, s->package);
                if (!package || package->deleted) return std::nullopt;
                const auto newest = newest_available(tx, *s, *package);
                if (!newest || *newest <= s->last_version) return std::nullopt;
                return std::pair{std::move(*s), *newest};
            });
            if (!wanted) continue;
            actor.on_behalf_of = wanted->first.created_by;
            const VerifiedVersion version =
                load_verified(store, services.git, actor, wanted->first.package, wanted->second);
            store.write([&](Tx& tx) {
                // Another node, or a person, changed it since it was read: theirs stands.
                auto s = tx.subscription(tenant, id);
                if (!s || s->revision != wanted->first.revision || s->paused) return;
                const std::int64_t number = wanted->second;
                if (!s->promotion.empty())
                    if (auto previous = tx.promotion(tenant, s->promotion); previous && is_pending(*previous))
                        supersede_promotion(tx, actor, std::move(*previous), number);
                // A promotion a person made is left to finish first.
                for (const auto& other : tx.promotions(tenant, 1000))
                    if (other.package == s->package && other.stage == s->sandbox && is_pending(other)) return;
                const Promotion p = sync_promotion(tx, actor, *s, version, services.crash_hook);
                s->last_version = number;
                s->promotion = p.id;
                save(tx, actor, *s);
                ++made;
            });
        } catch (const Error& e) {
            // The version cannot be synced (unreadable, or its apply refused): recorded once and
            // passed over, so that the next version is tried rather than this one at every pass.
            log::warn("sync failed", {{"tenant", tenant}, {"subscription", id}, {"error", e.message()}});
            store.write([&](Tx& tx) {
                auto s = tx.subscription(tenant, id);
                if (!s) return;
                const auto package = tx.package(tenant, s->package);
                const auto newest = package ? newest_available(tx, *s, *package) : std::nullopt;
                if (!newest || *newest <= s->last_version) return;
                Journal(tx, actor).record(
                    tenant, "subscription.failed", "subscriptions/" + s->id,
                    {{"sandbox", s->sandbox}, {"package", s->package}, {"version", *newest}, {"error", e.message()}});
                s->last_version = *newest;
                save(tx, actor, *s);
            });
        } catch (const std::exception& e) {
            log::warn("sync failed", {{"tenant", tenant}, {"subscription", id}, {"error", e.what()}});
        }
    }
    return made;
}

}  // namespace ferry::workflows
