// Imports of package versions into a sandbox: plan (what would happen, merges field by field
// included), apply (idempotent, retried safely), status, list and rollback.

#include "context.hpp"
#include "core/crypto.hpp"
#include "imports.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <thread>

namespace ferry::cli {

namespace json = boost::json;

namespace {

struct ImportArgs {
    std::string sandbox;
    std::string package;
    int version = 0;
    std::string conflict;
    std::vector<std::string> overrides;
    std::vector<std::string> bindings;
    std::vector<std::string> resolutions;
    bool allow_downgrade = false;
    std::string plan_digest;
    std::string id;
    Paging paging;
};

// Attempts of one `import apply` (the first and three retries), and the first wait between them.
constexpr int apply_attempts = 4;
constexpr std::chrono::milliseconds first_backoff{500};

std::pair<std::string, std::string> split_assignment(const std::string& text, const char* flag, const char* form) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        throw UsageError(std::string(flag) + " takes " + form + ", not '" + text + "'");
    return {text.substr(0, eq), text.substr(eq + 1)};
}

json::object import_body(const ImportArgs& a) {
    if (!a.plan_digest.empty()) return json::object{{"plan_digest", a.plan_digest}};
    if (a.package.empty() || a.version <= 0)
        throw UsageError("--package and --version are required (or --plan-digest for apply)");
    json::object body{{"package", a.package}, {"version", a.version}};
    if (!a.conflict.empty()) body["conflict_policy"] = a.conflict;
    if (!a.overrides.empty()) {
        json::object overrides;
        for (const auto& o : a.overrides) {
            auto [target, policy] = split_assignment(o, "--override", "KIND/KEY=POLICY (e.g. campaign/welcome=update)");
            if (target.find('/') == std::string::npos)
                throw UsageError("--override names KIND/KEY, e.g. campaign/welcome, not '" + target + "'");
            overrides[target] = policy;
        }
        body["overrides"] = overrides;
    }
    if (!a.bindings.empty()) {
        json::object bindings;
        for (const auto& b : a.bindings) {
            auto [name, value] = split_assignment(b, "--binding", "NAME=VALUE");
            bindings[name] = value;
        }
        body["bindings"] = bindings;
    }
    if (!a.resolutions.empty()) body["resolutions"] = resolutions_of(a.resolutions);
    if (a.allow_downgrade) body["allow_downgrade"] = true;
    return body;
}

Colour action_colour(const std::string& action) {
    if (action == "create") return Colour::green;
    if (action == "update" || action == "merge") return Colour::yellow;
    if (action == "conflict") return Colour::red;
    return Colour::dim;
}

bool flag(const json::value& object, std::string_view name) {
    if (!object.is_object()) return false;
    const auto* v = object.as_object().if_contains(name);
    return v != nullptr && v->is_bool() && v->as_bool();
}

// What a plan item says beyond its action: why, and what it lacks.
std::string item_notes(const json::value& item) {
    std::string notes = text_of(item, "reason") == "-" ? "" : text_of(item, "reason");
    const auto add = [&notes](const std::string& note) { notes += (notes.empty() ? "" : "; ") + note; };
    if (const std::string key = text_of(item, "new_key"); key != "-") add("as new key " + key);
    // The server's reason usually says so already ("lands as the draft version").
    if (flag(item, "as_draft_version") && notes.find("draft version") == std::string::npos) add("as a draft version");
    if (const std::string missing = text_of(item, "missing_bindings"); missing != "-")
        add("missing bindings: " + missing);
    if (const std::string missing = text_of(item, "missing_dependencies"); missing != "-")
        add("missing dependencies: " + missing);
    return notes.empty() ? "-" : notes;
}

void print_items(const Context& ctx, const json::value& items) {
    Table table({"KIND", "KEY", "NAME", "ACTION", "TARGET", "NOTES"});
    if (items.is_array())
        for (const auto& item : items.as_array()) {
            table.add({text_of(item, "kind"), text_of(item, "key"), text_of(item, "name"), text_of(item, "action"),
                       text_of(item, "target_id"), item_notes(item)});
            table.colour_last(3, action_colour(text_of(item, "action")));
        }
    table.print(std::cout, ctx.out_style());
}

// What an approvals_needed entry requires, in words: "Prod email: 1 approval, sandbox: 1 approval".
std::string requirements_text(const json::value& entry) {
    const json::value* requirements = entry.is_object() ? entry.as_object().if_contains("requirements") : nullptr;
    if (requirements == nullptr || !requirements->is_array()) return text_of(entry, "requirements");
    std::string out;
    for (const auto& r : requirements->as_array()) {
        const std::string n = text_of(r, "required");
        out += (out.empty() ? "" : ", ") + text_of(r, "name") + ": " + n + (n == "1" ? " approval" : " approvals");
    }
    return out.empty() ? "-" : out;
}

void print_plan(const Context& ctx, const json::value& plan) {
    const Style& style = ctx.out_style();
    print_fields(std::cout, fields_of(plan, {"package", "version", "digest"}), style);
    std::cout << "\n";
    print_items(ctx, plan.at("items"));
    if (const auto* approvals = plan.as_object().if_contains("approvals_needed");
        approvals != nullptr && approvals->is_array() && !approvals->as_array().empty()) {
        std::cout << "\n" << style.paint("Approvals needed before going live", Colour::bold) << "\n";
        for (const auto& a : approvals->as_array())
            std::cout << "  " << text_of(a, "kind") << "/" << text_of(a, "key") << ": " << requirements_text(a) << "\n";
    }
    if (const std::string missing = text_of(plan, "preflight.missing_permissions"); missing != "-")
        std::cout << "\n" << style.paint("Missing permissions", Colour::red) << ": " << missing << "\n";
    if (const auto* warnings = plan.as_object().if_contains("warnings"); warnings != nullptr && warnings->is_array())
        for (const auto& w : warnings->as_array())
            std::cout << style.paint("warning", Colour::yellow) << ": " << text_of(w) << "\n";
}

// The plan's last line: whether applying it would go through.
void print_verdict(const Context& ctx, const json::value& plan) {
    const Style& style = ctx.out_style();
    const bool conflicts = flag(plan, "conflicts");
    const bool blocked = flag(plan, "blocked");
    std::cout << "\n";
    if (conflicts || blocked)
        std::cout << style.paint(conflicts ? "conflicts" : "blocked", Colour::red)
                  << ": resolve them (--resolve, --conflict, --override, --binding) before applying\n";
    else
        std::cout << style.paint("ready", Colour::green)
                  << ": 'ferry import apply' with the same options applies this plan\n";
}

// ---- merges (docs/sync.md) ----

bool has_merge(const json::value& item) {
    const auto* merge = item.is_object() ? item.as_object().if_contains("merge") : nullptr;
    return merge != nullptr && merge->is_object();
}

// One side of a merged path for a table cell: compact JSON ("Bonjour" in quotes, so that a string
// and a number read apart), "(absent)" when the side has no such field; long values cut unless wide.
std::string side_text(const json::value& entry, std::string_view side, bool wide) {
    const auto* v = entry.is_object() ? entry.as_object().if_contains(side) : nullptr;
    if (v == nullptr) return "(absent)";
    std::string text = json::serialize(*v);
    constexpr std::size_t cut = 60;
    if (!wide && text.size() > cut) text = text.substr(0, cut - 3) + "...";
    return text;
}

std::string resolution_text(const json::value& conflict) {
    const auto* r = conflict.is_object() ? conflict.as_object().if_contains("resolution") : nullptr;
    if (r == nullptr || r->is_null()) return "undecided";
    return r->is_string() ? std::string(r->as_string()) : json::serialize(*r);
}

// Each merge item: the paths the apply changes (base, source, target, merged) and the paths both
// sides changed differently, with how each is decided.
void print_merges(const Context& ctx, const json::value& plan) {
    const Style& style = ctx.out_style();
    bool any = false;
    for (const auto& item : plan.at("items").as_array()) {
        if (!has_merge(item)) continue;
        if (!any)
            std::cout << "\n"
                      << style.paint("Merges (base: the last import; source: the version; target: the sandbox)",
                                     Colour::bold)
                      << "\n";
        any = true;
        const json::value& merge = item.at("merge");
        const std::string action = text_of(item, "action");
        std::cout << style.paint("~ " + text_of(item, "kind") + "/" + text_of(item, "key"),
                                 action == "conflict" ? Colour::red : Colour::yellow)
                  << "  (" << action << ", " << text_of(item, "target_id") << ", base version "
                  << text_of(merge, "base_version") << ")\n";
        const auto* changes = merge.as_object().if_contains("changes");
        if (changes != nullptr && changes->is_array() && !changes->as_array().empty()) {
            Table table({"  CHANGE", "BASE", "SOURCE", "TARGET", "MERGED"});
            for (const auto& c : changes->as_array())
                table.add({"  " + text_of(c, "path"), side_text(c, "base", ctx.wide()),
                           side_text(c, "source", ctx.wide()), side_text(c, "target", ctx.wide()),
                           side_text(c, "merged", ctx.wide())});
            table.print(std::cout, style);
        } else {
            std::cout << "  no field of the target changes\n";
        }
        const auto* conflicts = merge.as_object().if_contains("conflicts");
        if (conflicts != nullptr && conflicts->is_array() && !conflicts->as_array().empty()) {
            Table table({"  CONFLICT", "BASE", "SOURCE", "TARGET", "RESOLUTION", "MERGED"});
            for (const auto& c : conflicts->as_array()) {
                const std::string resolution = resolution_text(c);
                table.add({"  " + text_of(c, "path"), side_text(c, "base", ctx.wide()),
                           side_text(c, "source", ctx.wide()), side_text(c, "target", ctx.wide()), resolution,
                           resolution == "undecided" ? "-" : side_text(c, "merged", ctx.wide())});
                table.colour_last(4, resolution == "undecided" ? Colour::red : Colour::green);
            }
            table.print(std::cout, style);
            if (action == "conflict")
                std::cout << "  decide each with --resolve " << text_of(item, "kind") << "/" << text_of(item, "key")
                          << ":PATH=take_source|keep_target|value:JSON\n";
        }
    }
}

// One field that differs between the target's object and the version's, by dotted path.
struct FieldChange {
    std::string field;
    json::value from;  // in the target now
    json::value to;    // in the version
};

bool is_binding(const json::value& value) {
    return value.is_object() && value.as_object().if_contains("$binding") != nullptr;
}

// Walks both values: objects member by member, anything else (arrays too) compared whole. A
// secret (a binding placeholder in the version, masked in the target) cannot be compared here.
void collect_changes(const json::value& from, const json::value& to, const std::string& path,
                     std::vector<FieldChange>& out) {
    if (is_binding(to)) return;
    if (from.is_object() && to.is_object()) {
        std::set<std::string> names;
        for (const auto& m : from.as_object()) names.insert(std::string(m.key()));
        for (const auto& m : to.as_object()) names.insert(std::string(m.key()));
        for (const auto& name : names) {
            const auto* f = from.as_object().if_contains(name);
            const auto* t = to.as_object().if_contains(name);
            collect_changes(f != nullptr ? *f : json::value(nullptr), t != nullptr ? *t : json::value(nullptr),
                            path.empty() ? name : path + "." + name, out);
        }
        return;
    }
    if (from != to) out.push_back({path, from, to});
}

json::value member_or_null(const json::value& object, std::string_view name) {
    const auto* v = object.is_object() ? object.as_object().if_contains(name) : nullptr;
    return v != nullptr ? *v : json::value(nullptr);
}

// The target's object in the form of a package file (references by key, no status), so that it
// compares with the version's file field by field. `keys` maps segment and template ids to keys.
json::value package_form(const std::string& kind, const json::value& object,
                         const std::map<std::string, std::string>& keys) {
    const auto key_of = [&keys](const json::value& id) -> json::value {
        if (!id.is_string()) return id;
        const auto it = keys.find(std::string(id.as_string()));
        return it == keys.end() ? id : json::value(it->second);
    };
    if (kind == "segment")
        return json::object{{"key", member_or_null(object, "key")},
                            {"name", member_or_null(object, "name")},
                            {"description", member_or_null(object, "description")},
                            {"rule", member_or_null(object, "rule")}};
    if (kind == "template")
        return json::object{{"key", member_or_null(object, "key")},
                            {"name", member_or_null(object, "name")},
                            {"channel", member_or_null(object, "channel")},
                            {"subject", member_or_null(object, "subject")},
                            {"body", member_or_null(object, "body")}};
    // A live campaign with a draft version is compared by its draft version, as the planner does.
    const json::value draft = member_or_null(object, "draft_version");
    const json::value& source = draft.is_object() ? draft : object;
    json::object spec;
    for (const char* field : {"name", "description", "channels", "schedule", "audience", "content"})
        spec[field] = member_or_null(source, field);
    if (spec["audience"].is_object())
        if (auto* segment = spec["audience"].as_object().if_contains("segment")) *segment = key_of(*segment);
    if (spec["content"].is_object())
        for (auto& entry : spec["content"].as_object())
            if (entry.value().is_object())
                if (auto* id = entry.value().as_object().if_contains("template")) *id = key_of(*id);
    return json::object{{"key", member_or_null(object, "key")},
                        {"type", member_or_null(object, "type")},
                        {"tags", member_or_null(object, "tags")},
                        {"spec", std::move(spec)}};
}

// The version's file without what an import does not compare (kind, status, live_version).
json::value comparable(json::value file) {
    if (file.is_object())
        for (const char* field : {"kind", "status", "live_version"}) file.as_object().erase(field);
    return file;
}

// The field-level changes a plan would make, object by object, as `kubectl diff` shows them: the
// version's files (read from the package) against the target's objects (read from the sandbox).
void print_changes(Context& ctx, const std::string& sandbox, const json::value& plan) {
    const Style& style = ctx.out_style();
    std::vector<const json::value*> compared;
    bool any_campaign = false;
    bool any_create = false;
    bool any_merge = false;
    for (const auto& item : plan.at("items").as_array()) {
        const std::string action = text_of(item, "action");
        any_create = any_create || action == "create";
        any_merge = any_merge || has_merge(item);
        // A merge shows its own changes, path by path, with the three sides (print_merges).
        if ((action == "update" || action == "conflict" || action == "reuse") && text_of(item, "target_id") != "-" &&
            !has_merge(item)) {
            compared.push_back(&item);
            any_campaign = any_campaign || text_of(item, "kind") == "campaign";
        }
    }
    if (compared.empty() && !any_create && any_merge) return;  // the merges said it all
    std::cout << "\n" << style.paint("Changes (target -> version)", Colour::bold) << "\n";
    for (const auto& item : plan.at("items").as_array())
        if (text_of(item, "action") == "create")
            std::cout << style.paint("+ " + text_of(item, "kind") + "/" + text_of(item, "key"), Colour::green)
                      << "  (new)\n";
    if (compared.empty()) {
        if (!any_merge) std::cout << "  no object in the target changes field by field\n";
        return;
    }

    const Response version = ctx.get(
        ctx.tenant_path("/packages/" + url_escape(text_of(plan, "package")) + "/versions/" + text_of(plan, "version")));
    if (!version.ok()) {
        std::cout << "  (field-level changes need read access to the package's source sandbox: " << error_code(version)
                  << ")\n";
        return;
    }
    const json::value objects = member_or_null(version.json(), "objects");
    std::map<std::string, std::string> keys;  // segment and template ids in the target -> keys
    if (any_campaign)
        for (const char* kind : {"/segments?include_archived=true", "/templates?include_archived=true"})
            if (const Response r = ctx.get(ctx.sandbox_path(sandbox, kind)); r.ok())
                for (const auto& o : items_of(r.json())) keys[text_of(o, "id")] = text_of(o, "key");

    for (const json::value* item : compared) {
        const std::string kind = text_of(*item, "kind");
        const std::string key = text_of(*item, "key");
        const std::string action = text_of(*item, "action");
        std::cout << style.paint("~ " + kind + "/" + key, action == "conflict" ? Colour::red : Colour::yellow) << "  ("
                  << action << ", " << text_of(*item, "target_id") << ")\n";
        const json::value file = member_or_null(objects, kind + "s/" + key + ".json");
        const Response target =
            ctx.get(ctx.sandbox_path(sandbox, "/" + kind + "s/" + url_escape(text_of(*item, "target_id"))));
        if (file.is_null() || !target.ok()) {
            std::cout << "    (cannot read both sides to compare)\n";
            continue;
        }
        std::vector<FieldChange> changes;
        collect_changes(package_form(kind, target.json(), keys), comparable(file), "", changes);
        if (changes.empty()) std::cout << "    no field differs (" << text_of(*item, "reason") << ")\n";
        for (const auto& c : changes)
            std::cout << "    " << c.field << ": " << style.paint(json::serialize(c.from), Colour::red) << " -> "
                      << style.paint(json::serialize(c.to), Colour::green) << "\n";
    }
}

// An import's item counts by action: "create 2, update 1".
std::string counts_text(const json::value& imp) {
    const json::value* counts = imp.is_object() ? imp.as_object().if_contains("counts") : nullptr;
    if (counts == nullptr || !counts->is_object() || counts->as_object().empty()) return "-";
    std::string out;
    for (const auto& [action, n] : counts->as_object())
        out += (out.empty() ? "" : ", ") + std::string(action) + " " + text_of(n);
    return out;
}

void print_import(const Context& ctx, const json::value& imp) {
    Fields f = fields_of(imp, {"id", "status", "package", "version", "plan_digest", "created_by", "created_at"});
    if (text_of(imp, "rolled_back_at") != "-")
        for (auto& field : fields_of(imp, {"rolled_back_by", "rolled_back_at"})) f.push_back(std::move(field));
    print_fields(std::cout, f, ctx.out_style());
    if (const auto* items = imp.as_object().if_contains("items"); items != nullptr) {
        std::cout << "\n";
        print_items(ctx, *items);
    }
}

// A 409 `conflicts` or 422 `blocked` answer of apply: the server's error, then what is in the way.
int report_unapplicable(const Context& ctx, const Response& r) {
    ctx.print_error_body(r);
    const json::value body = r.json();
    const Style style = Style::for_stderr();
    std::cerr << "ferry: " << style.paint(text_of(body, "error.code"), Colour::red) << ": "
              << text_of(body, "error.message") << request_id_suffix(ctx) << "\n";
    for (const char* list : {"conflicts", "items"}) {
        const json::value* entries = nullptr;
        if (const auto* details = body.at("error").as_object().if_contains("details");
            details != nullptr && details->is_object())
            entries = details->as_object().if_contains(list);
        if (entries == nullptr || !entries->is_array()) continue;
        for (const auto& e : entries->as_array()) {
            std::cerr << "  " << text_of(e, "kind") << "/" << text_of(e, "key") << ": " << item_notes(e) << "\n";
            // A merge's undecided paths: by name in an apply's answer, with their values in a plan's.
            if (const auto* paths = e.as_object().if_contains("paths"); paths != nullptr && paths->is_array())
                for (const auto& p : paths->as_array())
                    std::cerr << "    " << text_of(p) << ": both sides changed it; decide with --resolve "
                              << text_of(e, "kind") << "/" << text_of(e, "key") << ":" << text_of(p)
                              << "=take_source|keep_target|value:JSON\n";
            if (!has_merge(e)) continue;
            if (const auto* conflicts = e.at("merge").as_object().if_contains("conflicts");
                conflicts != nullptr && conflicts->is_array())
                for (const auto& c : conflicts->as_array())
                    std::cerr << "    " << text_of(c, "path") << ": base " << side_text(c, "base", true) << ", source "
                              << side_text(c, "source", true) << ", target " << side_text(c, "target", true) << " ("
                              << resolution_text(c) << ")\n";
        }
    }
    return to_int(ExitCode::conflicts);
}

// A rollback refused with 409 edited_since: the server's error, then each object in the way by
// kind, key and id (the keys read from the import's items), and that nothing was rolled back.
int report_edited_since(Context& ctx, const Response& r, const std::string& import_path) {
    ctx.print_error_body(r);
    const std::string request_id = request_id_suffix(ctx);
    const json::value body = r.json();
    std::map<std::string, std::string> key_of;  // target id -> key in the package
    if (const Response imp = ctx.get(import_path); imp.ok())
        for (const auto& item : items_of(imp.json())) key_of[text_of(item, "target_id")] = text_of(item, "key");
    const Style style = Style::for_stderr();
    std::cerr << "ferry: " << style.paint(text_of(body, "error.code"), Colour::red) << ": "
              << text_of(body, "error.message") << request_id << "\n";
    const json::value* objects = nullptr;
    if (const auto* details = body.at("error").as_object().if_contains("details");
        details != nullptr && details->is_object())
        objects = details->as_object().if_contains("objects");
    if (objects != nullptr && objects->is_array())
        for (const auto& o : objects->as_array()) {
            const std::string id = text_of(o, "id");
            const auto key = key_of.find(id);
            std::cerr << "  " << text_of(o, "kind") << " " << (key == key_of.end() ? id : key->second + " (" + id + ")")
                      << ": " << text_of(o, "reason") << "\n";
        }
    std::cerr << "nothing was rolled back: an import is undone only while nothing it wrote has changed since\n";
    return to_int(ExitCode::error);
}

// Answers worth another attempt with the same key: the server failing for now, or still busy
// with an earlier attempt of this same invocation (whose answer was lost on the way).
bool retryable(const Response& r) {
    if (r.status == 500 || r.status == 502 || r.status == 503 || r.status == 504) return true;
    return r.status == 409 && error_code(r) == "idempotency_in_progress";
}

int apply_request(Context& ctx, const std::string& sandbox, const json::object& import, const std::string& what) {
    const std::string body = json::serialize(import);
    // One key for this invocation, sent with every retry: the server applies it at most once.
    const std::string key = "ferry-" + crypto::random_hex(16);
    Request request{"POST", ctx.sandbox_path(sandbox, "/imports"), body, {{"Idempotency-Key", key}}};
    Client& client = ctx.client();

    std::chrono::milliseconds wait = first_backoff;
    for (int attempt = 1;; ++attempt) {
        progress("applying " + what + " to " + ctx.sandbox(sandbox) +
                 (attempt > 1 ? " (attempt " + std::to_string(attempt) + ")" : "") + "...");
        std::optional<Response> r;
        std::string failure;
        try {
            r = client.send(request);
        } catch (const TransportError& e) {
            if (!e.transient())
                throw Failure(ExitCode::unreachable, "cannot reach " + client.server() + ": " + e.what());
            failure = "cannot reach " + client.server() + ": " + e.what();
        }
        if (r && !retryable(*r)) {
            if (r->status == 200 && text_of(r->json(), "status") == "already_applied") {
                if (!ctx.print_json(*r))
                    std::cout << "already applied as " << text_of(r->json(), "id") << "; nothing to do\n";
                return 0;
            }
            const std::string code = error_code(*r);
            if ((r->status == 409 && code == "conflicts") || (r->status == 422 && code == "blocked"))
                return report_unapplicable(ctx, *r);
            ctx.expect_ok(*r);
            if (ctx.print_json(*r)) return 0;
            print_import(ctx, r->json());
            return 0;
        }
        if (attempt == apply_attempts) {
            if (r) fail_with(ctx, *r);
            throw Failure(ExitCode::unreachable, failure);
        }
        // The server may ask for a longer pause (503 overloaded says Retry-After: 1).
        std::chrono::milliseconds pause = wait;
        if (r) {
            try {
                pause = std::max(pause, std::chrono::milliseconds(std::stoi(r->header("retry-after")) * 1000));
            } catch (const std::exception&) {
            }
        }
        progress((r ? "the server answered HTTP " + std::to_string(r->status) : failure) + "; retrying");
        std::this_thread::sleep_for(pause);
        wait *= 2;
    }
}

int apply(Context& ctx, const ImportArgs& a) {
    const std::string what = a.plan_digest.empty() ? a.package + " v" + std::to_string(a.version) : a.plan_digest;
    return apply_request(ctx, a.sandbox, import_body(a), what);
}

int plan_request(Context& ctx, const std::string& sandbox, const json::object& request) {
    const Response r = ctx.expect_ok(ctx.post(ctx.sandbox_path(sandbox, "/imports/plan"), request));
    const json::value body = r.json();
    if (!ctx.print_json(r)) {
        print_plan(ctx, body);
        print_merges(ctx, body);
        print_changes(ctx, sandbox, body);
        print_verdict(ctx, body);
    }
    return to_int(flag(body, "conflicts") || flag(body, "blocked") ? ExitCode::conflicts : ExitCode::ok);
}

void add_target_options(CLI::App* app, ImportArgs& a) {
    add_sandbox_option(app, a.sandbox, "the sandbox to import into");
    app->add_option("-p,--package", a.package, "package name");
    app->add_option("--version", a.version, "the package version")->check(CLI::Range(1, 1000000));
    app->add_option("--conflict,--policy", a.conflict,
                    "what to do with objects that exist already: merge (the server's default: field by field, "
                    "keeping the sandbox's edits since the last import), fail, create_new, use_existing, update")
        ->check(CLI::IsMember({"merge", "fail", "create_new", "use_existing", "update"}));
    app->add_option("--override", a.overrides, "KIND/KEY=POLICY: another conflict policy for one object, repeatable");
    app->add_option("--binding", a.bindings, "NAME=VALUE: a value for a secret the package leaves out, repeatable");
    app->add_option("--resolve", a.resolutions, resolve_help);
    app->add_flag("--allow-downgrade", a.allow_downgrade,
                  "allow importing an older version than the one imported last");
}

}  // namespace

