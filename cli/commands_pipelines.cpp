// Promotion pipelines (docs/pipelines.md): pipelines and their environment matrix, promotions
// (promote, list, get, cancel, retry), freeze windows, and `ferry wait`, which polls a review, an
// import or a promotion until it is done (0), refused (3) or the timeout passes (4).

#include "context.hpp"
#include "imports.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <functional>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>

namespace ferry::cli {

namespace json = boost::json;

namespace {

using Clock = std::chrono::steady_clock;

// "90", "90s", "10m", "1h30m", "24h", "2d" -> seconds; UsageError otherwise.
std::int64_t parse_duration(const std::string& text, const char* what) {
    const auto bad = [&] {
        return UsageError(std::string(what) + " takes a duration such as 30s, 10m, 1h30m or 2d, not '" + text + "'");
    };
    if (text.empty()) throw bad();
    std::int64_t total = 0;
    std::size_t i = 0;
    while (i < text.size()) {
        std::size_t start = i;
        while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i])) != 0) ++i;
        if (i == start || i - start > 9) throw bad();
        const std::int64_t n = std::stoll(text.substr(start, i - start));
        std::int64_t unit = 1;
        if (i < text.size()) {
            switch (text[i]) {
                case 's': unit = 1; break;
                case 'm': unit = 60; break;
                case 'h': unit = 3600; break;
                case 'd': unit = 86400; break;
                default: throw bad();
            }
            ++i;
        } else if (start != 0) {
            throw bad();  // "1h30": the unit of the last number is missing
        }
        total += n * unit;
    }
    return total;
}

// 86400 -> "24h", 5400 -> "1h30m", 0 -> "-".
std::string duration_text(std::int64_t seconds) {
    if (seconds <= 0) return "-";
    std::string out;
    for (const auto& [unit, suffix] :
         {std::pair<std::int64_t, const char*>{86400, "d"}, {3600, "h"}, {60, "m"}, {1, "s"}})
        if (seconds >= unit) {
            out += std::to_string(seconds / unit) + suffix;
            seconds %= unit;
        }
    return out;
}

const json::value* member(const json::value& object, std::string_view name) {
    return object.is_object() ? object.as_object().if_contains(name) : nullptr;
}

// A side of a merge conflict as compact JSON, "(absent)" when that side has no such field.
std::string value_text(const json::value& conflict, std::string_view side) {
    const auto* v = member(conflict, side);
    return v == nullptr ? "(absent)" : json::serialize(*v);
}

// ---- pipelines ----

struct PipelineArgs {
    std::string name;
    std::vector<std::string> stages;
    std::string description;
    Paging paging;
};

std::string pipeline_path(const Context& ctx, const std::string& name, std::string_view suffix = "") {
    return ctx.tenant_path("/pipelines/" + url_escape(name) + std::string(suffix));
}

// "prod:soak=24h:health" -> {"sandbox": "prod", "soak_seconds": 86400, "health_gate": true}.
json::object stage_of(const std::string& spec) {
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
        const auto colon = spec.find(':', start);
        parts.push_back(spec.substr(start, colon == std::string::npos ? std::string::npos : colon - start));
        if (colon == std::string::npos) break;
        start = colon + 1;
    }
    if (parts.front().empty()) throw UsageError("--stage takes SANDBOX[:soak=D][:health], not '" + spec + "'");
    json::object stage{{"sandbox", parts.front()}};
    for (std::size_t i = 1; i < parts.size(); ++i) {
        if (parts[i] == "health")
            stage["health_gate"] = true;
        else if (parts[i].rfind("soak=", 0) == 0)
            stage["soak_seconds"] = parse_duration(parts[i].substr(5), "soak=");
        else
            throw UsageError("--stage takes SANDBOX[:soak=D][:health]; '" + parts[i] +
                             "' is neither soak=D nor health");
    }
    return stage;
}

std::string stages_text(const json::value& pipeline) {
    std::string out;
    if (const auto* stages = member(pipeline, "stages"); stages != nullptr && stages->is_array())
        for (const auto& s : stages->as_array()) out += (out.empty() ? "" : " -> ") + text_of(s, "sandbox");
    return out.empty() ? "-" : out;
}

void print_pipeline(const Context& ctx, const json::value& p) {
    Fields f = fields_of(p, {"name", "description"});
    f.emplace_back("path", stages_text(p));
    for (auto& field : fields_of(p, {"revision", "created_by", "created_at", "updated_by", "updated_at"}))
        f.push_back(std::move(field));
    print_fields(std::cout, f, ctx.out_style());
    std::cout << "\n";
    Table table({"POSITION", "STAGE", "SOAK", "HEALTH GATE"});
    if (const auto* stages = member(p, "stages"); stages != nullptr && stages->is_array())
        for (const auto& s : stages->as_array()) {
            const auto* soak = member(s, "soak_seconds");
            table.add({text_of(s, "position"), text_of(s, "sandbox"),
                       duration_text(soak != nullptr && soak->is_int64() ? soak->as_int64() : 0),
                       text_of(s, "health_gate") == "true" ? "yes" : "no"});
        }
    table.print(std::cout, ctx.out_style());
}

