#include "packager/merge.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace ferry::packager {

namespace {

namespace json = boost::json;

// A side's value at the path being merged; nullptr where the path is absent on that side.
using Side = const json::value*;

bool same(Side a, Side b) {
    if (a == nullptr || b == nullptr) return a == b;
    return *a == *b;
}

MaybeValue copy_of(Side v) { return v != nullptr ? MaybeValue(*v) : std::nullopt; }

bool is_scalar(const json::value& v) { return !v.is_object() && !v.is_array(); }

bool is_scalar_array(const json::value& v) {
    return v.is_array() && std::all_of(v.get_array().begin(), v.get_array().end(), is_scalar);
}

bool contains(const json::array& a, const json::value& v) { return std::find(a.begin(), a.end(), v) != a.end(); }

// Both sides changed a set of scalars: keep the target's elements that the source did not remove,
// then add the source's additions; an element appears once.
json::array merge_sets(const json::array& base, const json::array& source, const json::array& target) {
    json::array merged;
    for (const auto& e : target) {
        const bool removed_by_source = contains(base, e) && !contains(source, e);
        if (!removed_by_source && !contains(merged, e)) merged.push_back(e);
    }
    for (const auto& e : source) {
        const bool added_by_source = !contains(base, e);
        if (added_by_source && !contains(merged, e)) merged.push_back(e);
    }
    return merged;
}

class Merger {
public:
    std::vector<MergeConflict> conflicts;