const char* const resolve_help =
    "KIND/KEY:/PATH=CHOICE: decide one conflict of a merge, repeatable; CHOICE is take_source, keep_target or "
    "value:JSON, e.g. --resolve campaign/promo:/spec/content/email/subject=keep_target";

json::object resolutions_of(const std::vector<std::string>& specs) {
    json::object out;
    for (const auto& spec : specs) {
        const auto bad = [&spec](const std::string& why) {
            return UsageError("--resolve takes KIND/KEY:/PATH=take_source|keep_target|value:JSON (" + why + "), not '" +
                              spec + "'");
        };
        const auto colon = spec.find(":/");
        if (colon == std::string::npos) throw bad("the path is a JSON Pointer after a colon");
        const std::string object = spec.substr(0, colon);
        const auto slash = object.find('/');
        if (slash == std::string::npos || slash == 0 || slash + 1 == object.size()) throw bad("KIND/KEY first");
        const std::string rest = spec.substr(colon + 1);
        std::string path;
        json::value choice;
        if (const auto value = rest.find("=value:"); value != std::string::npos) {
            path = rest.substr(0, value);
            try {
                choice = json::object{{"value", json::parse(rest.substr(value + 7))}};
            } catch (const std::exception&) {
                throw bad("the value after value: is JSON, e.g. value:\"Hi\" or value:3");
            }
        } else {
            const auto eq = rest.rfind('=');
            if (eq == std::string::npos) throw bad("a choice after =");
            path = rest.substr(0, eq);
            const std::string word = rest.substr(eq + 1);
            if (word != "take_source" && word != "keep_target")
                throw bad("the choice is take_source, keep_target or value:JSON");
            choice = json::string(word);
        }
        if (path.empty()) throw bad("the path is a JSON Pointer such as /spec/content/email/subject");
        json::value& entry = out[object];
        if (!entry.is_object()) entry = json::object();
        entry.as_object()[path] = std::move(choice);
    }
    return out;
}