// A cell of the matrix: "v2 source", "v1 live", "v1 in review"; -o wide adds when and by whom.
std::string matrix_cell(const json::value& entry, bool wide) {
    if (!entry.is_object()) return "-";
    std::string state = text_of(entry, "state");
    if (state == "in_review") state = "in review";
    std::string out = "v" + text_of(entry, "version") + " " + state;
    if (wide && text_of(entry, "at") != "-") out += " (" + text_of(entry, "at") + " by " + text_of(entry, "by") + ")";
    return out;
}

// What may move next: "v2 -> stage", with its pending promotion when there is one.
std::string next_text(const json::value& package) {
    std::string out;
    if (const auto* next = member(package, "next"); next != nullptr && next->is_array())
        for (const auto& n : next->as_array()) {
            std::string item = "v" + text_of(n, "version") + " -> " + text_of(n, "to");
            if (const auto* p = member(n, "promotion"); p != nullptr && !p->is_null())
                item += " (" + (p->is_object() ? text_of(*p, "id") + " " + text_of(*p, "status") : text_of(*p)) + ")";
            out += (out.empty() ? "" : ", ") + item;
        }
    return out.empty() ? "-" : out;
}

Colour cell_colour(const json::value& entry) {
    const std::string state = entry.is_object() ? text_of(entry, "state") : "";
    if (state == "live") return Colour::green;
    if (state == "in_review") return Colour::yellow;
    return Colour::dim;
}

void print_matrix(const Context& ctx, const json::value& m) {
    std::vector<std::string> headers{"PACKAGE"};
    std::vector<std::string> stages;
    if (const auto* s = member(m, "stages"); s != nullptr && s->is_array())
        for (const auto& stage : s->as_array()) stages.push_back(text_of(stage));
    for (const auto& s : stages) {
        std::string upper = s;
        std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
        headers.push_back(upper);
    }
    headers.emplace_back("NEXT");
    Table table(headers);
    if (const auto* packages = member(m, "packages"); packages != nullptr && packages->is_array())
        for (const auto& p : packages->as_array()) {
            std::vector<std::string> row{text_of(p, "package")};
            std::vector<Colour> colours;
            const auto* entries = member(p, "stages");
            for (std::size_t i = 0; i < stages.size(); ++i) {
                const json::value entry = entries != nullptr && entries->is_array() && i < entries->as_array().size()
                                              ? entries->as_array()[i]
                                              : json::value(nullptr);
                row.push_back(matrix_cell(entry, ctx.wide()));
                colours.push_back(cell_colour(entry));
            }
            row.push_back(next_text(p));
            table.add(row);
            for (std::size_t i = 0; i < colours.size(); ++i) table.colour_last(i + 1, colours[i]);
        }
    std::cout << "pipeline " << text_of(m, "pipeline") << ": " << [&] {
        std::string out;
        for (const auto& s : stages) out += (out.empty() ? "" : " -> ") + s;
        return out;
    }() << "\n\n";
    if (table.empty())
        std::cout << "no package has a version in this pipeline's sandboxes yet\n";
    else
        table.print(std::cout, ctx.out_style());
}

void add_pipelines(CLI::App& root, Commands& commands) {
    CLI::App* pipelines = commands.group(
        root, "pipelines", "promotion pipelines: ordered stages (sandboxes) a package version moves along");

    auto create = std::make_shared<PipelineArgs>();
    CLI::App* c = commands.leaf(*pipelines, "create", "create a pipeline (tenant admin)", [create](Context& ctx) {
        json::array stages;
        for (const auto& s : create->stages) stages.push_back(stage_of(s));
        json::object body{{"name", create->name}, {"stages", std::move(stages)}};
        if (!create->description.empty()) body["description"] = create->description;
        const Response r = ctx.expect_ok(ctx.post(ctx.tenant_path("/pipelines"), body));
        if (ctx.print_json(r)) return 0;
        print_pipeline(ctx, r.json());
        return 0;
    });
    c->add_option("name", create->name, "pipeline name (a-z, 0-9, -)")->required();
    c->add_option("--stage", create->stages,
                  "a stage, in order, repeatable: SANDBOX[:soak=D][:health], e.g. --stage dev --stage stage "
                  "--stage prod:soak=24h:health (soak: how long the version must have been live in the previous "
                  "stage; health: none of what it brought there failed or raised an alert)")
        ->required();
    c->add_option("--description", create->description, "free text");

    auto get = std::make_shared<PipelineArgs>();
    CLI::App* g = commands.leaf(*pipelines, "get", "show a pipeline and its stages", [get](Context& ctx) {
        const Response r = ctx.expect_ok(ctx.get(pipeline_path(ctx, get->name)));
        if (ctx.print_json(r)) return 0;
        print_pipeline(ctx, r.json());
        return 0;
    });
    g->add_option("name", get->name, "pipeline name")->required();

    auto list = std::make_shared<PipelineArgs>();
    CLI::App* l = commands.leaf(*pipelines, "list", "list the tenant's pipelines, by name", [list](Context& ctx) {
        const json::value body = ctx.list(ctx.tenant_path("/pipelines"), list->paging);
        if (ctx.print_json(body)) return 0;
        Table table(ctx.wide() ? std::vector<std::string>{"NAME", "STAGES", "DESCRIPTION", "REVISION", "UPDATED AT",
                                                          "UPDATED BY"}
                               : std::vector<std::string>{"NAME", "STAGES", "DESCRIPTION"});
        for (const auto& p : items_of(body))
            table.add({text_of(p, "name"), stages_text(p), text_of(p, "description"), text_of(p, "revision"),
                       text_of(p, "updated_at"), text_of(p, "updated_by")});
        table.print(std::cout, ctx.out_style());
        return 0;
    });
    add_paging_options(l, list->paging, false);

    auto matrix = std::make_shared<PipelineArgs>();
    CLI::App* m = commands.leaf(
        *pipelines, "matrix",
        "the environment matrix: each package's version in each stage (live, in review, or the source's latest), "
        "and what may move next; -o wide adds when and by whom",
        [matrix](Context& ctx) {
            const Response r = ctx.expect_ok(ctx.get(pipeline_path(ctx, matrix->name, "/matrix")));
            if (ctx.print_json(r)) return 0;
            print_matrix(ctx, r.json());
            return 0;
        });
    m->add_option("name", matrix->name, "pipeline name")->required();
}

