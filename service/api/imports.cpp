// Imports: a package version planned against, applied to and rolled back from a sandbox of the
// same tenant (product.md §6). The work is in import_ops; these handlers read input, pick the
// transaction and shape the response.

#include "api/campaign_ops.hpp"
#include "api/handlers.hpp"
#include "api/import_ops.hpp"
#include "api/json_io.hpp"
#include "api/sandbox_objects.hpp"
#include "campaigns/spec.hpp"
#include "core/canonical_json.hpp"
#include "core/fields.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <algorithm>

namespace ferry::api {

namespace json = boost::json;

namespace {

constexpr auto plan_lifetime = std::chrono::hours(24 * 7);

// The approval requirements an imported campaign will meet before it can go live in the target.
json::array approvals_needed(Tx& tx, const Context& ctx, const Sandbox& sandbox, const VerifiedVersion& version,
                             const packager::Plan& plan) {
    const Gate gate(tx, ctx.caller.tenant);
    json::array out;
    for (const auto& item : plan.items) {
        if (item.kind != "campaign" || (item.action != "create" && item.action != "update")) continue;
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
            out.push_back(json::object{{"kind", item.kind},
                                       {"key", item.new_key.value_or(item.key)},
                                       {"requirements", std::move(requirements)}});
    }
    return out;
}

json::object conflicts_of(const packager::Plan& plan) {
    json::array conflicts;
    for (const auto& i : plan.items)
        if (i.action == "conflict")
            conflicts.push_back(json::object{{"kind", i.kind}, {"key", i.key}, {"reason", i.reason},
                                             {"target_id", i.target_id ? json::value(*i.target_id) : nullptr}});
    return {{"conflicts", std::move(conflicts)}, {"plan_digest", plan.digest}};
}

json::object missing_of(const packager::Plan& plan) {
    json::array items;
    for (const auto& i : plan.items) {
        if (i.missing_bindings.empty() && i.missing_dependencies.empty()) continue;
        json::array bindings, dependencies;
        for (const auto& b : i.missing_bindings) bindings.emplace_back(b);
        for (const auto& d : i.missing_dependencies) dependencies.emplace_back(d);
        items.push_back(json::object{{"kind", i.kind}, {"key", i.key}, {"missing_bindings", std::move(bindings)},
                                     {"missing_dependencies", std::move(dependencies)}});
    }
    return {{"items", std::move(items)}, {"plan_digest", plan.digest}};
}

// The Idempotency-Key header: absent, or 1-200 visible ASCII characters.
std::optional<std::string> idempotency_key(const Context& ctx) {
    if (!ctx.request.has_header("Idempotency-Key")) return std::nullopt;
    // Sent but empty is a client's mistake (an unset variable), not "no key": retrying it would not
    // be idempotent.
    const std::string_view key = ctx.request.header("Idempotency-Key");
    const bool printable = std::all_of(key.begin(), key.end(), [](char c) { return c > 0x20 && c < 0x7f; });
    if (key.empty() || key.size() > 200 || !printable)
        throw Error(ErrorKind::bad_request, "invalid_header", "Idempotency-Key must be 1 to 200 visible ASCII characters",
                    {{"header", "Idempotency-Key"}});
    return std::string(key);
}

http::Response stored_response(const IdempotentResult& r) {
    http::Response res = json_response(r.status, json::parse(r.body));
    res.set_header("Idempotent-Replayed", "true");
    return res;
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
    const VerifiedVersion version = load_verified(ctx, request.package, request.version);
    json::object out = ctx.store().read([&](Tx& tx) {
        const Sandbox sandbox = path_sandbox(tx, ctx);
        check_downgrade(tx, ctx, request);
        const packager::Plan plan = plan_for(tx, ctx, version, request);
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
    const VerifiedVersion version = load_verified(ctx, request.package, request.version);

    std::size_t applied_objects = 0;  // set by the transaction that commits (PostgreSQL may run it again)
    const auto [status, response] = ctx.store().write([&](Tx& tx) -> std::pair<int, json::object> {
        path_sandbox(tx, ctx);
        std::pair<int, json::object> result;
        const auto last = tx.last_applied_import(tenant, sandbox, request.package);
        if (last && last->version == request.version && last->options_digest == options_digest(request.options)) {
            result = {200, json::object{{"status", "already_applied"}, {"id", last->id}, {"package", last->package},
                                        {"version", last->version}}};
        } else {
            check_downgrade(tx, ctx, request);
            const packager::Plan plan = plan_for(tx, ctx, version, request);
            if (expected_digest && plan.digest != *expected_digest)
                throw Error::conflict("plan_stale", "the target or the options changed since this plan was made; plan again",
                                      {{"plan_digest", *expected_digest}, {"current_digest", plan.digest}});
            if (plan.conflicts)
                throw Error::conflict("conflicts", "the plan has conflicts: resolve them, or choose a conflict policy or overrides",
                                      conflicts_of(plan));
            if (plan.blocked)
                throw Error(ErrorKind::unprocessable, "blocked", "bindings or dependencies are missing", missing_of(plan));
            result = {201, import_json(apply_plan(tx, ctx, version, request, plan), true)};
            applied_objects = plan.items.size();
        }
        if (key)
            tx.insert_idempotent_result(
                IdempotentResult{tenant, token, *key, request_digest, result.first, json::serialize(result.second), ctx.now()});
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
        for (const auto& r : tx.imports(ctx.caller.tenant, ctx.param("sandbox"), 200)) items.push_back(import_json(r, false));
    });
    return json_response(200, json::object{{"items", std::move(items)}});
}

http::Response get_import(Context& ctx) {
    return ctx.store().read([&](Tx& tx) { return json_response(200, import_json(visible_import(tx, ctx), true)); });
}

http::Response rollback_import(Context& ctx) {
    Fields(ctx.body()).finish();
    return ctx.store().write([&](Tx& tx) {
        ImportRecord r = visible_import(tx, ctx);
        undo_import(tx, ctx, r);
        return json_response(200, import_json(r, true));
    });
}

}  // namespace ferry::api