    // The merged value at `path`; std::nullopt where the merge leaves the path absent.
    MaybeValue merge(const std::string& path, Side base, Side source, Side target) {
        if (same(source, target)) return copy_of(source);
        if (same(base, source)) return copy_of(target);
        if (same(base, target)) return copy_of(source);
        // Both sides changed the path, differently. An absent base counts as an empty object or
        // set, so that keys or tags both sides added still merge.
        if (source != nullptr && target != nullptr) {
            if (source->is_object() && target->is_object() && (base == nullptr || base->is_object())) {
                return merge_objects(path, base, source->get_object(), target->get_object());
            }
            if (is_scalar_array(*source) && is_scalar_array(*target) && (base == nullptr || is_scalar_array(*base))) {
                static const json::array none;
                return json::value(
                    merge_sets(base != nullptr ? base->get_array() : none, source->get_array(), target->get_array()));
            }
        }
        conflicts.push_back(MergeConflict{path, copy_of(base), copy_of(source), copy_of(target)});
        return copy_of(target);
    }

private:
    // Key by key, in the target's key order, then the keys only the source has, in its order.
    json::value merge_objects(const std::string& path, Side base, const json::object& source,
                              const json::object& target) {
        const json::object* base_object = base != nullptr ? &base->get_object() : nullptr;
        auto at = [](const json::object* o, std::string_view key) -> Side {
            return o != nullptr ? o->if_contains(key) : nullptr;
        };
        json::object merged;
        auto merge_key = [&](std::string_view key) {
            auto value = merge(pointer_append(path, key), at(base_object, key), source.if_contains(key),
                               target.if_contains(key));
            if (value) merged.emplace(key, std::move(*value));
        };
        for (const auto& [key, _] : target) merge_key(key);
        for (const auto& [key, _] : source) {
            if (!target.contains(key)) merge_key(key);
        }
        // A key only the base has was deleted on both sides: absent from the merge.
        return merged;
    }
};

// The unescaped keys of a JSON Pointer ("/a~1b/c" -> {"a/b", "c"}).
std::vector<std::string> pointer_keys(std::string_view pointer) {
    std::vector<std::string> keys;
    if (pointer.empty()) return keys;
    if (pointer.front() != '/') throw std::invalid_argument("not a JSON Pointer: " + std::string(pointer));
    std::string key;
    for (std::size_t i = 1; i <= pointer.size(); ++i) {
        if (i == pointer.size() || pointer[i] == '/') {
            keys.push_back(std::move(key));
            key.clear();
        } else if (pointer[i] == '~' && i + 1 < pointer.size() && (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
            key += pointer[i + 1] == '0' ? '~' : '/';
            ++i;
        } else {
            key += pointer[i];
        }
    }
    return keys;
}

// Puts `value` at `pointer` in `root` (or removes the key for std::nullopt). The parent object
// exists: merge3 only reports conflicts under objects it merged key by key.
void place(json::value& root, const std::string& pointer, const MaybeValue& value) {
    const auto keys = pointer_keys(pointer);
    if (keys.empty()) {
        // A conflict at the root: both sides are present, so the decision is a value.
        root = value.value_or(json::value());
        return;
    }
    json::value* parent = &root;
    for (std::size_t i = 0; i + 1 < keys.size(); ++i) parent = &parent->as_object().at(keys[i]);
    auto& object = parent->as_object();
    if (value) {
        object[keys.back()] = *value;
    } else {
        object.erase(keys.back());
    }
}

}  // namespace

std::string pointer_append(std::string_view parent, std::string_view key) {
    std::string pointer(parent);
    pointer += '/';
    for (char c : key) {
        if (c == '~') {
            pointer += "~0";
        } else if (c == '/') {
            pointer += "~1";
        } else {
            pointer += c;
        }
    }
    return pointer;
}

MergeResult merge3(const json::value& base, const json::value& source, const json::value& target) {
    Merger merger;
    auto merged = merger.merge("", &base, &source, &target);
    // The root is present on all three sides, so every rule leaves a value there.
    return MergeResult{merged.value_or(json::value()), std::move(merger.conflicts)};
}

json::value resolve(const MergeResult& merge, const std::map<std::string, MergeChoice>& choices) {
    std::set<std::string> conflict_paths;
    for (const auto& c : merge.conflicts) conflict_paths.insert(c.path);
    for (const auto& [path, _] : choices) {
        if (!conflict_paths.contains(path)) throw std::invalid_argument("no merge conflict at \"" + path + "\"");
    }
    json::value resolved = merge.merged;
    for (const auto& c : merge.conflicts) {
        auto choice = choices.find(c.path);
        if (choice == choices.end()) throw std::invalid_argument("unresolved merge conflict at \"" + c.path + "\"");
        switch (choice->second.resolution) {
            case Resolution::take_source: place(resolved, c.path, c.source); break;
            case Resolution::keep_target: place(resolved, c.path, c.target); break;
            case Resolution::value: place(resolved, c.path, choice->second.value); break;
        }
    }
    return resolved;
}

MaybeValue value_at(const json::value& root, std::string_view pointer) {
    const json::value* at = &root;
    for (const auto& key : pointer_keys(pointer)) {
        if (!at->is_object()) return std::nullopt;
        at = at->get_object().if_contains(key);
        if (at == nullptr) return std::nullopt;
    }
    return *at;
}

namespace {

void collect_differences(const std::string& path, const json::value& from, const json::value& to,
                         std::vector<std::string>& out) {
    if (from.is_object() && to.is_object()) {
        const auto& a = from.get_object();
        const auto& b = to.get_object();
        for (const auto& [key, value] : a) {
            const auto* other = b.if_contains(key);
            if (other == nullptr) {
                out.push_back(pointer_append(path, key));
            } else {
                collect_differences(pointer_append(path, key), value, *other, out);
            }
        }
        for (const auto& [key, _] : b)
            if (!a.contains(key)) out.push_back(pointer_append(path, key));
        return;
    }
    if (from != to) out.push_back(path);
}

}  // namespace

std::vector<std::string> differing_paths(const json::value& from, const json::value& to) {
    std::vector<std::string> out;
    collect_differences("", from, to, out);
    return out;
}

json::object to_json(const MergeConflict& conflict) {
    json::object o{{"path", conflict.path}};
    if (conflict.base) o["base"] = *conflict.base;
    if (conflict.source) o["source"] = *conflict.source;
    if (conflict.target) o["target"] = *conflict.target;
    return o;
}

}  // namespace ferry::packager
