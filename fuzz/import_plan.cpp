// The import planner, packager::plan_import, over package objects, a target sandbox and options
// decoded from the input. The target is built the way imports::target_objects builds it from a
// real sandbox: keys unique per kind; an object an earlier import of the same package created
// under another key is listed under the package's key with its own key beside it, after the rest.
//
// Input: sections (see fuzz_support.hpp)
//   --- options <fail|create_new|use_existing|update> [<kind>/<key>=<policy>]... [bind:<NAME>=<value>]...
//   --- object <kind> <key> [name...]        body: the object's file (JSON object; else {})
//   --- target <kind> <key> [from=<package key>] [ours] [imported=same|other] [archived] [review]
//              [live] [locked] [differs]     body: its package form (empty: the package object's file)
//   --- digest <package digest>
// Kinds other than campaign, segment and template, and repeated kind/key pairs, are dropped (a
// verified package and a sandbox never hold them).
//
// Properties:
//  - one item per object; actions create/update/reuse/skip/conflict with a target id exactly when
//    the object exists in the target (or, for a conflict, when another object's copy holds its
//    key); "skip" only for identical content, no update of a locked or archived object or one in
//    review;
//  - conflicts/blocked flags agree with the items; missing dependencies are in neither the package
//    nor the target; missing bindings only on create/update, never a bound name;
//  - the keys the plan creates are distinct per kind and free in the target (an apply would
//    otherwise fail with plan_stale, and planning again gives the same plan: the import is stuck);
//  - items come segments, templates, campaigns, by key; the digest is sha256:<hex> and stable.

#include "packager/import_plan.hpp"

#include "core/canonical_json.hpp"
#include "fuzz_support.hpp"

#include <cstdint>
#include <map>
#include <set>

using namespace ferry;
using namespace ferry::packager;
namespace json = boost::json;