// ---- promotions ----

// How a waited-on object stands: done (exit 0), still going (keep polling; 4 at the timeout),
// or refused, failed or in conflict (exit 3).
enum class Standing { done, waiting, refused };

Standing promotion_standing(const json::value& p) {
    const std::string status = text_of(p, "status");
    if (status == "live") return Standing::done;
    if (status == "failed" || status == "cancelled") return Standing::refused;
    if (status == "waiting") {
        const std::string reason = text_of(p, "waiting.reason");
        if (reason == "conflicts" || reason == "blocked") return Standing::refused;
    }
    return Standing::waiting;  // planned, scheduled, applied, waiting (frozen, soak, health, plan_changed)
}

Colour promotion_colour(const std::string& status) {
    if (status == "live") return Colour::green;
    if (status == "applied" || status == "scheduled") return Colour::cyan;
    if (status == "waiting") return Colour::yellow;
    if (status == "failed") return Colour::red;
    return Colour::dim;
}

// "frozen: prod is frozen until ..." / "applied: waiting for the stage's approval gate".
std::string promotion_state_text(const json::value& p) {
    const std::string status = text_of(p, "status");
    if (status == "waiting") {
        std::string message = text_of(p, "waiting.message");
        return "waiting (" + text_of(p, "waiting.reason") + ")" + (message == "-" ? "" : ": " + message);
    }
    if (status == "scheduled") return "scheduled for " + text_of(p, "at");
    if (status == "applied")
        return "applied as " + text_of(p, "import") + ", waiting for the stage's approval gate to make it live";
    if (status == "failed") return "failed: " + text_of(p, "error");
    return status;
}

std::string plan_counts_text(const json::value& p) {
    const auto* counts = member(p, "plan");
    counts = counts != nullptr ? member(*counts, "counts") : nullptr;
    if (counts == nullptr || !counts->is_object() || counts->as_object().empty()) return "-";
    std::string out;
    for (const auto& [action, n] : counts->as_object())
        out += (out.empty() ? "" : ", ") + std::string(action) + " " + text_of(n);
    return out;
}

