#include "workflows/promotions.hpp"

#include "core/crypto.hpp"
#include "core/fields.hpp"
#include "observability/log.hpp"
#include "pipelines/json.hpp"
#include "workflows/journal.hpp"
#include "workflows/pipelines.hpp"

#include <algorithm>
#include <limits>

namespace ferry::workflows {

namespace json = boost::json;
using pipelines::Pipeline;
using pipelines::Promotion;
using pipelines::PromotionStatus;
using pipelines::Waiting;
using pipelines::WaitReason;

namespace {

constexpr std::size_t history_limit = 200;
constexpr std::size_t due_per_pass = 1000;
// A promotion waiting on something with no known end (health, a previous stage not live yet) is
// looked at again after this long, not at every pass.
constexpr auto recheck_after = std::chrono::minutes(1);

bool pending(PromotionStatus s) {
    return s == PromotionStatus::planned || s == PromotionStatus::scheduled || s == PromotionStatus::waiting;
}

void enter(Promotion& p, PromotionStatus s, const Actor& actor, std::string note) {
    p.status = s;
    p.updated_at = actor.at;
    p.history.push_back(pipelines::HistoryEntry{actor.at, s, actor.name(), std::move(note)});
    if (p.history.size() > history_limit) p.history.erase(p.history.begin());
}

// Saves the promotion; announces it (webhook and audit record) when its status, or why it
// waits, changed.
void save(Tx& tx, const Actor& actor, Promotion& p, bool announce) {
    ++p.revision;
    tx.upsert_promotion(p);
    if (announce) Journal(tx, actor).emit(PromotionChanged{p});
}

std::optional<ImportRecord> applied_import(Tx& tx, const std::string& tenant, const std::string& sandbox,
                                           const std::string& package, std::int64_t version) {
    for (auto& r : tx.imports(tenant, sandbox, 500))
        if (r.package == package && r.version == version && r.status == ImportStatus::applied) return std::move(r);
    return std::nullopt;
}

// The version in the previous stage: there (applied, or the package's own sandbox), and since
// when live.
struct PreviousStage {
    bool present = false;
    std::optional<Timestamp> live_at;
    std::optional<ImportRecord> import;
};

PreviousStage previous_state(Tx& tx, const Promotion& p) {
    PreviousStage out;
    if (p.previous_stage.empty()) {
        out.present = true;
        return out;
    }
    const auto package = tx.package(p.tenant, p.package);
    if (package && package->source_sandbox == p.previous_stage) {
        // The package's own sandbox holds what it publishes, live from the moment it is published.
        for (const auto& v : tx.package_versions(p.tenant, p.package))
            if (v.version == p.version && v.state == packager::VersionState::published) {
                out.present = true;
                out.live_at = v.created_at;
            }
        return out;
    }
    out.import = applied_import(tx, p.tenant, p.previous_stage, p.package, p.version);
    if (out.import) {
        out.present = true;
        out.live_at = live_since(tx, *out.import);
    }
    return out;
}

// Campaigns an import brought that failed or carry an alert.
json::array failing_campaigns(Tx& tx, const ImportRecord& r) {
    json::array out;
    for (const auto& t : tx.import_touches(r.tenant, r.id)) {
        if (t.kind != ObjectKind::campaign) continue;
        const auto c = tx.campaign(r.tenant, r.sandbox, t.object_id);
        if (!c || (c->status != CampaignStatus::failed && c->alerts.empty())) continue;
        json::array alerts;
        for (const auto& a : c->alerts) alerts.emplace_back(a.type);
        out.push_back(json::object{{"kind", "campaign"},
                                   {"id", c->id},
                                   {"key", c->key},
                                   {"name", c->spec.name},
                                   {"sandbox", c->sandbox},
                                   {"status", to_string(c->status)},
                                   {"alerts", std::move(alerts)}});
    }
    return out;
}

json::object counts_of(const packager::Plan& plan) {
    json::object counts{{"create", 0}, {"update", 0}, {"merge", 0}, {"reuse", 0}, {"skip", 0}, {"conflict", 0}};
    for (const auto& item : plan.items) {
        auto& n = counts[packager::to_string(item.action)];
        n = n.as_int64() + 1;
    }
    return counts;
}

json::array in_the_way(const packager::Plan& plan) {
    json::array out;
    for (const auto& item : plan.items) {
        const bool missing = !item.missing_bindings.empty() || !item.missing_dependencies.empty();
        if (item.action != packager::PlanAction::conflict && !missing) continue;
        json::array bindings, dependencies;
        for (const auto& b : item.missing_bindings) bindings.emplace_back(b);
        for (const auto& d : item.missing_dependencies) dependencies.emplace_back(d);
        // The paths a merge could not decide, each with its three values (docs/sync.md).
        json::array conflicts;
        if (item.merge)
            for (const auto& c : item.merge->conflicts)
                if (c.as_object().at("resolution").is_null()) conflicts.push_back(c);
        out.push_back(json::object{{"kind", to_string(item.kind)},
                                   {"key", item.key},
                                   {"name", item.name},
                                   {"action", packager::to_string(item.action)},
                                   {"reason", item.reason},
                                   {"conflicts", std::move(conflicts)},
                                   {"missing_bindings", std::move(bindings)},
                                   {"missing_dependencies", std::move(dependencies)}});
    }
    return out;
}

ImportRequest request_of(const Promotion& p) {
    json::object body = p.request;
    body["package"] = p.package;
    body["version"] = p.version;
    ImportRequest r = read_import_request(body);
    r.freeze_checked = true;  // the promotion decides about freeze windows itself
    return r;
}

// The import options a promotion body may carry, checked as an import would check them.
json::object import_options(Fields& f, const std::string& package, std::int64_t version) {
    json::object options;
    for (const char* key : {"conflict_policy", "overrides", "resolutions", "bindings"})
        if (const json::value* v = f.optional_value(key)) options[key] = *v;
    json::object check = options;
    check["package"] = package;
    check["version"] = version;
    read_import_request(check);  // 422 naming the field
    return options;
}

void fail(Tx& tx, const Actor& actor, Promotion& p, std::string why) {
    p.error = why;
    p.waiting.reset();
    enter(p, PromotionStatus::failed, actor, std::move(why));
    save(tx, actor, p, true);
}

void wait(Tx& tx, const Actor& actor, Promotion& p, Waiting w) {
    // Announced when why it waits changes (the message names the end of a window or of a soak
    // time), not when only the next look is put off.
    const bool changed = p.status != PromotionStatus::waiting || !p.waiting || p.waiting->reason != w.reason ||
                         p.waiting->message != w.message || p.waiting->objects != w.objects;
    p.waiting = std::move(w);
    if (changed)
        enter(p, PromotionStatus::waiting, actor, p.waiting->message);
    else
        p.updated_at = actor.at;
    save(tx, actor, p, changed);
}

// An applied promotion whose campaigns all went through the gate becomes live.
void check_live(Tx& tx, const Actor& actor, Promotion& p) {
    if (p.status != PromotionStatus::applied) return;
    const auto imp = tx.import_record(p.tenant, p.import_id);
    if (!imp || imp->status != ImportStatus::applied)
        return fail(tx, actor, p, "its import " + p.import_id + " was rolled back before it went live");
    const auto since = live_since(tx, *imp);
    if (!since) return;
    p.live_at = *since;
    enter(p, PromotionStatus::live, actor, "");
    save(tx, actor, p, true);
}

enum class Who { person, scheduler };

// One attempt, in the caller's transaction: the stage's checks, the plan, the apply. Waiting and
// failing are saved here; an error from the apply itself goes up and undoes the transaction.
void attempt(Tx& tx, const Actor& actor, Promotion& p, const VerifiedVersion& version, Who who,
             const CrashHook& crash_hook) {
    const bool bypass = !p.bypass_by.empty();
    // A sync into a sandbox that is no stage of a pipeline has no stage to pass: only freezes hold it.
    const auto pipeline = p.pipeline.empty() ? std::nullopt : tx.pipeline(p.tenant, p.pipeline);
    const auto position = pipeline ? pipeline->position_of(p.stage) : std::nullopt;
    if (!p.pipeline.empty() && !position)
        return fail(tx, actor, p, "pipeline " + p.pipeline + " no longer has the stage " + p.stage);
    const pipelines::Stage stage = position ? pipeline->stages[*position] : pipelines::Stage{p.stage, 0, false};
    if (!bypass) {
        const PreviousStage previous = previous_state(tx, p);
        if (!previous.present)
            return fail(tx, actor, p,
                        "version " + std::to_string(p.version) + " is no longer applied to " + p.previous_stage);
        if (const auto freeze = freeze_in_force(tx, p.tenant, p.stage, actor.at))
            return wait(tx, actor, p,
                        Waiting{WaitReason::frozen,
                                p.stage + " is frozen until " + format_rfc3339(freeze->ends_at),
                                freeze->ends_at,
                                freeze->window,
                                {}});
        if (stage.soak_seconds > 0) {
            if (!previous.live_at)
                return wait(tx, actor, p,
                            Waiting{WaitReason::soak,
                                    "version " + std::to_string(p.version) + " is not live in " + p.previous_stage +
                                        " yet; it must be for " + std::to_string(stage.soak_seconds) + " s",
                                    actor.at + recheck_after,
                                    "",
                                    {}});
            const Timestamp soaked = *previous.live_at + std::chrono::seconds(stage.soak_seconds);
            if (soaked > actor.at)
                return wait(tx, actor, p,
                            Waiting{WaitReason::soak,
                                    "version " + std::to_string(p.version) + " must be live in " + p.previous_stage +
                                        " until " + format_rfc3339(soaked),
                                    soaked,
                                    "",
                                    {}});
        }
        if (stage.health_gate && previous.import)
            if (json::array failing = failing_campaigns(tx, *previous.import); !failing.empty())
                return wait(tx, actor, p,
                            Waiting{WaitReason::health,
                                    "campaigns it brought to " + p.previous_stage + " failed or raised alerts",
                                    actor.at + recheck_after, "", std::move(failing)});
    }
    const ImportRequest request = request_of(p);
    try {
        check_downgrade(tx, actor, p.stage, request);
    } catch (const Error& e) {
        return fail(tx, actor, p, e.message());
    }
    const packager::Plan plan = plan_for(tx, actor, p.stage, version, request);
    p.plan_counts = counts_of(plan);
    if (who == Who::scheduler && !p.plan_digest.empty() && plan.digest != p.plan_digest)
        return wait(tx, actor, p,
                    Waiting{WaitReason::plan_changed,
                            p.stage + " changed since the plan was made: retry to apply the plan as it is now",
                            std::nullopt,
                            "",
                            {}});
    p.plan_digest = plan.digest;
    if (plan.conflicts)
        return wait(tx, actor, p,
                    Waiting{WaitReason::conflicts,
                            "the plan has conflicts: retry with a conflict policy, overrides or resolutions",
                            std::nullopt, "", in_the_way(plan)});
    if (plan.blocked)
        return wait(tx, actor, p,
                    Waiting{WaitReason::blocked, "bindings or dependencies are missing: retry with them", std::nullopt,
                            "", in_the_way(plan)});
    const ImportOutcome outcome = apply_import(tx, actor, p.stage, version, request, plan.digest, crash_hook);
    p.import_id = outcome.record.id;
    p.applied_at = actor.at;
    p.waiting.reset();
    enter(p, PromotionStatus::applied, actor, "import " + outcome.record.id);
    save(tx, actor, p, true);
    check_live(tx, actor, p);
}

void bypass_by(Tx& tx, const Actor& actor, Promotion& p, const std::string& reason) {
    if (!has_user_permission(tx, actor, bypass_pipeline))
        throw Error(ErrorKind::forbidden, "bypass_not_permitted",
                    "skipping a pipeline's checks needs the bypass_pipeline permission");
    p.bypass_by = actor.name();
    p.bypass_reason = reason;
    Journal(tx, actor).record(p.tenant, "promotion.bypass", "promotions/" + p.id,
                              {{"stage", p.stage}, {"version", p.version}, {"reason", reason}});
}

std::optional<std::string> read_bypass(Fields& f) {
    auto reason = f.optional_text("bypass_reason", 2000);
    if (reason && reason->empty()) throw Error::invalid_field("bypass_reason", "bypass_reason must say why");
    return reason;
}

}  // namespace

std::optional<Timestamp> live_since(Tx& tx, const ImportRecord& import) {
    Timestamp latest = import.created_at;
    for (const auto& t : tx.import_touches(import.tenant, import.id)) {
        if (t.kind != ObjectKind::campaign) continue;
        const auto c = tx.campaign(import.tenant, import.sandbox, t.object_id);
        if (!c) continue;  // deleted since: nothing of it waits
        if (c->status == CampaignStatus::draft || c->status == CampaignStatus::in_review || c->draft)
            return std::nullopt;
        std::optional<Timestamp> went_live;
        for (const auto& v : tx.campaign_versions(import.tenant, import.sandbox, c->id))
            if (v.activated_at >= import.created_at && (!went_live || v.activated_at < *went_live))
                went_live = v.activated_at;
        if (!went_live) return std::nullopt;
        latest = std::max(latest, *went_live);
    }
    return latest;
}

Promotion visible_promotion(Tx& tx, const Actor& actor, const std::string& id) {
    auto p = tx.promotion(actor.tenant, id);
    if (!p || !actor.sees(p->stage)) throw Error::not_found("promotion");
    return std::move(*p);
}

Promotion promote(const PromotionServices& services, const Actor& actor, const std::string& stage,
                  const json::object& body) {
    Fields f(body);
    const std::string package = f.required_string("package", 64);
    const auto number = f.optional_integer("version", 1, std::numeric_limits<std::int64_t>::max());
    if (!number) throw Error::invalid_field("version", "version is required: the package version to promote");
    std::optional<Timestamp> at;
    if (const auto text = f.optional_string("at", 40)) {
        at = parse_rfc3339(*text);
        if (!at) throw Error::invalid_field("at", "at must be an RFC 3339 time");
    }
    const std::optional<std::string> bypass = read_bypass(f);
    const json::object options = import_options(f, package, *number);
    f.finish();
    const VerifiedVersion version = load_verified(services.store, services.git, actor, package, *number);
    return services.store.write([&](Tx& tx) {
        const auto pipeline = tx.pipeline_of_sandbox(actor.tenant, stage);
        if (!pipeline)
            throw Error::conflict("not_in_pipeline", stage + " is no stage of a pipeline", {{"sandbox", stage}});
        const std::size_t position = *pipeline->position_of(stage);
        Promotion p;
        p.tenant = actor.tenant;
        p.id = "prm_" + crypto::random_base62(20);
        p.pipeline = pipeline->name;
        p.package = package;
        p.version = *number;
        p.stage = stage;
        p.previous_stage = position > 0 ? pipeline->stages[position - 1].sandbox : "";
        p.request = options;
        p.created_at = p.updated_at = actor.at;
        p.created_by = actor.name();
        p.revision = 0;
        for (const auto& other : tx.promotions(actor.tenant, 1000))
            if (other.package == package && other.stage == stage && pending(other.status))
                throw Error::conflict(
                    "promotion_pending",
                    "promotion " + other.id + " of " + package + " into " + stage + " is not finished",
                    {{"promotion", other.id}});
        if (bypass) bypass_by(tx, actor, p, *bypass);
        if (!bypass && !previous_state(tx, p).present)
            throw Error::conflict("previous_stage",
                                  "version " + std::to_string(p.version) + " of " + package +
                                      " was never applied to the previous stage, " + p.previous_stage,
                                  {{"previous_stage", p.previous_stage}});
        const bool later = at && *at > actor.at;
        if (!later && !bypass)
            if (const auto freeze = freeze_in_force(tx, actor.tenant, stage, actor.at))
                throw frozen_error(stage, *freeze);
        enter(p, PromotionStatus::planned, actor, "");
        Journal(tx, actor).record(p.tenant, "promotion.create", "promotions/" + p.id,
                                  {{"pipeline", p.pipeline},
                                   {"package", package},
                                   {"version", p.version},
                                   {"stage", stage},
                                   {"at", at ? json::value(format_rfc3339(*at)) : json::value(nullptr)}});
        if (later) {
            // The plan it will apply is the one computed now: a target that changes meanwhile
            // makes it wait rather than apply something nobody saw.
            const ImportRequest request = request_of(p);
            check_downgrade(tx, actor, stage, request);
            const packager::Plan plan = plan_for(tx, actor, stage, version, request);
            p.plan_digest = plan.digest;
            p.plan_counts = counts_of(plan);
            p.at = at;
            enter(p, PromotionStatus::scheduled, actor, "at " + format_rfc3339(*at));
            save(tx, actor, p, true);
            return p;
        }
        attempt(tx, actor, p, version, Who::person, services.crash_hook);
        return p;
    });
}

Promotion sync_promotion(Tx& tx, const Actor& actor, const pipelines::Subscription& s, const VerifiedVersion& version,
                         const CrashHook& crash_hook) {
    Promotion p;
    p.tenant = s.tenant;
    p.id = "prm_" + crypto::random_base62(20);
    p.package = s.package;
    p.version = version.version.version;
    p.subscription = s.id;
    p.stage = s.sandbox;
    if (const auto pipeline = tx.pipeline_of_sandbox(s.tenant, s.sandbox)) {
        const std::size_t position = *pipeline->position_of(s.sandbox);
        p.pipeline = pipeline->name;
        p.previous_stage = position > 0 ? pipeline->stages[position - 1].sandbox : "";
    }
    p.request = s.request;
    p.created_at = p.updated_at = actor.at;
    p.created_by = actor.name();
    p.revision = 0;
    enter(p, PromotionStatus::planned, actor, "subscription " + s.id);
    Journal(tx, actor).record(p.tenant, "promotion.create", "promotions/" + p.id,
                              {{"pipeline", p.pipeline},
                               {"package", p.package},
                               {"version", p.version},
                               {"stage", p.stage},
                               {"subscription", s.id},
                               {"at", nullptr}});
    if (s.mode == pipelines::SyncMode::manual) {
        // Planned now, so that whoever applies it sees what it would do.
        const ImportRequest request = request_of(p);
        const packager::Plan plan = plan_for(tx, actor, p.stage, version, request);
        p.plan_digest = plan.digest;
        p.plan_counts = counts_of(plan);
        wait(tx, actor, p,
             Waiting{WaitReason::manual, "the subscription " + s.id + " is manual: retry to apply this version",
                     std::nullopt, "", in_the_way(plan)});
        return p;
    }
    attempt(tx, actor, p, version, Who::scheduler, crash_hook);
    return p;
}

Promotion supersede_promotion(Tx& tx, const Actor& actor, Promotion p, std::int64_t by_version) {
    p.waiting.reset();
    enter(p, PromotionStatus::cancelled, actor, "superseded by version " + std::to_string(by_version));
    save(tx, actor, p, false);
    Journal(tx, actor).record(
        p.tenant, "promotion.cancel", "promotions/" + p.id,
        {{"package", p.package}, {"version", p.version}, {"stage", p.stage}, {"superseded_by", by_version}});
    return p;
}

bool is_pending(const Promotion& p) { return pending(p.status); }

Promotion retry_promotion(const PromotionServices& services, const Actor& actor, const std::string& id,
                          const json::object& body) {
    const Promotion before = services.store.read([&](Tx& tx) { return visible_promotion(tx, actor, id); });
    Fields f(body);
    const std::optional<std::string> bypass = read_bypass(f);
    json::object options = before.request;
    for (auto& [key, value] : import_options(f, before.package, before.version)) options[key] = value;
    f.finish();
    const VerifiedVersion version = load_verified(services.store, services.git, actor, before.package, before.version);
    return services.store.write([&](Tx& tx) {
        Promotion p = visible_promotion(tx, actor, id);
        if (!pending(p.status))
            throw Error::conflict("promotion_final", "promotion " + id + " is " + std::string(to_string(p.status)),
                                  {{"status", to_string(p.status)}});
        p.request = options;
        if (bypass) bypass_by(tx, actor, p, *bypass);
        attempt(tx, actor, p, version, Who::person, services.crash_hook);
        return p;
    });
}

Promotion cancel_promotion(Tx& tx, const Actor& actor, Promotion p) {
    if (!pending(p.status))
        throw Error::conflict("promotion_final", "promotion " + p.id + " is " + std::string(to_string(p.status)),
                              {{"status", to_string(p.status)}});
    p.waiting.reset();
    enter(p, PromotionStatus::cancelled, actor, "");
    save(tx, actor, p, false);
    Journal(tx, actor).record(p.tenant, "promotion.cancel", "promotions/" + p.id,
                              {{"package", p.package}, {"version", p.version}, {"stage", p.stage}});
    return p;
}

std::size_t advance_promotions(const PromotionServices& services, Timestamp now) {
    Store& store = services.store;
    std::size_t changed = 0;
    for (const auto& [tenant, id] : store.read([&](Tx& tx) { return tx.due_promotions(now, due_per_pass); })) {
        Actor actor = Actor::scheduler(now);
        actor.tenant = tenant;
        const auto seen = store.read([&](Tx& tx) { return tx.promotion(tenant, id); });
        if (!seen) continue;
        actor.on_behalf_of = seen->created_by;
        bool moved = false;
        try {
            if (seen->status == PromotionStatus::applied) {
                store.write([&](Tx& tx) {
                    auto p = tx.promotion(tenant, id);
                    moved = false;
                    if (!p || p->revision != seen->revision) return;
                    check_live(tx, actor, *p);
                    moved = p->status != PromotionStatus::applied;
                });
            } else {
                const VerifiedVersion version = load_verified(store, services.git, actor, seen->package, seen->version);
                store.write([&](Tx& tx) {
                    auto p = tx.promotion(tenant, id);
                    moved = false;
                    // Another node, or a person, moved it since it was read: theirs stands.
                    if (!p || p->revision != seen->revision) return;
                    const auto due = p->due_at();
                    if (!due || *due > now) return;
                    const PromotionStatus before = p->status;
                    // Why it waits, as its name ("" when it does not).
                    const auto why = [](const Promotion& q) {
                        return q.waiting ? std::string(to_string(q.waiting->reason)) : std::string();
                    };
                    const std::string reason = why(*p);
                    attempt(tx, actor, *p, version, Who::scheduler, services.crash_hook);
                    moved = p->status != before || why(*p) != reason;
                });
            }
        } catch (const Error& e) {
            // The apply refused (it is undone): the promotion fails with the reason, once.
            log::warn("promotion failed", {{"tenant", tenant}, {"promotion", id}, {"error", e.message()}});
            if (e.status() >= 500) continue;  // storage trouble: tried again at the next pass
            store.write([&](Tx& tx) {
                auto p = tx.promotion(tenant, id);
                if (!p || !pending(p->status)) return;
                fail(tx, actor, *p, e.code() + ": " + e.message());
            });
            moved = true;
        }
        if (moved) ++changed;
    }
    return changed;
}

json::object environment_matrix(Tx& tx, const Actor& actor, const Pipeline& pipeline) {
    json::array stages;
    for (const auto& s : pipeline.stages) stages.emplace_back(s.sandbox);
    const auto promotions = tx.promotions(actor.tenant, 1000);
    json::array packages;
    for (const auto& package : tx.packages(actor.tenant)) {
        json::array cells;
        std::vector<std::optional<std::int64_t>> versions;
        bool any = false;
        for (const auto& s : pipeline.stages) {
            if (!actor.sees(s.sandbox)) {
                cells.emplace_back(nullptr);
                versions.emplace_back(std::nullopt);
                continue;
            }
            if (package.source_sandbox == s.sandbox) {
                std::optional<packager::PackageVersion> latest;
                for (auto& v : tx.package_versions(actor.tenant, package.name))
                    if (v.state == packager::VersionState::published) latest = std::move(v);
                if (!latest) {
                    cells.emplace_back(nullptr);
                    versions.emplace_back(std::nullopt);
                    continue;
                }
                any = true;
                versions.emplace_back(latest->version);
                cells.push_back(json::object{{"sandbox", s.sandbox},
                                             {"version", latest->version},
                                             {"state", "source"},
                                             {"at", format_rfc3339(latest->created_at)},
                                             {"by", latest->created_by},
                                             {"import", nullptr},
                                             {"live_at", format_rfc3339(latest->created_at)}});
                continue;
            }
            const auto last = tx.last_applied_import(actor.tenant, s.sandbox, package.name);
            if (!last) {
                cells.emplace_back(nullptr);
                versions.emplace_back(std::nullopt);
                continue;
            }
            any = true;
            versions.emplace_back(last->version);
            const auto live = live_since(tx, *last);
            cells.push_back(
                json::object{{"sandbox", s.sandbox},
                             {"version", last->version},
                             {"state", live ? "live" : "in_review"},
                             {"at", format_rfc3339(last->created_at)},
                             {"by", last->created_by},
                             {"import", last->id},
                             {"live_at", live ? json::value(format_rfc3339(*live)) : json::value(nullptr)}});
        }
        if (!any) continue;
        json::array next;
        json::array open;
        for (const auto& p : promotions)
            if (p.package == package.name && p.pipeline == pipeline.name && actor.sees(p.stage) &&
                (pending(p.status) || p.status == PromotionStatus::applied))
                open.push_back(json::object{
                    {"id", p.id}, {"stage", p.stage}, {"version", p.version}, {"status", to_string(p.status)}});
        for (std::size_t i = 1; i < pipeline.stages.size(); ++i) {
            const auto& from = versions[i - 1];
            if (!from || !actor.sees(pipeline.stages[i].sandbox)) continue;
            if (versions[i] && *versions[i] >= *from) continue;
            json::value promotion = nullptr;
            for (const auto& p : promotions)
                if (p.package == package.name && p.stage == pipeline.stages[i].sandbox && p.version == *from &&
                    pending(p.status))
                    promotion = json::value(p.id);
            next.push_back(
                json::object{{"to", pipeline.stages[i].sandbox}, {"version", *from}, {"promotion", promotion}});
        }
        packages.push_back(json::object{{"package", package.name},
                                        {"stages", std::move(cells)},
                                        {"next", std::move(next)},
                                        {"promotions", std::move(open)}});
    }
    return json::object{{"pipeline", pipeline.name}, {"stages", std::move(stages)}, {"packages", std::move(packages)}};
}

}  // namespace ferry::workflows