namespace {

std::string id_of(ObjectKind kind, const std::string& key) { return std::string(to_string(kind)) + "/" + key; }

json::object object_or_empty(std::string_view body) {
    auto v = fuzz::parse_json(body);
    if (v && v->is_object()) return std::move(v->get_object());
    return {};
}

struct Input {
    std::string package_digest = "sha256:0000";
    std::vector<PackagedObject> objects;
    std::vector<TargetObject> target;
    std::map<ObjectKind, std::set<std::string>> actual_keys;  // kind -> keys the target holds
    PlanOptions options;
};

Input decode(std::string_view data) {
    Input in;
    std::set<std::string> object_ids;
    struct PendingTarget {
        std::vector<std::string_view> words;
        std::string_view body;
    };
    std::vector<PendingTarget> targets;
    for (const auto& s : fuzz::split_sections(data)) {
        const auto w = fuzz::words(s.header);
        if (w.empty()) continue;
        if (w[0] == "options") {
            if (w.size() > 1) in.options.policy = parse_conflict_policy(w[1]).value_or(ConflictPolicy::fail);
            for (std::size_t i = 2; i < w.size(); ++i) {
                const std::size_t eq = w[i].find('=');
                if (eq == std::string_view::npos) continue;
                if (w[i].starts_with("bind:")) {
                    in.options.bindings[std::string(w[i].substr(5, eq - 5))] = std::string(w[i].substr(eq + 1));
                } else if (const auto p = parse_conflict_policy(w[i].substr(eq + 1))) {
                    in.options.overrides[std::string(w[i].substr(0, eq))] = *p;
                }
            }
        } else if (w[0] == "digest" && w.size() > 1) {
            in.package_digest = std::string(w[1]);
        } else if (w[0] == "object" && w.size() >= 3 && parse_object_kind(w[1])) {
            PackagedObject o;
            o.kind = *parse_object_kind(w[1]);
            o.key = std::string(w[2]);
            for (std::size_t i = 3; i < w.size(); ++i) o.name += (i > 3 ? " " : "") + std::string(w[i]);
            if (!object_ids.insert(id_of(o.kind, o.key)).second) continue;
            o.file = object_or_empty(s.body);
            o.file["key"] = o.key;
            in.objects.push_back(std::move(o));
        } else if (w[0] == "target" && w.size() >= 3 && parse_object_kind(w[1])) {
            targets.push_back(PendingTarget{w, s.body});
        }
    }

    std::vector<TargetObject> by_key, by_provenance;
    for (const auto& pending : targets) {
        const auto& w = pending.words;
        TargetObject t;
        t.kind = *parse_object_kind(w[1]);
        t.key = std::string(w[2]);
        if (!in.actual_keys[t.kind].insert(t.key).second) continue;  // keys are unique in a sandbox
        t.id = "id-" + std::string(to_string(t.kind)) + "-" + t.key;
        t.name = t.key;
        std::string from;
        bool ours = false, differs = false;
        std::string imported;
        for (std::size_t i = 3; i < w.size(); ++i) {
            if (w[i].starts_with("from="))
                from = std::string(w[i].substr(5));
            else if (w[i] == "ours")
                ours = true;
            else if (w[i].starts_with("imported="))
                imported = std::string(w[i].substr(9));
            else if (w[i] == "archived")
                t.archived = true;
            else if (w[i] == "review")
                t.in_review = true;
            else if (w[i] == "live")
                t.live = t.kind == ObjectKind::campaign;
            else if (w[i] == "locked")
                t.locked = t.kind == ObjectKind::campaign ? "completed in the target: read-only" : "";
            else if (w[i] == "differs")
                differs = true;
        }
        if (!from.empty()) ours = true;  // only an import of this package records a source key
        if (ours && imported.empty()) imported = "same";
        if (ours && !from.empty() && from != t.key) {
            t.own_key = t.key;
            t.key = from;
        }
        json::object form;
        if (pending.body.empty()) {
            for (const auto& o : in.objects)
                if (o.kind == t.kind && o.key == t.key) form = o.file;
        } else {
            form = object_or_empty(pending.body);
        }
        if (differs) form["differs"] = true;
        form["key"] = t.key;
        t.content_digest = content_digest_of(form);
        if (imported == "same")
            t.imported_digest = t.content_digest;
        else if (!imported.empty())
            t.imported_digest = "sha256:" + imported;
        (ours ? by_provenance : by_key).push_back(std::move(t));
    }
    for (auto& t : by_provenance) by_key.push_back(std::move(t));
    in.target = std::move(by_key);
    return in;
}

int rank(ObjectKind kind) { return kind == ObjectKind::segment ? 0 : kind == ObjectKind::template_ ? 1 : 2; }

std::string describe(const Plan& plan) {
    std::string out;
    for (const auto& i : plan.items)
        out += id_of(i.kind, i.key) + " " + std::string(to_string(i.action)) + (i.new_key ? " as " + *i.new_key : "") +
               " (" + i.reason + ")\n";
    return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const Input in = decode(std::string_view(reinterpret_cast<const char*>(data), size));
    const Plan plan = plan_import(in.package_digest, in.objects, in.target, in.options);
    const std::string shown = describe(plan);

    std::map<std::string, const TargetObject*> existing;
    for (const auto& t : in.target) existing[id_of(t.kind, t.key)] = &t;
    std::set<std::string> in_package;
    for (const auto& o : in.objects) in_package.insert(id_of(o.kind, o.key));

    fuzz::check(plan.items.size() == in.objects.size(), "not one item per object", shown);
    bool any_conflict = false, any_missing = false;
    std::map<ObjectKind, std::set<std::string>> created;  // kind -> keys the plan creates
    for (std::size_t n = 0; n < plan.items.size(); ++n) {
        const PlanItem& i = plan.items[n];
        const std::string id = id_of(i.kind, i.key);
        fuzz::check(in_package.count(id) == 1, "an item for no object", id);
        const auto found = existing.find(id);
        const bool in_target = found != existing.end();
        fuzz::check(parse_plan_action(to_string(i.action)) == i.action, "an unknown action", shown);
        // A target object holding the key as its own key, matched under another package key.
        const TargetObject* holder = nullptr;
        for (const auto& t : in.target)
            if (t.kind == i.kind && t.own_key == i.key) holder = &t;
        if (i.action == PlanAction::create) {
            fuzz::check(!i.target_id, "a create with a target id", shown);
            fuzz::check(!i.new_key || in_target || holder != nullptr, "a new key for an object whose key is free",
                        shown);
            fuzz::check(!i.new_key || *i.new_key != i.key, "a new key equal to the key", shown);
            const std::string key = i.new_key.value_or(i.key);
            fuzz::check(created[i.kind].insert(key).second,
                        "the plan creates two objects with one key (apply: plan_stale, forever)",
                        id_of(i.kind, key) + "\n" + shown);
            fuzz::check(in.actual_keys.count(i.kind) == 0 || in.actual_keys.at(i.kind).count(key) == 0,
                        "the plan creates an object under a key the target already holds (apply: plan_stale, forever)",
                        id_of(i.kind, key) + "\n" + shown);
        } else if (!in_target) {
            // The key is held in the target by another object's copy: only a conflict naming it.
            fuzz::check(i.action == PlanAction::conflict && holder != nullptr && i.target_id == holder->id,
                        "an item for an object not in the target that is neither a create nor a conflict naming the "
                        "key's holder",
                        shown);
        } else {
            fuzz::check(i.target_id == found->second->id, "an item without the id of its target object", shown);
            const TargetObject& t = *found->second;
            if (i.action == PlanAction::update) {
                fuzz::check(t.locked.empty() && !t.archived && !t.in_review,
                            "an update of a locked, archived or in-review object", shown);
                fuzz::check(i.as_draft_version == (t.live && i.kind == ObjectKind::campaign), "as_draft_version wrong",
                            shown);
            }
            if (i.action == PlanAction::skip) {
                for (const auto& o : in.objects)
                    if (o.kind == i.kind && o.key == i.key)
                        fuzz::check(content_digest_of(o.file) == t.content_digest, "a skip of differing content",
                                    shown);
            }
        }
        if (i.action != PlanAction::create && i.action != PlanAction::update)
            fuzz::check(i.missing_bindings.empty() && i.missing_dependencies.empty(),
                        "missing things on a non-writing item", shown);
        for (const auto& b : i.missing_bindings)
            fuzz::check(in.options.bindings.count(b) == 0, "a bound name reported missing", b);
        for (const auto& d : i.missing_dependencies)
            fuzz::check(!in_package.count(d) && !existing.count(d), "a dependency reported missing that is there", d);
        any_conflict = any_conflict || i.action == PlanAction::conflict;
        any_missing = any_missing || !i.missing_bindings.empty() || !i.missing_dependencies.empty();
        if (n > 0) {
            const PlanItem& prev = plan.items[n - 1];
            fuzz::check(rank(prev.kind) < rank(i.kind) || (rank(prev.kind) == rank(i.kind) && prev.key <= i.key),
                        "items not in dependency then key order", shown);
        }
    }
    fuzz::check(plan.conflicts == any_conflict, "conflicts flag disagrees with the items", shown);
    fuzz::check(plan.blocked == (any_conflict || any_missing), "blocked flag disagrees with the items", shown);
    fuzz::check(plan.digest.starts_with("sha256:") && plan.digest.size() == 71, "digest is not sha256:<hex>",
                plan.digest);
    const Plan again = plan_import(in.package_digest, in.objects, in.target, in.options);
    fuzz::check(again.digest == plan.digest, "planning twice gives two digests", shown);
    return 0;
}