void print_promotion(const Context& ctx, const json::value& p) {
    const Style& style = ctx.out_style();
    Fields f = fields_of(p, {"id", "status"});
    f.front().second = text_of(p, "id");
    f.back().second = style.paint(text_of(p, "status"), promotion_colour(text_of(p, "status")));
    if (text_of(p, "status") == "waiting") {
        f.emplace_back("waiting", text_of(p, "waiting.reason"));
        f.emplace_back("why", text_of(p, "waiting.message"));
        if (text_of(p, "waiting.until") != "-") f.emplace_back("until", text_of(p, "waiting.until"));
    }
    for (auto& field : fields_of(p, {"pipeline", "package", "version", "previous_stage", "stage", "at"}))
        f.push_back(std::move(field));
    f.emplace_back("plan", text_of(p, "plan.digest"));
    f.emplace_back("plan counts", plan_counts_text(p));
    for (auto& field :
         fields_of(p, {"import", "created_by", "created_at", "updated_at", "applied_at", "live_at", "error"}))
        if (field.first == "import" || field.first.rfind("created", 0) == 0 || field.second != "-")
            f.push_back(std::move(field));
    if (const auto* bypass = member(p, "bypass"); bypass != nullptr && !bypass->is_null())
        f.emplace_back("bypass", bypass->is_object() ? text_of(*bypass, "reason") + " (" + text_of(*bypass, "by") + ")"
                                                     : text_of(*bypass));
    print_fields(std::cout, f, style);
    const auto* waiting = member(p, "waiting");
    if (const auto* objects = waiting != nullptr ? member(*waiting, "objects") : nullptr;
        objects != nullptr && objects->is_array() && !objects->as_array().empty()) {
        std::cout << "\n" << style.paint("In the way", Colour::bold) << "\n";
        for (const auto& o : objects->as_array()) {
            std::string line = o.is_object() ? text_of(o, "kind") + "/" + text_of(o, "key") : text_of(o);
            if (o.is_object() && text_of(o, "reason") != "-") line += ": " + text_of(o, "reason");
            std::cout << "  " << line << "\n";
            // A merge's undecided paths, each with its three values (docs/sync.md).
            if (const auto* conflicts = member(o, "conflicts"); conflicts != nullptr && conflicts->is_array())
                for (const auto& c : conflicts->as_array())
                    std::cout << "    " << text_of(c, "path") << ": base " << value_text(c, "base") << ", source "
                              << value_text(c, "source") << ", target " << value_text(c, "target") << "\n";
        }
    }
    if (const auto* history = member(p, "history"); history != nullptr && history->is_array()) {
        std::cout << "\n" << style.paint("History", Colour::bold) << "\n";
        table_of(history->as_array(), {{"AT", "at"}, {"STATUS", "status"}, {"BY", "by"}, {"NOTE", "note"}})
            .print(std::cout, style);
    }
}

struct PromoteArgs {
    std::string package;
    std::string version;
    std::string stage;
    std::string at;
    bool wait = false;
    std::string timeout = "10m";
    std::string bypass_reason;
    std::string conflict;
    std::vector<std::string> overrides;
    std::vector<std::string> bindings;
    std::vector<std::string> resolutions;
    std::string id;
    std::string pipeline;
    std::string status;
    Paging paging;
};

std::pair<std::string, std::string> split_assignment(const std::string& text, const char* flag, const char* form) {
    const auto eq = text.find('=');
    if (eq == std::string::npos || eq == 0 || eq + 1 == text.size())
        throw UsageError(std::string(flag) + " takes " + form + ", not '" + text + "'");
    return {text.substr(0, eq), text.substr(eq + 1)};
}

// conflict_policy, overrides, bindings and bypass_reason, as a promotion and its retry take them.
void add_resolution(json::object& body, const PromoteArgs& a) {
    if (!a.conflict.empty()) body["conflict_policy"] = a.conflict;
    if (!a.overrides.empty()) {
        json::object overrides;
        for (const auto& o : a.overrides) {
            auto [target, policy] = split_assignment(o, "--override", "KIND/KEY=POLICY (e.g. campaign/welcome=update)");
            if (target.find('/') == std::string::npos)
                throw UsageError("--override names KIND/KEY, e.g. campaign/welcome, not '" + target + "'");
            overrides[target] = policy;
        }
        body["overrides"] = std::move(overrides);
    }
    if (!a.bindings.empty()) {
        json::object bindings;
        for (const auto& b : a.bindings) {
            auto [name, value] = split_assignment(b, "--binding", "NAME=VALUE");
            bindings[name] = value;
        }
        body["bindings"] = std::move(bindings);
    }
    if (!a.resolutions.empty()) body["resolutions"] = resolutions_of(a.resolutions);
    if (!a.bypass_reason.empty()) body["bypass_reason"] = a.bypass_reason;
}

void add_resolution_options(CLI::App* app, PromoteArgs& a) {
    app->add_option("--conflict", a.conflict,
                    "what to do with objects that exist already in the stage: merge (the server's default), fail, "
                    "create_new, use_existing, update")
        ->check(CLI::IsMember({"merge", "fail", "create_new", "use_existing", "update"}));
    app->add_option("--override", a.overrides, "KIND/KEY=POLICY: another conflict policy for one object, repeatable");
    app->add_option("--binding", a.bindings, "NAME=VALUE: a value for a secret the package leaves out, repeatable");
    app->add_option("--resolve", a.resolutions, resolve_help);
    app->add_option("--bypass-reason", a.bypass_reason,
                    "break-glass: skip the previous-stage, soak, health and freeze checks (needs the bypass_pipeline "
                    "permission; audited)");
}

std::string promotion_path(const Context& ctx, const std::string& id, std::string_view suffix = "") {
    return ctx.tenant_path("/promotions/" + url_escape(id) + std::string(suffix));
}

// A promotion just recorded or retried, without waiting: exit 3 when it cannot go on by itself
// (failed, or waiting on conflicts or missing bindings), 0 otherwise.
int report_promotion(const Context& ctx, const Response& r) {
    const json::value p = r.json();
    if (!ctx.print_json(r)) print_promotion(ctx, p);
    if (promotion_standing(p) != Standing::refused) return 0;
    std::cerr << "ferry: promotion " << text_of(p, "id") << " " << promotion_state_text(p) << "\n";
    return to_int(ExitCode::conflicts);
}