int show_import_plan(Context& ctx, const std::string& sandbox, const json::object& request) {
    return plan_request(ctx, sandbox, request);
}

int apply_import(Context& ctx, const std::string& sandbox, const json::object& request, const std::string& what) {
    return apply_request(ctx, sandbox, request, what);
}

void add_import_commands(CLI::App& root, Commands& commands) {
    CLI::App* imports = commands.group(root, "import", "import package versions into a sandbox");

    auto plan = std::make_shared<ImportArgs>();
    CLI::App* p =
        commands.leaf(*imports, "plan", "show what an import would do; exit 3 when it has conflicts or is blocked",
                      [plan](Context& ctx) {
                          progress("planning " + plan->package + " v" + std::to_string(plan->version) + " into " +
                                   ctx.sandbox(plan->sandbox) + "...");
                          return plan_request(ctx, plan->sandbox, import_body(*plan));
                      });
    add_target_options(p, *plan);

    auto apply_args = std::make_shared<ImportArgs>();
    CLI::App* a =
        commands.leaf(*imports, "apply",
                      "apply an import; safe to re-run (an idempotency key covers retries, and an import already "
                      "applied exits 0); exit 3 on conflicts",
                      [apply_args](Context& ctx) { return apply(ctx, *apply_args); });
    add_target_options(a, *apply_args);
    a->add_option("--plan-digest", apply_args->plan_digest,
                  "apply exactly the plan with this digest (from 'ferry import plan')");

    auto status = std::make_shared<ImportArgs>();
    CLI::App* s = commands.leaf(*imports, "status", "show an import and what it did", [status](Context& ctx) {
        const Response r =
            ctx.expect_ok(ctx.get(ctx.sandbox_path(status->sandbox, "/imports/" + url_escape(status->id))));
        if (ctx.print_json(r)) return 0;
        print_import(ctx, r.json());
        return 0;
    });
    s->add_option("id", status->id, "import id (imp_...)")->required();
    add_sandbox_option(s, status->sandbox);

    auto list = std::make_shared<ImportArgs>();
    CLI::App* l = commands.leaf(*imports, "ls", "list the imports into a sandbox", [list](Context& ctx) {
        const json::value body = ctx.list(ctx.sandbox_path(list->sandbox, "/imports"), list->paging);
        if (ctx.print_json(body)) return 0;
        Table table(ctx.wide() ? std::vector<std::string>{"ID", "STATUS", "PACKAGE", "VERSION", "ITEMS", "CREATED BY",
                                                          "CREATED AT", "PLAN DIGEST", "ROLLED BACK AT"}
                               : std::vector<std::string>{"ID", "STATUS", "PACKAGE", "VERSION", "ITEMS", "CREATED BY",
                                                          "CREATED AT"});
        for (const auto& imp : items_of(body)) {
            table.add({text_of(imp, "id"), text_of(imp, "status"), text_of(imp, "package"), text_of(imp, "version"),
                       counts_text(imp), text_of(imp, "created_by"), text_of(imp, "created_at"),
                       text_of(imp, "plan_digest"), text_of(imp, "rolled_back_at")});
            table.colour_last(1, text_of(imp, "status") == "applied" ? Colour::green : Colour::dim);
        }
        table.print(std::cout, ctx.out_style());
        return 0;
    });
    add_sandbox_option(l, list->sandbox);
    add_paging_options(l, list->paging, false);

    auto rollback = std::make_shared<ImportArgs>();
    CLI::App* r = commands.leaf(
        *imports, "rollback", "undo an import (refused when its objects were edited since)", [rollback](Context& ctx) {
            progress("rolling back " + rollback->id + "...");
            const std::string path = ctx.sandbox_path(rollback->sandbox, "/imports/" + url_escape(rollback->id));
            const Response res = ctx.post(path + "/rollback");
            if (res.status == 409 && error_code(res) == "edited_since") return report_edited_since(ctx, res, path);
            ctx.expect_ok(res);
            if (ctx.print_json(res)) return 0;
            print_import(ctx, res.json());
            return 0;
        });
    r->add_option("id", rollback->id, "import id (imp_...)")->required();
    add_sandbox_option(r, rollback->sandbox);
}

}  // namespace ferry::cli
