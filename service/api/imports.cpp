// Imports: a package version planned against, applied to and rolled back from a sandbox of the
// same tenant (product.md §6). The use cases are in workflows/imports; these handlers read input,
// pick the transaction and shape the response.

#include "api/imports.hpp"

#include "api/campaign_ops.hpp"
#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/sandbox_objects.hpp"
#include "campaigns/spec.hpp"
#include "core/canonical_json.hpp"
#include "core/fields.hpp"
#include "core/utf8.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>
#include <limits>

namespace ferry::api {

namespace json = boost::json;
using workflows::ImportRequest;
using workflows::VerifiedVersion;

namespace {

constexpr auto plan_lifetime = std::chrono::hours(24 * 7);

// The approval requirements an imported campaign will meet before it can go live in the target.
json::array approvals_needed(Tx& tx, const Context& ctx, const Sandbox& sandbox, const VerifiedVersion& version,
                             const packager::Plan& plan) {
    const Gate gate(tx, ctx.caller.tenant);
    json::array out;
    for (const auto& item : plan.items) {
        if (item.kind != ObjectKind::campaign || !packager::writes(item.action)) continue;
        const auto object = std::find_if(version.objects.begin(), version.objects.end(),
                                         [&](const auto& o) { return o.kind == item.kind && o.key == item.key; });
        Campaign c;
        c.sandbox = sandbox.id;
        if (const auto* type = object->file.if_contains("type"); type && type->is_string())
            c.type = parse_campaign_type(type->get_string()).value_or(CampaignType::action);
        if (const auto* tags = object->file.if_contains("tags"); tags && tags->is_array())
            for (const auto& t : tags->get_array())
                if (t.is_string()) c.tags.emplace_back(t.get_string());
        CampaignSpec spec;
        spec.name = item.name;
        if (const auto* s = object->file.if_contains("spec"); s && s->is_object())
            if (const auto* channels = s->get_object().if_contains("channels"); channels && channels->is_array())
                for (const auto& ch : channels->get_array())
                    if (const auto channel = ch.is_string() ? parse_channel(ch.get_string()) : std::nullopt)
                        spec.channels.push_back(*channel);
        json::array requirements;
        for (const auto& r : gate.requirements(sandbox, c, spec, ctx.actor()))
            requirements.push_back(json::object{{"source", r.source}, {"name", r.name}, {"required", r.required}});
        if (!requirements.empty())
            out.push_back(json::object{{"kind", to_string(item.kind)},
                                       {"key", item.new_key.value_or(item.key)},
                                       {"requirements", std::move(requirements)}});
    }
    return out;
}

// The Idempotency-Key header: absent, or 1-200 visible ASCII characters.
std::optional<std::string> idempotency_key(const Context& ctx) {
    if (!ctx.request.has_header("Idempotency-Key")) return std::nullopt;
    // Sent but empty is a client's mistake (an unset variable), not "no key": retrying it would not
    // be idempotent.
    const std::string_view key = ctx.request.header("Idempotency-Key");
    const bool printable = std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
    if (key.empty() || key.size() > 200 || !printable)
        throw Error(ErrorKind::bad_request, "invalid_header",
                    "Idempotency-Key must be 1 to 200 visible ASCII characters", {{"header", "Idempotency-Key"}});
    return std::string(key);
}

http::Response stored_response(const IdempotentResult& r) {
    http::Response res = json_response(r.status, json::parse(r.body));
    res.set_header("Idempotent-Replayed", "true");
    return res;
}

// A version of the caller's tenant, verified; a version the git store could not read counts as
// its failure.
VerifiedVersion verified(Context& ctx, const ImportRequest& request) {
    try {
        return workflows::load_verified(ctx.store(), *ctx.services.git, ctx.acting(ctx.now()), request.package,
                                        request.version);
    } catch (const workflows::UnreadableVersion&) {
        ctx.services.metrics.git_store_error("read");
        throw;
    }
}

json::array plan_items_json(const packager::Plan& plan) {
    json::array items;
    for (const auto& i : plan.items) items.push_back(packager::to_json(i));
    return items;
}

// with_items: every item; lists show the counts per action only.
json::object import_json(const ImportRecord& r, bool with_items) {
    json::object counts;
    for (const auto& item : r.items) {
        auto& n = counts[item.at("action").as_string()];
        n = (n.is_int64() ? n.as_int64() : 0) + 1;
    }
    json::object out{{"id", r.id},
                     {"sandbox", r.sandbox},
                     {"package", r.package},
                     {"version", r.version},
                     {"version_digest", r.version_digest},
                     {"plan_digest", r.plan_digest},
                     {"status", to_string(r.status)},
                     {"counts", std::move(counts)},
                     {"created_by", r.created_by},
                     {"created_at", format_rfc3339(r.created_at)},
                     {"rolled_back_by", r.rolled_back_at ? json::value(r.rolled_back_by) : nullptr},
                     {"rolled_back_at", r.rolled_back_at ? json::value(format_rfc3339(*r.rolled_back_at)) : nullptr}};
    if (with_items) out["items"] = r.items;
    return out;
}

ImportRecord visible_import(Tx& tx, const Context& ctx) {
    auto r = tx.import_record(ctx.caller.tenant, ctx.param("import"));
    if (!r || r->sandbox != ctx.param("sandbox")) throw Error::not_found("import");
    return std::move(*r);
}

}  // namespace

http::Response plan_import(Context& ctx) {
    const json::object body = ctx.body();
    const ImportRequest request = read_import_request(body);
    const VerifiedVersion version = verified(ctx, request);
    json::object out = ctx.store().read([&](Tx& tx) {
        const Sandbox sandbox = path_sandbox(tx, ctx);
        const workflows::Actor actor = ctx.acting(ctx.now());
        const std::string target(ctx.param("sandbox"));
        workflows::check_downgrade(tx, actor, target, request);
        const packager::Plan plan = workflows::plan_for(tx, actor, target, version, request);
        json::array missing_permissions;
        if (authorize(ctx.caller, Permission::sandbox_import, ctx.caller.tenant, sandbox.id) != Decision::allow)
            missing_permissions.emplace_back("sandbox_import");
        json::array warnings;
        for (const auto& w : plan.warnings) warnings.emplace_back(w);
        return json::object{{"digest", plan.digest},
                            {"package", request.package},
                            {"version", request.version},
                            {"version_digest", version.version.digest},
                            {"conflict_policy", packager::to_string(request.options.policy)},
                            {"conflicts", plan.conflicts},
                            {"blocked", plan.blocked},
                            {"items", plan_items_json(plan)},
                            {"approvals_needed", approvals_needed(tx, ctx, sandbox, version, plan)},
                            {"preflight", json::object{{"missing_permissions", std::move(missing_permissions)}}},
                            {"warnings", std::move(warnings)}};
    });
    // Nothing in the sandbox changes; the request is kept so that the plan can be applied by its digest.
    const Timestamp now = ctx.now();
    ctx.store().write([&](Tx& tx) {
        tx.upsert_stored_plan(StoredPlan{ctx.caller.tenant, std::string(ctx.param("sandbox")),
                                         std::string(out.at("digest").as_string()), request.body, now},
                              now - plan_lifetime);
    });
    return json_response(200, out);
}

namespace {

// How a failed apply counts in ferry_imports_total.
std::string_view import_failure(const Error& e) {
    if (e.code() == "conflicts") return "conflict";
    if (e.code() == "blocked") return "blocked";
    return e.status() < 500 ? "rejected" : "failed";
}

http::Response apply_import_now(Context& ctx, Metrics::Measurement& measured) {
    const json::object body = ctx.body();
    const std::optional<std::string> key = idempotency_key(ctx);
    const std::string tenant = ctx.caller.tenant;
    const std::string sandbox(ctx.param("sandbox"));
    const std::string token = ctx.caller.token_id.empty() ? ctx.actor() : ctx.caller.token_id;
    const std::string request_digest = content_digest(json::object{{"sandbox", sandbox}, {"body", body}});

    // A replay answers what the first request answered; the same key with another body is a mistake.
    const auto replay = [&](Tx& tx) -> std::optional<http::Response> {
        if (!key) return std::nullopt;
        const auto first = tx.idempotent_result(tenant, token, *key);
        if (!first) return std::nullopt;
        if (first->request_digest != request_digest)
            throw Error(ErrorKind::unprocessable, "idempotency_key_reused",
                        "this Idempotency-Key was used with another request body", {{"header", "Idempotency-Key"}});
        return stored_response(*first);
    };
    if (auto res = ctx.store().read(replay)) {
        measured.outcome("replayed");
        return std::move(*res);
    }
    // Held while the request runs, on whichever node it runs: a second request with the key is
    // refused at once rather than applied twice.
    std::unique_ptr<Lease> claim;
    if (key) {
        claim = ctx.store().try_lock("idempotency\n" + tenant + "\n" + token + "\n" + *key);
        if (!claim)
            throw Error::conflict("idempotency_in_progress",
                                  "a request with this Idempotency-Key is still running; retry once it has finished");
        if (auto res = ctx.store().read(replay)) {
            measured.outcome("replayed");
            return std::move(*res);
        }
    }

    ImportRequest request;
    std::optional<std::string> expected_digest;
    if (body.contains("plan_digest")) {
        Fields f(body);
        expected_digest = f.required_string("plan_digest", 80);
        f.finish();
        const auto stored = ctx.store().read([&](Tx& tx) { return tx.stored_plan(tenant, sandbox, *expected_digest); });
        if (!stored) throw Error::not_found("plan");
        request = read_import_request(stored->request);
    } else {
        request = read_import_request(body);
    }
    const VerifiedVersion version = verified(ctx, request);

    std::size_t applied_objects = 0;  // set by the transaction that commits (PostgreSQL may run it again)
    const auto [status, response] = ctx.store().write([&](Tx& tx) -> std::pair<int, json::object> {
        path_sandbox(tx, ctx);
        const workflows::ImportOutcome outcome = workflows::apply_import(
            tx, ctx.acting(ctx.now()), sandbox, version, request, expected_digest, ctx.services.crash_hook);
        std::pair<int, json::object> result;
        if (outcome.already_applied) {
            const ImportRecord& last = outcome.record;
            result = {200, json::object{{"status", "already_applied"},
                                        {"id", last.id},
                                        {"package", last.package},
                                        {"version", last.version}}};
        } else {
            result = {201, import_json(outcome.record, true)};
        }
        applied_objects = outcome.objects;
        if (key)
            tx.insert_idempotent_result(IdempotentResult{tenant, token, *key, request_digest, result.first,
                                                         json::serialize(result.second), ctx.now()});
        return result;
    });
    measured.outcome(status == 201 ? "applied" : "already_applied");
    measured.objects(status == 201 ? applied_objects : 0);
    return json_response(status, response);
}

}  // namespace

http::Response apply_import(Context& ctx) {
    // Timed and counted here, at the use case's edge, whatever the outcome.
    Metrics::Measurement measured(ctx.services.metrics, Metrics::UseCase::import_apply);
    try {
        return apply_import_now(ctx, measured);
    } catch (const Error& e) {
        measured.outcome(import_failure(e));
        throw;
    }
}

http::Response list_imports(Context& ctx) {
    json::array items;
    ctx.store().read([&](Tx& tx) {
        path_sandbox(tx, ctx);
        for (const auto& r : tx.imports(ctx.caller.tenant, ctx.param("sandbox"), 200))
            items.push_back(import_json(r, false));
    });
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response get_import(Context& ctx) {
    return ctx.store().read([&](Tx& tx) { return json_response(200, import_json(visible_import(tx, ctx), true)); });
}

http::Response rollback_import(Context& ctx) {
    Fields(ctx.body()).finish();
    return ctx.store().write([&](Tx& tx) {
        const ImportRecord r = workflows::undo_import(tx, ctx.acting(ctx.now()), visible_import(tx, ctx));
        return json_response(200, import_json(r, true));
    });
}

}  // namespace ferry::api