// ---- waiting ----

struct Watched {
    std::string kind;  // "review", "import", "promotion": for messages
    std::string id;
    std::string path;
    std::function<Standing(const json::value&)> standing;
    std::function<std::string(const json::value&)> state;  // one line: where it stands
};

// Polls `w.path` about every second until it is done (0), refused (3) or `timeout_seconds` have
// passed (4). A poll that gets no answer or a 5xx is tried again until the timeout (then 6); any
// other error answer ends the wait with it (exit 1).
int wait_for(Context& ctx, const Watched& w, std::int64_t timeout_seconds) {
    const auto deadline = Clock::now() + std::chrono::seconds(timeout_seconds);
    std::optional<Response> last;
    std::string last_state;
    std::string trouble;
    for (;;) {
        std::optional<Response> r;
        try {
            r = ctx.client().send({"GET", w.path, std::nullopt, {}});
        } catch (const TransportError& e) {
            if (!e.transient())
                throw Failure(ExitCode::unreachable, "cannot reach " + ctx.client().server() + ": " + e.what());
            trouble = "cannot reach " + ctx.client().server() + ": " + e.what();
        }
        if (r && r->status >= 500) {
            trouble = "the server answered HTTP " + std::to_string(r->status);
            r.reset();
        }
        if (r) {
            ctx.expect_ok(*r);
            trouble.clear();
            last = *r;
            const json::value body = r->json();
            const std::string state = w.state(body);
            if (state != last_state) progress(w.kind + " " + w.id + ": " + state);
            last_state = state;
            const Standing s = w.standing(body);
            if (s != Standing::waiting) {
                if (!ctx.print_json(*r)) std::cout << w.kind << " " << w.id << ": " << state << "\n";
                if (s == Standing::done) return 0;
                std::cerr << "ferry: " << w.kind << " " << w.id << " will not be done: " << state << "\n";
                return to_int(ExitCode::conflicts);
            }
        }
        const auto now = Clock::now();
        if (now >= deadline) break;
        std::this_thread::sleep_for(std::min<Clock::duration>(std::chrono::seconds(1), deadline - now));
    }
    if (!last) throw Failure(ExitCode::unreachable, trouble);
    if (!ctx.print_json(*last)) std::cout << w.kind << " " << w.id << ": " << last_state << "\n";
    std::cerr << "ferry: still waiting after " << duration_text(timeout_seconds) << ": " << w.kind << " " << w.id
              << " is " << last_state << "\n";
    return to_int(ExitCode::waiting_on_approval);
}

Watched watch_promotion(const Context& ctx, const std::string& id) {
    return {"promotion", id, promotion_path(ctx, id), promotion_standing, promotion_state_text};
}

Watched watch_review(const Context& ctx, const std::string& id) {
    return {"review", id, ctx.tenant_path("/reviews/" + url_escape(id)),
            [](const json::value& r) {
                const std::string state = text_of(r, "state");
                if (state == "approved") return Standing::done;
                return state == "pending" ? Standing::waiting : Standing::refused;
            },
            [](const json::value& r) {
                const std::string state = text_of(r, "state");
                return state == "changes_requested" ? "changes requested" : state;
            }};
}

Watched watch_import(const Context& ctx, const std::string& sandbox, const std::string& id) {
    return {"import", id, ctx.sandbox_path(sandbox, "/imports/" + url_escape(id)),
            [](const json::value& i) {
                const std::string status = text_of(i, "status");
                if (status == "applied") return Standing::done;
                return status == "rolled_back" ? Standing::refused : Standing::waiting;
            },
            [](const json::value& i) {
                const std::string status = text_of(i, "status");
                return status == "rolled_back" ? "rolled back" : status;
            }};
}

