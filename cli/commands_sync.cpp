// Keeping sandboxes in step (docs/sync.md): drift (which imported objects were edited in the
// sandbox since, field by field; adopt an edit, or plan the package's content back) and sync
// subscriptions (a sandbox following a package: create, list, get, pause, resume, delete).

#include "context.hpp"
#include "imports.hpp"

#include <boost/json/serialize.hpp>

#include <iostream>
#include <memory>

namespace ferry::cli {

namespace json = boost::json;

namespace {

const json::value* member(const json::value& object, std::string_view name) {
    return object.is_object() ? object.as_object().if_contains(name) : nullptr;
}

// One side of a drifted path: compact JSON, "(absent)" when that side has no such field.
std::string side_text(const json::value& change, std::string_view side, bool wide) {
    const auto* v = member(change, side);
    if (v == nullptr) return "(absent)";
    std::string text = json::serialize(*v);
    constexpr std::size_t cut = 60;
    if (!wide && text.size() > cut) text = text.substr(0, cut - 3) + "...";
    return text;
}

// ---- drift ----

struct DriftArgs {
    std::string sandbox;
    std::string kind;
    std::string id;
    bool apply = false;
};

std::string drift_path(const Context& ctx, const std::string& sandbox, std::string_view suffix = "") {
    return ctx.tenant_path("/sandboxes/" + url_escape(sandbox) + "/drift" + std::string(suffix));
}

// The drifted objects, one block each: what it is, where it came from, then its paths with what
// the import wrote and what the sandbox holds now.
void print_drift(const Context& ctx, const std::string& sandbox, const json::value& body) {
    const Style& style = ctx.out_style();
    const json::array items = items_of(body);
    if (items.empty()) {
        std::cout << "no drift in " << sandbox << ": every imported object holds what its last import wrote\n";
        return;
    }
    Table summary({"KIND", "ID", "KEY", "NAME", "PACKAGE", "VERSION", "FIELDS", "DETECTED AT"});
    for (const auto& d : items) {
        const auto* changes = member(d, "changes");
        summary.add({text_of(d, "kind"), text_of(d, "id"), text_of(d, "key"), text_of(d, "name"), text_of(d, "package"),
                     text_of(d, "version"),
                     std::to_string(changes != nullptr && changes->is_array() ? changes->as_array().size() : 0),
                     text_of(d, "detected_at")});
        summary.colour_last(0, Colour::yellow);
    }
    summary.print(std::cout, style);
    for (const auto& d : items) {
        std::cout << "\n"
                  << style.paint("~ " + text_of(d, "kind") + "/" + text_of(d, "key"), Colour::yellow) << "  ("
                  << text_of(d, "id") << ", imported from " << text_of(d, "package") << " v" << text_of(d, "version")
                  << " by " << text_of(d, "import") << ")\n";
        Table table({"  PATH", "IMPORTED", "CURRENT"});
        if (const auto* changes = member(d, "changes"); changes != nullptr && changes->is_array())
            for (const auto& c : changes->as_array())
                table.add({"  " + text_of(c, "path"), side_text(c, "imported", ctx.wide()),
                           side_text(c, "current", ctx.wide())});
        table.print(std::cout, style);
    }
    std::cout << "\n'ferry drift adopt " << sandbox << " KIND ID' accepts an edit; 'ferry drift resync " << sandbox
              << " KIND ID' plans the package's content back\n";
}

// The drifted object KIND/ID of the sandbox's report; Failure (exit 1) when it is not drifted.
json::value drifted(Context& ctx, const DriftArgs& a) {
    const Response r = ctx.expect_ok(ctx.get(drift_path(ctx, a.sandbox)));
    for (const auto& d : items_of(r.json()))
        if (text_of(d, "kind") == a.kind && text_of(d, "id") == a.id) return d;
    throw Failure(ExitCode::error, a.kind + " " + a.id + " has not drifted in " + a.sandbox + " (see 'ferry drift " +
                                       a.sandbox + "')" + request_id_suffix(ctx));
}

void add_drift(CLI::App& root, Commands& commands) {
    auto show = std::make_shared<DriftArgs>();
    CLI::App* drift = commands.leaf(
        root, "drift",
        "the imported objects edited in a sandbox since their last import, field by field (what the import wrote, "
        "what the sandbox holds now); 'adopt' accepts an edit, 'resync' plans the package's content back",
        [show](Context& ctx) {
            if (show->sandbox.empty()) throw UsageError("name the sandbox: ferry drift SANDBOX");
            const Response r = ctx.expect_ok(ctx.get(drift_path(ctx, show->sandbox)));
            if (ctx.print_json(r)) return 0;
            print_drift(ctx, show->sandbox, r.json());
            return 0;
        });
    // Not required here, so that `ferry drift adopt ...` parses; the handler asks for it.
    drift->add_option("sandbox", show->sandbox, "sandbox id");

    auto adopt = std::make_shared<DriftArgs>();
    CLI::App* a = commands.leaf(
        *drift, "adopt",
        "accept an object's edits since its import (importer or admin on the sandbox): it is no longer reported "
        "until it changes again; nothing in it changes",
        [adopt](Context& ctx) {
            const Response r = ctx.expect_ok(ctx.post(drift_path(
                ctx, adopt->sandbox, "/" + url_escape(adopt->kind) + "/" + url_escape(adopt->id) + "/adopt")));
            if (ctx.print_json(r)) return 0;
            std::cout << adopt->kind << " " << adopt->id << " adopted in " << adopt->sandbox
                      << ": its current content is accepted\n";
            return 0;
        });
    a->add_option("sandbox", adopt->sandbox, "sandbox id")->required();
    a->add_option("kind", adopt->kind, "campaign, segment or template")->required();
    a->add_option("id", adopt->id, "the object's id in the sandbox")->required();

    auto resync = std::make_shared<DriftArgs>();
    CLI::App* rs = commands.leaf(
        *drift, "resync",
        "plan the package's content back into a drifted object (the version it came from, 'update' for that "
        "object) and show the plan; --apply applies it; exit 3 when the plan has conflicts or is blocked",
        [resync](Context& ctx) {
            const json::value d = drifted(ctx, *resync);
            const auto* request = member(d, "resync");
            if (request == nullptr || !request->is_object())
                throw Failure(ExitCode::error, "the drift report of " + resync->kind + " " + resync->id +
                                                   " has no resync request" + request_id_suffix(ctx));
            if (!resync->apply) return show_import_plan(ctx, resync->sandbox, request->as_object());
            return apply_import(ctx, resync->sandbox, request->as_object(),
                                text_of(*request, "package") + " v" + text_of(*request, "version"));
        });
    rs->add_option("sandbox", resync->sandbox, "sandbox id")->required();
    rs->add_option("kind", resync->kind, "campaign, segment or template")->required();
    rs->add_option("id", resync->id, "the object's id in the sandbox")->required();
    rs->add_flag("--apply", resync->apply, "apply the plan (as 'ferry import apply') instead of showing it");
}

// ---- sync subscriptions ----

struct SyncArgs {
    std::string sandbox;
    std::string package;
    std::string mode;
    std::string policy;
    std::vector<std::string> overrides;
    std::vector<std::string> bindings;
    std::string id;
};

std::pair<std::string, std::string> split_assignment(const std::string& text, const char* flag, const char* form) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        throw UsageError(std::string(flag) + " takes " + form + ", not '" + text + "'");
    return {text.substr(0, eq), text.substr(eq + 1)};
}

std::string subscription_path(const Context& ctx, const std::string& id, std::string_view suffix = "") {
    return ctx.tenant_path("/subscriptions/" + url_escape(id) + std::string(suffix));
}

std::string mode_text(const json::value& s) {
    return text_of(s, "mode") + (text_of(s, "paused") == "true" ? ", paused" : "");
}

void print_subscription(const Context& ctx, const json::value& s) {
    Fields f = fields_of(s, {"id", "sandbox", "package"});
    f.emplace_back("mode", mode_text(s));
    for (auto& field : fields_of(s, {"conflict_policy", "bindings", "pipeline", "last_version", "promotion",
                                     "created_by", "created_at", "updated_at", "revision"}))
        f.push_back(std::move(field));
    print_fields(std::cout, f, ctx.out_style());
}

void add_sync(CLI::App& root, Commands& commands) {
    CLI::App* sync = commands.group(
        root, "sync",
        "sync subscriptions: a sandbox follows a package, each new version planned there with merge (and applied "
        "by itself when auto)");

    auto create = std::make_shared<SyncArgs>();
    CLI::App* c = commands.leaf(
        *sync, "create", "make a sandbox follow a package (importer or admin on the sandbox)", [create](Context& ctx) {
            json::object body{{"package", create->package}};
            if (!create->mode.empty()) body["mode"] = create->mode;
            if (!create->policy.empty()) body["conflict_policy"] = create->policy;
            if (!create->overrides.empty()) {
                json::object overrides;
                for (const auto& o : create->overrides) {
                    auto [target, policy] =
                        split_assignment(o, "--override", "KIND/KEY=POLICY (e.g. campaign/welcome=update)");
                    if (target.find('/') == std::string::npos)
                        throw UsageError("--override names KIND/KEY, e.g. campaign/welcome, not '" + target + "'");
                    overrides[target] = policy;
                }
                body["overrides"] = std::move(overrides);
            }
            if (!create->bindings.empty()) {
                json::object bindings;
                for (const auto& b : create->bindings) {
                    auto [name, value] = split_assignment(b, "--binding", "NAME=VALUE");
                    bindings[name] = value;
                }
                body["bindings"] = std::move(bindings);
            }
            const Response r = ctx.expect_ok(
                ctx.post(ctx.tenant_path("/sandboxes/" + url_escape(create->sandbox) + "/subscriptions"), body));
            if (ctx.print_json(r)) return 0;
            print_subscription(ctx, r.json());
            return 0;
        });
    c->add_option("sandbox", create->sandbox, "the sandbox that follows")->required();
    c->add_option("package", create->package, "the package it follows")->required();
    c->add_option("--mode", create->mode,
                  "auto (the default: each new version applied by itself when its plan has no conflicts and the "
                  "sandbox is not frozen) or manual (each waits as a promotion for a person to apply it)")
        ->check(CLI::IsMember({"auto", "manual"}));
    c->add_option("--policy,--conflict", create->policy,
                  "conflict policy of each sync: merge (the server's default), fail, use_existing, update, create_new")
        ->check(CLI::IsMember({"merge", "fail", "create_new", "use_existing", "update"}));
    c->add_option("--override", create->overrides,
                  "KIND/KEY=POLICY: another conflict policy for one object, repeatable");
    c->add_option("--binding", create->bindings,
                  "NAME=VALUE: a value for a secret the package leaves out, kept with the subscription (never shown), "
                  "repeatable");

    auto list = std::make_shared<SyncArgs>();
    CLI::App* l =
        commands.leaf(*sync, "list", "list the subscriptions of the sandboxes you can see", [list](Context& ctx) {
            const Response r = ctx.expect_ok(ctx.get(with_query(
                ctx.tenant_path("/subscriptions"), {{"sandbox", list->sandbox}, {"package", list->package}})));
            if (ctx.print_json(r)) return 0;
            Table table(ctx.wide()
                            ? std::vector<std::string>{"ID", "SANDBOX", "PACKAGE", "MODE", "POLICY", "LAST VERSION",
                                                       "PROMOTION", "PIPELINE", "BINDINGS", "CREATED BY", "UPDATED AT"}
                            : std::vector<std::string>{"ID", "SANDBOX", "PACKAGE", "MODE", "POLICY", "LAST VERSION",
                                                       "PROMOTION"});
            for (const auto& s : items_of(r.json())) {
                table.add({text_of(s, "id"), text_of(s, "sandbox"), text_of(s, "package"), mode_text(s),
                           text_of(s, "conflict_policy"), text_of(s, "last_version"), text_of(s, "promotion"),
                           text_of(s, "pipeline"), text_of(s, "bindings"), text_of(s, "created_by"),
                           text_of(s, "updated_at")});
                table.colour_last(3, text_of(s, "paused") == "true" ? Colour::dim : Colour::green);
            }
            if (table.empty())
                std::cout << "no subscription\n";
            else
                table.print(std::cout, ctx.out_style());
            return 0;
        });
    l->add_option("-s,--sandbox", list->sandbox, "only this sandbox's");
    l->add_option("-p,--package", list->package, "only this package's");

    auto get = std::make_shared<SyncArgs>();
    CLI::App* g = commands.leaf(*sync, "get", "show a subscription", [get](Context& ctx) {
        const Response r = ctx.expect_ok(ctx.get(subscription_path(ctx, get->id)));
        if (ctx.print_json(r)) return 0;
        print_subscription(ctx, r.json());
        return 0;
    });
    g->add_option("id", get->id, "subscription id (sub_...)")->required();

    for (const auto& [name, text] :
         {std::pair<const char*, const char*>{"pause", "pause a subscription: no new version is synced until resumed"},
          {"resume", "resume a subscription: it catches up to the newest version"}}) {
        auto args = std::make_shared<SyncArgs>();
        const std::string verb = name;
        CLI::App* app = commands.leaf(*sync, name, text, [args, verb](Context& ctx) {
            const Response r = ctx.expect_ok(ctx.post(subscription_path(ctx, args->id, "/" + verb)));
            if (ctx.print_json(r)) return 0;
            const json::value s = r.json();
            std::cout << "subscription " << text_of(s, "id") << " (" << text_of(s, "sandbox") << " follows "
                      << text_of(s, "package") << ") " << (verb == "pause" ? "paused" : "resumed") << "\n";
            return 0;
        });
        app->add_option("id", args->id, "subscription id (sub_...)")->required();
    }

    auto remove = std::make_shared<SyncArgs>();
    CLI::App* d = commands.leaf(*sync, "delete", "delete a subscription (its promotions keep their history)",
                                [remove](Context& ctx) {
                                    const Response r = ctx.expect_ok(ctx.del(subscription_path(ctx, remove->id)));
                                    if (ctx.print_json(r)) return 0;
                                    std::cout << "subscription " << remove->id << " deleted\n";
                                    return 0;
                                });
    d->add_option("id", remove->id, "subscription id (sub_...)")->required();
}

}  // namespace

void add_sync_commands(CLI::App& root, Commands& commands) {
    add_drift(root, commands);
    add_sync(root, commands);
}

}  // namespace ferry::cli
