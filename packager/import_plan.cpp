#include "import_plan.hpp"

#include "core/canonical_json.hpp"
#include "core/crypto.hpp"

#include <boost/json/array.hpp>

#include <algorithm>
#include <set>

namespace ferry::packager {

namespace json = boost::json;

namespace {

std::string id_of(ObjectKind kind, const std::string& key) { return std::string(to_string(kind)) + "/" + key; }

// Every {"$binding": NAME} in the file.
void collect_bindings(const json::value& v, std::set<std::string>& out) {
    if (v.is_object()) {
        const auto& o = v.get_object();
        if (o.size() == 1)
            if (const auto* name = o.if_contains("$binding"); name && name->is_string()) {
                out.emplace(name->get_string());
                return;
            }
        for (const auto& kv : o) collect_bindings(kv.value(), out);
    } else if (v.is_array()) {
        for (const auto& item : v.get_array()) collect_bindings(item, out);
    }
}

// The segment and template keys a campaign file refers to.
std::vector<std::string> dependencies_of(const PackagedObject& o) {
    std::vector<std::string> deps;
    if (o.kind != ObjectKind::campaign) return deps;
    const auto* spec = o.file.if_contains("spec");
    if (!spec || !spec->is_object()) return deps;
    if (const auto* audience = spec->get_object().if_contains("audience"); audience && audience->is_object())
        if (const auto* segment = audience->get_object().if_contains("segment"); segment && segment->is_string())
            deps.push_back(id_of(ObjectKind::segment, std::string(segment->get_string())));
    if (const auto* content = spec->get_object().if_contains("content"); content && content->is_object())
        for (const auto& [channel, c] : content->get_object())
            if (c.is_object())
                if (const auto* t = c.get_object().if_contains("template"); t && t->is_string())
                    deps.push_back(id_of(ObjectKind::template_, std::string(t->get_string())));
    return deps;
}

std::string free_key(const std::string& key, const std::set<std::string>& taken) {
    for (int n = 2;; ++n) {
        std::string candidate = key.substr(0, 60) + "-" + std::to_string(n);
        if (!taken.count(candidate)) return candidate;
    }
}

}  // namespace

std::optional<ConflictPolicy> parse_conflict_policy(std::string_view s) {
    if (s == "fail") return ConflictPolicy::fail;
    if (s == "create_new") return ConflictPolicy::create_new;
    if (s == "use_existing") return ConflictPolicy::use_existing;
    if (s == "update") return ConflictPolicy::update;
    if (s == "merge") return ConflictPolicy::merge;
    return std::nullopt;
}

std::string_view to_string(ConflictPolicy p) {
    switch (p) {
        case ConflictPolicy::fail: return "fail";
        case ConflictPolicy::create_new: return "create_new";
        case ConflictPolicy::use_existing: return "use_existing";
        case ConflictPolicy::update: return "update";
        case ConflictPolicy::merge: return "merge";
    }
    return "fail";
}

std::string_view to_string(PlanAction a) {
    switch (a) {
        case PlanAction::create: return "create";
        case PlanAction::update: return "update";
        case PlanAction::reuse: return "reuse";
        case PlanAction::skip: return "skip";
        case PlanAction::conflict: return "conflict";
        case PlanAction::merge: return "merge";
    }
    return "create";
}

std::optional<PlanAction> parse_plan_action(std::string_view s) {
    for (const PlanAction a : {PlanAction::create, PlanAction::update, PlanAction::reuse, PlanAction::skip,
                               PlanAction::conflict, PlanAction::merge})
        if (to_string(a) == s) return a;
    return std::nullopt;
}

namespace {

void find_bindings(const json::value& v, const std::string& path, std::map<std::string, std::string>& out) {
    if (v.is_object()) {
        const auto& o = v.get_object();
        if (const auto* name = o.if_contains("$binding"); name && name->is_string()) {
            out[path] = std::string(name->get_string());
            return;
        }
        for (const auto& kv : o)
            find_bindings(kv.value(), path.empty() ? std::string(kv.key()) : path + "." + std::string(kv.key()), out);
    } else if (v.is_array()) {
        const auto& a = v.get_array();
        for (std::size_t i = 0; i < a.size(); ++i) find_bindings(a[i], path + "[" + std::to_string(i) + "]", out);
    }
}

// The bindings whose given value differs from what the target holds at the same place.
std::vector<std::string> changed_secrets(const json::object& file, const TargetObject& target,
                                         const std::map<std::string, std::string>& bindings) {
    std::vector<std::string> changed;
    for (const auto& [place, name] : binding_places(file)) {
        const auto given = bindings.find(name);
        if (given == bindings.end()) continue;  // not given: the target keeps its own value
        const auto held = target.secret_digests.find(place);
        if (held == target.secret_digests.end() || held->second != crypto::sha256_hex(given->second))
            changed.push_back(name);
    }
    return changed;
}

// A file as content: without the fields that only describe its state in one sandbox.
json::object content_of(const json::object& file) {
    json::object content = file;
    content.erase("status");
    content.erase("live_version");
    return content;
}

void put_side(json::object& out, std::string_view name, const MaybeValue& v) {
    if (v) out[name] = *v;
}

std::string_view resolution_name(Resolution r) {
    switch (r) {
        case Resolution::take_source: return "take_source";
        case Resolution::keep_target: return "keep_target";
        case Resolution::value: return "value";
    }
    return "keep_target";
}

// What a three-way merge of the object decides, or std::nullopt when the policy does not merge it
// (no base, or another policy). Marks the resolutions it used in `used`.
struct MergeDecision {
    PlanAction action = PlanAction::merge;
    std::string reason;
    std::optional<MergeView> view;
};

std::optional<MergeDecision> decide_merge(const PackagedObject& o, const TargetObject& t, const std::string& id,
                                          const PlanOptions& options,
                                          std::map<std::string, std::set<std::string>>& used) {
    if (!t.base || !t.form) return std::nullopt;
    const json::object base = content_of(*t.base);
    const json::object source = content_of(o.file);
    const json::object target = content_of(*t.form);
    const std::string base_digest = content_digest(base);
    const std::string since =
        "edited in the target since its last import (version " + std::to_string(t.base_version) + ")";
    if (base_digest == t.content_digest) return std::nullopt;  // untouched since: a plain update
    if (base_digest == content_digest_of(o.file))
        return MergeDecision{PlanAction::reuse,
                             since + "; this version does not change it: the target's edits are kept", std::nullopt};
    const MergeResult result = merge3(base, source, target);
    std::map<std::string, MergeChoice> choices;
    if (const auto given = options.resolutions.find(id); given != options.resolutions.end()) choices = given->second;
    std::set<std::string> conflict_paths;
    for (const auto& c : result.conflicts) conflict_paths.insert(c.path);
    for (const auto& [path, _] : choices) {
        if (!conflict_paths.contains(path))
            throw PlanInputError("resolutions." + id + "." + path, "resolutions." + id + "." + path + ": " + id +
                                                                       " has no merge conflict at \"" + path + "\"");
        used[id].insert(path);
    }
    MergeView view;
    view.base_version = t.base_version;
    const bool decided = choices.size() == result.conflicts.size();
    const json::value merged = decided ? resolve(result, choices) : result.merged;
    for (const auto& c : result.conflicts) {
        json::object entry = to_json(c);
        const auto choice = choices.find(c.path);
        entry["resolution"] =
            choice == choices.end() ? json::value(nullptr) : json::value(resolution_name(choice->second.resolution));
        if (choice != choices.end()) put_side(entry, "merged", value_at(merged, c.path));
        view.conflicts.push_back(std::move(entry));
    }
    for (const auto& path : differing_paths(target, merged)) {
        json::object entry{{"path", path}};
        put_side(entry, "base", value_at(base, path));
        put_side(entry, "source", value_at(source, path));
        put_side(entry, "target", value_at(target, path));
        put_side(entry, "merged", value_at(merged, path));
        view.changes.push_back(std::move(entry));
    }
    view.merged = merged.as_object();
    if (!decided) {
        std::string paths;
        for (const auto& c : result.conflicts)
            if (!choices.contains(c.path)) paths += (paths.empty() ? "" : ", ") + c.path;
        return MergeDecision{PlanAction::conflict, since + " and changed by this version: both sides changed " + paths,
                             std::move(view)};
    }
    if (view.changes.empty())
        return MergeDecision{PlanAction::merge,
                             since +
                                 " and changed by this version: the target already holds the merged result; "
                                 "only its provenance moves to this version",
                             std::move(view)};
    return MergeDecision{PlanAction::merge,
                         since + " and changed by this version: merged field by field" +
                             (result.conflicts.empty() ? std::string() : " (conflicts decided by resolutions)"),
                         std::move(view)};
}

}  // namespace

std::map<std::string, std::string> binding_places(const json::object& file) {
    std::map<std::string, std::string> out;
    find_bindings(file, "", out);
    return out;
}

std::string content_digest_of(const json::object& file) {
    json::object content = file;
    content.erase("status");
    content.erase("live_version");
    return content_digest(content);
}

json::object to_json(const PlanItem& i) {
    json::array missing_b, missing_d;
    for (const auto& b : i.missing_bindings) missing_b.emplace_back(b);
    for (const auto& d : i.missing_dependencies) missing_d.emplace_back(d);
    json::object out{{"kind", to_string(i.kind)},
                     {"key", i.key},
                     {"name", i.name},
                     {"action", to_string(i.action)},
                     {"reason", i.reason},
                     {"target_id", i.target_id ? json::value(*i.target_id) : json::value(nullptr)},
                     {"new_key", i.new_key ? json::value(*i.new_key) : json::value(nullptr)},
                     {"as_draft_version", i.as_draft_version},
                     {"missing_bindings", std::move(missing_b)},
                     {"missing_dependencies", std::move(missing_d)}};
    if (i.merge)
        out["merge"] = json::object{{"base_version", i.merge->base_version},
                                    {"changes", i.merge->changes},
                                    {"conflicts", i.merge->conflicts},
                                    {"merged", i.merge->merged}};
    return out;
}

Plan plan_import(const std::string& package_digest, const std::vector<PackagedObject>& objects,
                 const std::vector<TargetObject>& target, const PlanOptions& options) {
    std::map<std::string, const TargetObject*> existing;
    std::map<ObjectKind, std::set<std::string>> keys_taken;  // kind -> keys in the target
    // "<kind>/<own key>" -> the target object holding that key, matched under another package key
    std::map<std::string, const TargetObject*> held_under_alias;
    for (const auto& t : target) {
        existing[id_of(t.kind, t.key)] = &t;
        keys_taken[t.kind].insert(t.key);
        if (!t.own_key.empty()) {
            keys_taken[t.kind].insert(t.own_key);
            held_under_alias[id_of(t.kind, t.own_key)] = &t;
        }
    }
    std::set<std::string> in_package;
    for (const auto& o : objects) {
        in_package.insert(id_of(o.kind, o.key));
        // The package's own keys are taken too: create_new must not pick one it is about to create.
        keys_taken[o.kind].insert(o.key);
    }

    for (const auto& [id, _] : options.resolutions)
        if (!in_package.contains(id))
            throw PlanInputError("resolutions." + id, "resolutions." + id + ": no such object in the version");
    std::map<std::string, std::set<std::string>> resolutions_used;

    Plan plan;
    for (const auto& o : objects) {
        PlanItem item{o.kind, o.key, o.name, PlanAction::create, "", std::nullopt, std::nullopt, false, {}, {}, {}};
        const std::string id = id_of(o.kind, o.key);
        const auto found = existing.find(id);
        const auto override_it = options.overrides.find(id);
        const ConflictPolicy policy = override_it != options.overrides.end() ? override_it->second : options.policy;
        if (found == existing.end()) {
            item.reason = "not in the target";
            // The key is held by the target's copy of another object of the package (create_new).
            if (const auto alias = held_under_alias.find(id); alias != held_under_alias.end()) {
                const std::string why =
                    "the key is held in the target by its copy of " + id_of(o.kind, alias->second->key);
                if (policy == ConflictPolicy::create_new) {
                    item.new_key = free_key(o.key, keys_taken[o.kind]);
                    keys_taken[o.kind].insert(*item.new_key);
                    item.reason = why + "; created as " + *item.new_key;
                } else {
                    item.action = PlanAction::conflict;
                    item.reason = why;
                    item.target_id = alias->second->id;
                }
            }
        } else {
            const TargetObject& t = *found->second;
            item.target_id = t.id;
            const std::string incoming = content_digest_of(o.file);
            const bool edited_since_import = t.imported_digest && *t.imported_digest != t.content_digest;
            const bool foreign = !t.imported_digest;  // made in the target, not by an import
            if (t.archived) {
                item.action = PlanAction::conflict;
                item.reason = "archived in the target: unarchive it first (an import never revives it)";
            } else if (t.in_review) {
                item.action = PlanAction::conflict;
                item.reason = "in review in the target";
            } else if (t.content_digest == incoming) {
                if (const auto changed = changed_secrets(o.file, t, options.bindings); !changed.empty()) {
                    std::string names;
                    for (const auto& n : changed) names += (names.empty() ? "" : ", ") + n;
                    item.action = PlanAction::update;
                    item.reason = "identical but for a bound secret that changes (" + names + ")";
                } else {
                    item.action = PlanAction::skip;
                    item.reason = "identical";
                }
            } else if (auto merged = policy == ConflictPolicy::merge ? decide_merge(o, t, id, options, resolutions_used)
                                                                     : std::nullopt) {
                item.action = merged->action;
                item.reason = std::move(merged->reason);
                item.merge = std::move(merged->view);
            } else if (edited_since_import || foreign) {
                const std::string why = edited_since_import ? "edited in the target since it was last imported"
                                                            : "exists in the target and differs (not imported)";
                switch (policy) {
                    case ConflictPolicy::fail:
                    case ConflictPolicy::merge:
                        item.action = PlanAction::conflict;
                        item.reason = why;
                        break;
                    case ConflictPolicy::use_existing:
                        item.action = PlanAction::reuse;
                        item.reason = why + "; the target's is kept";
                        break;
                    case ConflictPolicy::create_new:
                        item.action = PlanAction::create;
                        item.new_key = free_key(o.key, keys_taken[o.kind]);
                        keys_taken[o.kind].insert(*item.new_key);
                        item.target_id.reset();
                        item.reason = why + "; created beside it as " + *item.new_key;
                        break;
                    case ConflictPolicy::update:
                        item.action = PlanAction::update;
                        item.reason = why + "; overwritten";
                        break;
                }
            } else {
                item.action = PlanAction::update;
                item.reason = "unchanged in the target since its last import";
            }
            const bool changes_target =
                item.action == PlanAction::update ||
                (item.action == PlanAction::merge && item.merge && !item.merge->changes.empty());
            if (changes_target && !t.locked.empty()) {
                item.action = PlanAction::conflict;
                item.reason = t.locked;
            }
            const bool changes_nothing = item.merge && item.merge->changes.empty();
            if ((item.action == PlanAction::update || item.action == PlanAction::merge) && !changes_nothing &&
                o.kind == ObjectKind::campaign && t.live) {
                item.as_draft_version = true;
                item.reason += "; lands as the draft version (the live one runs on)";
            }
        }
        if (writes(item.action) && !(item.merge && item.merge->changes.empty())) {
            std::set<std::string> needed;
            collect_bindings(item.merge ? item.merge->merged : o.file, needed);
            for (const auto& name : needed)
                if (!options.bindings.count(name)) item.missing_bindings.push_back(name);
            for (const auto& dep : dependencies_of(o))
                if (!in_package.count(dep) && !existing.count(dep)) item.missing_dependencies.push_back(dep);
        }
        plan.conflicts = plan.conflicts || item.action == PlanAction::conflict;
        plan.blocked = plan.blocked || item.action == PlanAction::conflict || !item.missing_bindings.empty() ||
                       !item.missing_dependencies.empty();
        plan.items.push_back(std::move(item));
    }
    std::size_t drafts = 0, kept = 0;
    for (const auto& i : plan.items) {
        drafts += i.as_draft_version ? 1U : 0U;
        kept += i.action == PlanAction::reuse ? 1U : 0U;
    }
    if (drafts > 0)
        plan.warnings.push_back(std::to_string(drafts) +
                                " live campaign(s) get the package's content as their draft version; "
                                "the live version runs on until activate-draft passes the target's approval gate");
    if (kept > 0)
        plan.warnings.push_back(std::to_string(kept) +
                                " object(s) differ from the package and are kept as the target has them");
    // Dependencies first, so that an apply in item order always finds what campaigns refer to.
    auto rank = [](ObjectKind kind) {
        switch (kind) {
            case ObjectKind::segment: return 0;
            case ObjectKind::template_: return 1;
            case ObjectKind::campaign: return 2;
        }
        return 2;
    };
    std::stable_sort(plan.items.begin(), plan.items.end(), [&](const PlanItem& a, const PlanItem& b) {
        return rank(a.kind) != rank(b.kind) ? rank(a.kind) < rank(b.kind) : a.key < b.key;
    });

    // The digest covers what the apply will do and on what: bindings by name only, and not the
    // wording of names and reasons.
    json::array items;
    for (const auto& i : plan.items) {
        json::object item = to_json(i);
        item.erase("name");
        item.erase("reason");
        items.push_back(std::move(item));
    }
    json::object overrides;
    for (const auto& [k, p] : options.overrides) overrides[k] = to_string(p);
    json::array bound;
    for (const auto& [name, value] : options.bindings) bound.emplace_back(name);
    json::object resolutions;
    for (const auto& [id, choices] : options.resolutions) {
        json::object paths;
        for (const auto& [path, choice] : choices)
            paths[path] = json::object{{"resolution", resolution_name(choice.resolution)}, {"value", choice.value}};
        resolutions[id] = std::move(paths);
    }
    plan.digest = content_digest(json::object{{"package", package_digest},
                                              {"policy", to_string(options.policy)},
                                              {"overrides", std::move(overrides)},
                                              {"bindings", std::move(bound)},
                                              {"resolutions", std::move(resolutions)},
                                              {"items", std::move(items)}});
    return plan;
}

}  // namespace ferry::packager