void add_promotions(CLI::App& root, Commands& commands) {
    auto promote = std::make_shared<PromoteArgs>();
    CLI::App* pr = commands.leaf(
        root, "promote",
        "promote a package version to the next stage of its pipeline: now, or --at a time; --wait follows it until "
        "it is live (exit 0), refused or in conflict (3), or --timeout passes (4)",
        [promote](Context& ctx) {
            std::string version = promote->version;
            if (!version.empty() && (version.front() == 'v' || version.front() == 'V')) version.erase(0, 1);
            int number = 0;
            try {
                std::size_t used = 0;
                number = std::stoi(version, &used);
                if (used != version.size() || number <= 0) throw std::invalid_argument("version");
            } catch (const std::exception&) {
                throw UsageError("VERSION is a version number such as 3 (or v3), not '" + promote->version + "'");
            }
            const std::int64_t timeout = parse_duration(promote->timeout, "--timeout");
            json::object body{{"package", promote->package}, {"version", number}};
            if (!promote->at.empty()) body["at"] = promote->at;
            add_resolution(body, *promote);
            progress("promoting " + promote->package + " v" + std::to_string(number) + " to " + promote->stage + "...");
            const Response r = ctx.expect_ok(
                ctx.post(ctx.tenant_path("/sandboxes/" + url_escape(promote->stage) + "/promotions"), body));
            if (!promote->wait) return report_promotion(ctx, r);
            const std::string id = text_of(r.json(), "id");
            if (!ctx.machine_output()) std::cout << "promotion " << id << " recorded\n";
            return wait_for(ctx, watch_promotion(ctx, id), timeout);
        });
    pr->add_option("package", promote->package, "package name")->required();
    pr->add_option("version", promote->version, "the package version (3 or v3)")->required();
    pr->add_option("--to", promote->stage, "the stage (its sandbox) to promote into")->required();
    pr->add_option("--at", promote->at,
                   "apply at this RFC 3339 time (e.g. 2026-11-27T19:00:00Z) instead of now: the scheduler applies it");
    pr->add_flag("--wait", promote->wait, "wait until the promotion is live, refused or in conflict, or --timeout");
    pr->add_option("--timeout", promote->timeout,
                   "with --wait: how long to wait, e.g. 90s, 10m, 1h (default 10m); exit 4 when still waiting "
                   "(the global --timeout, per request, goes before the command: ferry --timeout 5 promote ...)");
    add_resolution_options(pr, *promote);

    CLI::App* promotions = commands.group(root, "promotions", "promotions of package versions along a pipeline");

    auto list = std::make_shared<PromoteArgs>();
    CLI::App* l = commands.leaf(
        *promotions, "list", "list promotions, newest first (into the sandboxes you can see)", [list](Context& ctx) {
            const json::value body =
                ctx.list(with_query(ctx.tenant_path("/promotions"),
                                    {{"pipeline", list->pipeline},
                                     {"package", list->package},
                                     {"status", list->status},
                                     {"limit", list->paging.limit > 0 ? std::to_string(list->paging.limit) : ""}}),
                         list->paging);
            if (ctx.print_json(body)) return 0;
            Table table(ctx.wide()
                            ? std::vector<std::string>{"ID", "STATUS", "PACKAGE", "VERSION", "STAGE", "AT", "WAITING",
                                                       "CREATED BY", "PIPELINE", "IMPORT", "CREATED AT", "LIVE AT"}
                            : std::vector<std::string>{"ID", "STATUS", "PACKAGE", "VERSION", "STAGE", "AT", "WAITING",
                                                       "CREATED BY"});
            for (const auto& p : items_of(body)) {
                table.add({text_of(p, "id"), text_of(p, "status"), text_of(p, "package"), text_of(p, "version"),
                           text_of(p, "stage"), text_of(p, "at"), text_of(p, "waiting.reason"),
                           text_of(p, "created_by"), text_of(p, "pipeline"), text_of(p, "import"),
                           text_of(p, "created_at"), text_of(p, "live_at")});
                table.colour_last(1, promotion_colour(text_of(p, "status")));
            }
            table.print(std::cout, ctx.out_style());
            return 0;
        });
    l->add_option("--pipeline", list->pipeline, "only this pipeline's");
    l->add_option("-p,--package", list->package, "only this package's");
    l->add_option("--status", list->status, "only in this status")
        ->check(CLI::IsMember({"scheduled", "waiting", "applied", "live", "failed", "cancelled"}));
    add_paging_options(l, list->paging, false);

    auto get = std::make_shared<PromoteArgs>();
    CLI::App* g = commands.leaf(*promotions, "get", "show a promotion: status, why it waits, plan and history",
                                [get](Context& ctx) {
                                    const Response r = ctx.expect_ok(ctx.get(promotion_path(ctx, get->id)));
                                    if (ctx.print_json(r)) return 0;
                                    print_promotion(ctx, r.json());
                                    return 0;
                                });
    g->add_option("id", get->id, "promotion id (prm_...)")->required();

    auto cancel = std::make_shared<PromoteArgs>();
    CLI::App* c =
        commands.leaf(*promotions, "cancel", "cancel a promotion that has not applied yet", [cancel](Context& ctx) {
            const Response r = ctx.expect_ok(ctx.post(promotion_path(ctx, cancel->id, "/cancel")));
            if (ctx.print_json(r)) return 0;
            std::cout << "promotion " << text_of(r.json(), "id") << ": " << promotion_state_text(r.json()) << "\n";
            return 0;
        });
    c->add_option("id", cancel->id, "promotion id")->required();

    auto retry = std::make_shared<PromoteArgs>();
    CLI::App* rt = commands.leaf(
        *promotions, "retry",
        "try a waiting promotion again now, optionally with conflict resolutions or bindings; exit 3 when it still "
        "has conflicts, is blocked or failed",
        [retry](Context& ctx) {
            json::object body;
            add_resolution(body, *retry);
            return report_promotion(ctx, ctx.expect_ok(ctx.post(promotion_path(ctx, retry->id, "/retry"), body)));
        });
    rt->add_option("id", retry->id, "promotion id")->required();
    add_resolution_options(rt, *retry);
}

// ---- freeze windows ----

struct FreezeArgs {
    std::string sandbox;
    std::string from;
    std::string to;
    std::string weekly;
    std::string until;
    std::string time_zone;
    std::string reason;
    std::string id;
};

std::string freeze_path(const Context& ctx, const std::string& sandbox, std::string_view suffix = "") {
    return ctx.tenant_path("/sandboxes/" + url_escape(sandbox) + "/freeze-windows" + std::string(suffix));
}

// "fri 18:00" -> {"day": "friday", "time": "18:00"}.
json::object weekly_point(const std::string& text, const char* flag) {
    static const std::vector<std::string> days{"monday", "tuesday",  "wednesday", "thursday",
                                               "friday", "saturday", "sunday"};
    const auto bad = [&] {
        return UsageError(std::string(flag) + " takes a day and a time, e.g. \"fri 18:00\", not '" + text + "'");
    };
    const auto space = text.find(' ');
    if (space == std::string::npos) throw bad();
    std::string day = text.substr(0, space);
    std::string time = text.substr(text.find_first_not_of(' ', space));
    std::transform(day.begin(), day.end(), day.begin(), [](unsigned char c) { return std::tolower(c); });
    const auto found = std::find_if(days.begin(), days.end(), [&](const std::string& d) {
        return day.size() >= 3 && d.compare(0, day.size(), day) == 0;
    });
    if (found == days.end()) throw bad();
    if (time.size() == 4 && time[1] == ':') time = "0" + time;
    if (time.size() != 5 || time[2] != ':' || !std::isdigit(static_cast<unsigned char>(time[0])) ||
        !std::isdigit(static_cast<unsigned char>(time[1])) || !std::isdigit(static_cast<unsigned char>(time[3])) ||
        !std::isdigit(static_cast<unsigned char>(time[4])))
        throw bad();
    return json::object{{"day", *found}, {"time", time}};
}

std::string window_when(const json::value& w) {
    if (text_of(w, "kind") == "weekly")
        return text_of(w, "from.day") + " " + text_of(w, "from.time") + " -> " + text_of(w, "to.day") + " " +
               text_of(w, "to.time") + " " + text_of(w, "time_zone");
    return text_of(w, "start") + " -> " + text_of(w, "end");
}

void add_freeze(CLI::App& root, Commands& commands) {
    CLI::App* freeze = commands.group(
        root, "freeze", "freeze windows: times when imports, promotions and activations in a sandbox are held");

    auto add = std::make_shared<FreezeArgs>();
    CLI::App* a = commands.leaf(
        *freeze, "add",
        "add a freeze window to a sandbox (tenant admin): one-off with --from/--to, or weekly with "
        "--weekly/--until/--tz",
        [add](Context& ctx) {
            json::object body;
            if (!add->weekly.empty()) {
                if (!add->from.empty() || !add->to.empty())
                    throw UsageError("--weekly goes with --until and --tz, not with --from/--to");
                if (add->until.empty() || add->time_zone.empty())
                    throw UsageError("a weekly window needs --until \"mon 06:00\" and --tz, e.g. Europe/Paris");
                body = {{"kind", "weekly"},
                        {"from", weekly_point(add->weekly, "--weekly")},
                        {"to", weekly_point(add->until, "--until")},
                        {"time_zone", add->time_zone}};
            } else {
                if (add->from.empty() || add->to.empty())
                    throw UsageError("a window needs --from and --to (RFC 3339 times), or --weekly, --until and --tz");
                if (!add->until.empty() || !add->time_zone.empty())
                    throw UsageError("--until and --tz go with --weekly");
                body = {{"kind", "once"}, {"start", add->from}, {"end", add->to}};
            }
            if (!add->reason.empty()) body["reason"] = add->reason;
            const Response r = ctx.expect_ok(ctx.post(freeze_path(ctx, add->sandbox), body));
            if (ctx.print_json(r)) return 0;
            const json::value w = r.json();
            Fields f = fields_of(w, {"id", "kind"});
            f.emplace_back("sandbox", add->sandbox);
            f.emplace_back("when", window_when(w));
            for (auto& field : fields_of(w, {"reason", "created_by", "created_at"})) f.push_back(std::move(field));
            print_fields(std::cout, f, ctx.out_style());
            return 0;
        });
    a->add_option("sandbox", add->sandbox, "the sandbox to freeze")->required();
    a->add_option("--from", add->from, "one-off: start, RFC 3339 (e.g. 2026-11-27T00:00:00Z)");
    a->add_option("--to", add->to, "one-off: end, RFC 3339");
    a->add_option("--weekly", add->weekly, "weekly: the day and time it starts, e.g. \"fri 18:00\"");
    a->add_option("--until", add->until, "weekly: the day and time it ends, e.g. \"mon 06:00\"");
    a->add_option("--tz", add->time_zone, "weekly: the time zone of those times, e.g. Europe/Paris");
    a->add_option("--reason", add->reason, "why (shown to whoever is held by it)");

    auto list = std::make_shared<FreezeArgs>();
    CLI::App* l = commands.leaf(
        *freeze, "list", "list a sandbox's freeze windows, and the one in force now", [list](Context& ctx) {
            const Response r = ctx.expect_ok(ctx.get(freeze_path(ctx, list->sandbox)));
            if (ctx.print_json(r)) return 0;
            const json::value body = r.json();
            Table table(ctx.wide()
                            ? std::vector<std::string>{"ID", "KIND", "WHEN", "REASON", "CREATED BY", "CREATED AT"}
                            : std::vector<std::string>{"ID", "KIND", "WHEN", "REASON"});
            for (const auto& w : items_of(body))
                table.add({text_of(w, "id"), text_of(w, "kind"), window_when(w), text_of(w, "reason"),
                           text_of(w, "created_by"), text_of(w, "created_at")});
            if (table.empty())
                std::cout << "no freeze window in " << list->sandbox << "\n";
            else
                table.print(std::cout, ctx.out_style());
            const auto* active = member(body, "active");
            std::cout << "\n";
            if (active != nullptr && active->is_object())
                std::cout << ctx.out_style().paint("frozen now", Colour::red) << ": " << text_of(*active, "window")
                          << " (" << text_of(*active, "reason") << ") until " << text_of(*active, "ends_at") << "\n";
            else
                std::cout << "not frozen now\n";
            return 0;
        });
    l->add_option("sandbox", list->sandbox, "sandbox id")->required();

    auto remove = std::make_shared<FreezeArgs>();
    CLI::App* rm = commands.leaf(*freeze, "remove", "remove a freeze window (tenant admin)", [remove](Context& ctx) {
        const Response r = ctx.expect_ok(ctx.del(freeze_path(ctx, remove->sandbox, "/" + url_escape(remove->id))));
        if (ctx.print_json(r)) return 0;
        std::cout << "freeze window " << remove->id << " removed from " << remove->sandbox << "\n";
        return 0;
    });
    rm->add_option("sandbox", remove->sandbox, "sandbox id")->required();
    rm->add_option("id", remove->id, "window id (frz_...)")->required();
}

// ---- ferry wait ----

struct WaitArgs {
    std::string id;
    std::string sandbox;
    std::string timeout = "10m";
};

void add_wait(CLI::App& root, Commands& commands) {
    CLI::App* wait = commands.group(
        root, "wait",
        "wait for a review, an import or a promotion: exit 0 when done, 3 when refused or in conflict, 4 when still "
        "waiting at --timeout");
    const char* timeout_help =
        "how long to wait, e.g. 90s, 10m, 1h (default 10m); the global --timeout (per request) goes before the "
        "command";

    auto review = std::make_shared<WaitArgs>();
    CLI::App* r = commands.leaf(
        *wait, "review",
        "wait until a review is approved (0); changes requested, withdrawn or voided: 3; still pending: 4",
        [review](Context& ctx) {
            const std::int64_t timeout = parse_duration(review->timeout, "--timeout");
            return wait_for(ctx, watch_review(ctx, review->id), timeout);
        });
    r->add_option("id", review->id, "review id (rev_...)")->required();
    r->add_option("--timeout", review->timeout, timeout_help);

    auto imp = std::make_shared<WaitArgs>();
    CLI::App* i =
        commands.leaf(*wait, "import", "wait until an import is applied (0); rolled back: 3", [imp](Context& ctx) {
            const std::int64_t timeout = parse_duration(imp->timeout, "--timeout");
            return wait_for(ctx, watch_import(ctx, imp->sandbox, imp->id), timeout);
        });
    i->add_option("id", imp->id, "import id (imp_...)")->required();
    add_sandbox_option(i, imp->sandbox, "the sandbox it imports into");
    i->add_option("--timeout", imp->timeout, timeout_help);

    auto promotion = std::make_shared<WaitArgs>();
    CLI::App* p = commands.leaf(
        *wait, "promotion",
        "wait until a promotion is live (0); failed, cancelled, or waiting on conflicts or missing bindings: 3; "
        "scheduled, applied or waiting (frozen, soak, health, plan changed): keep waiting, 4 at the timeout",
        [promotion](Context& ctx) {
            const std::int64_t timeout = parse_duration(promotion->timeout, "--timeout");
            return wait_for(ctx, watch_promotion(ctx, promotion->id), timeout);
        });
    p->add_option("id", promotion->id, "promotion id (prm_...)")->required();
    p->add_option("--timeout", promotion->timeout, timeout_help);
}

}  // namespace

void add_pipeline_commands(CLI::App& root, Commands& commands) {
    add_pipelines(root, commands);
    add_promotions(root, commands);
    add_freeze(root, commands);
    add_wait(root, commands);
}

}  // namespace ferry::cli
