// The three-way field merge (issue 22): the rules as a table, the story of the issue, resolving
// conflicts, and properties over random documents and edits.

#include "packager/merge.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <gtest/gtest.h>

#include <algorithm>
#include <iostream>
#include <random>
#include <set>
#include <stdexcept>

using namespace ferry::packager;
namespace json = boost::json;

namespace {

json::value j(std::string_view text) { return json::parse(text); }

std::vector<std::string> paths_of(const MergeResult& r) {
    std::vector<std::string> paths;
    for (const auto& c : r.conflicts) paths.push_back(c.path);
    return paths;
}

struct Row {
    std::string name;
    std::string base, source, target;
    std::string merged;                  // with the target's value at each conflict
    std::vector<std::string> conflicts;  // their paths, in document order
};

std::vector<Row> rows() {
    return {
        {"only the source changed", R"({"a":1,"b":2})", R"({"a":1,"b":3})", R"({"a":1,"b":2})", R"({"a":1,"b":3})", {}},
        {"only the target changed", R"({"a":1,"b":2})", R"({"a":1,"b":2})", R"({"a":5,"b":2})", R"({"a":5,"b":2})", {}},
        {"both changed to the same value", R"({"a":1})", R"({"a":2})", R"({"a":2})", R"({"a":2})", {}},
        {"both changed differently",
         R"({"a":1,"b":0})",
         R"({"a":2,"b":0})",
         R"({"a":3,"b":0})",
         R"({"a":3,"b":0})",
         {"/a"}},
        {"each side changed another nested field",
         R"({"spec":{"x":1,"y":1,"z":{"w":1}}})",
         R"({"spec":{"x":2,"y":1,"z":{"w":1}}})",
         R"({"spec":{"x":1,"y":2,"z":{"w":1}}})",
         R"({"spec":{"x":2,"y":2,"z":{"w":1}}})",
         {}},
        {"nested conflict next to a nested change",
         R"({"spec":{"x":1,"z":{"w":1,"v":1}}})",
         R"({"spec":{"x":2,"z":{"w":2,"v":1}}})",
         R"({"spec":{"x":1,"z":{"w":3,"v":2}}})",
         R"({"spec":{"x":2,"z":{"w":3,"v":2}}})",
         {"/spec/z/w"}},
        {"a key added by the source", R"({"a":1})", R"({"a":1,"n":"new"})", R"({"a":1})", R"({"a":1,"n":"new"})", {}},
        {"a key added by the target", R"({"a":1})", R"({"a":1})", R"({"a":1,"n":"new"})", R"({"a":1,"n":"new"})", {}},
        {"different keys added on each side", R"({})", R"({"s":1})", R"({"t":2})", R"({"t":2,"s":1})", {}},
        {"the same key added with the same value", R"({})", R"({"n":1})", R"({"n":1})", R"({"n":1})", {}},
        {"the same key added with different values", R"({})", R"({"n":1})", R"({"n":2})", R"({"n":2})", {"/n"}},
        {"the same object added, merged inside",
         R"({})",
         R"({"o":{"a":1,"b":2}})",
         R"({"o":{"a":1,"c":3}})",
         R"({"o":{"a":1,"c":3,"b":2}})",
         {}},
        {"removed by the source, unchanged in the target",
         R"({"a":1,"b":2})",
         R"({"a":1})",
         R"({"a":1,"b":2})",
         R"({"a":1})",
         {}},
        {"removed by the target, unchanged in the source",
         R"({"a":1,"b":2})",
         R"({"a":1,"b":2})",
         R"({"b":2})",
         R"({"b":2})",
         {}},
        {"removed on both sides", R"({"a":1,"b":2})", R"({"b":2})", R"({"b":2})", R"({"b":2})", {}},
        {"removed by the source, changed by the target",
         R"({"a":1,"b":2})",
         R"({"b":2})",
         R"({"a":9,"b":2})",
         R"({"a":9,"b":2})",
         {"/a"}},
        {"changed by the source, removed by the target",
         R"({"a":1,"b":2})",
         R"({"a":9,"b":2})",
         R"({"b":2})",
         R"({"b":2})",
         {"/a"}},
        {"null is a value, not an absence", R"({})", R"({"a":null})", R"({})", R"({"a":null})", {}},
        {"null set by one side, removal by the other", R"({"a":1})", R"({"a":null})", R"({})", R"({})", {"/a"}},
        {"tags: both sides add different tags",
         R"({"tags":["a","b"]})",
         R"({"tags":["a","b","c"]})",
         R"({"tags":["a","b","d"]})",
         R"({"tags":["a","b","d","c"]})",
         {}},
        {"tags: one side removes, the other adds",
         R"({"tags":["a","b"]})",
         R"({"tags":["a"]})",
         R"({"tags":["a","b","d"]})",
         R"({"tags":["a","d"]})",
         {}},
        {"tags: the target removes, the source adds",
         R"({"tags":["a","b"]})",
         R"({"tags":["a","b","c"]})",
         R"({"tags":["b"]})",
         R"({"tags":["b","c"]})",
         {}},
        {"tags: both add the same tag, once in the result",
         R"({"tags":["a"]})",
         R"({"tags":["a","x","y"]})",
         R"({"tags":["x","a"]})",
         R"({"tags":["x","a","y"]})",
         {}},
        {"tags: one side removes all, the other adds",
         R"({"tags":["a","b"]})",
         R"({"tags":[]})",
         R"({"tags":["a","b","c"]})",
         R"({"tags":["c"]})",
         {}},
        {"tags: added on both sides where the base had none",
         R"({})",
         R"({"tags":["x","s"]})",
         R"({"tags":["t","x"]})",
         R"({"tags":["t","x","s"]})",
         {}},
        {"channels merged as a set in the target's order",
         R"({"spec":{"channels":["email"]}})",
         R"({"spec":{"channels":["email","sms"]}})",
         R"({"spec":{"channels":["push","email"]}})",
         R"({"spec":{"channels":["push","email","sms"]}})",
         {}},
        {"numbers and booleans merge as sets too",
         R"({"n":[1,2,true]})",
         R"({"n":[1,2,true,3]})",
         R"({"n":[2,true]})",
         R"({"n":[2,true,3]})",
         {}},
        {"array of objects changed by one side is taken whole",
         R"({"steps":[{"d":1}]})",
         R"({"steps":[{"d":1},{"d":2}]})",
         R"({"steps":[{"d":1}]})",
         R"({"steps":[{"d":1},{"d":2}]})",
         {}},
        {"array of objects changed differently is one conflict",
         R"({"steps":[{"d":1}]})",
         R"({"steps":[{"d":1},{"d":2}]})",
         R"({"steps":[{"d":3}]})",
         R"({"steps":[{"d":3}]})",
         {"/steps"}},
        {"array of arrays is a value",
         R"({"m":[[1]]})",
         R"({"m":[[1],[2]]})",
         R"({"m":[[3]]})",
         R"({"m":[[3]]})",
         {"/m"}},
        {"a set of scalars turned into objects on one side conflicts",
         R"({"t":["a"]})",
         R"({"t":["a","b"]})",
         R"({"t":[{"x":1}]})",
         R"({"t":[{"x":1}]})",
         {"/t"}},
        {"type changed by one side is taken", R"({"a":1})", R"({"a":{"x":1}})", R"({"a":1})", R"({"a":{"x":1}})", {}},
        {"type changed differently on both sides",
         R"({"a":1})",
         R"({"a":"1"})",
         R"({"a":{"x":1}})",
         R"({"a":{"x":1}})",
         {"/a"}},
        {"object against scalar array", R"({"a":{}})", R"({"a":{"k":1}})", R"({"a":["k"]})", R"({"a":["k"]})", {"/a"}},
        {"keys with / and ~ are escaped in paths",
         R"({"a/b":{"m~n":1}})",
         R"({"a/b":{"m~n":2}})",
         R"({"a/b":{"m~n":3}})",
         R"({"a/b":{"m~n":3}})",
         {"/a~1b/m~0n"}},
        {"the story: the target's subject and the source's SMS",
         R"({"spec":{"content":{"email":{"subject":"Hello"},"sms":{"text":"A"}}}})",
         R"({"spec":{"content":{"email":{"subject":"Hello"},"sms":{"text":"B"}}}})",
         R"({"spec":{"content":{"email":{"subject":"Bonjour"},"sms":{"text":"A"}}}})",
         R"({"spec":{"content":{"email":{"subject":"Bonjour"},"sms":{"text":"B"}}}})",
         {}},
        {"scalars at the root", "1", "2", "3", "3", {""}},
        {"a scalar at the root changed on one side", "1", "2", "1", "2", {}},
    };
}

TEST(Merge, FollowsTheRulesTable) {
    for (const auto& row : rows()) {
        SCOPED_TRACE(row.name);
        const auto r = merge3(j(row.base), j(row.source), j(row.target));
        EXPECT_EQ(r.merged, j(row.merged)) << json::serialize(r.merged);
        EXPECT_EQ(paths_of(r), row.conflicts);
        // The order is part of the contract: the target's keys and set elements, then the source's additions.
        EXPECT_EQ(json::serialize(r.merged), json::serialize(j(row.merged)));
    }
}

TEST(Merge, ConflictNamesThePathWithTheThreeValues) {
    const auto r = merge3(j(R"({"a":1,"o":{"k":"x"}})"), j(R"({"o":{"k":"y"}})"), j(R"({"a":2,"o":{"k":"z"}})"));
    ASSERT_EQ(r.conflicts.size(), 2U);
    EXPECT_EQ(r.conflicts[0].path, "/a");
    EXPECT_EQ(r.conflicts[0].base, json::value(1));
    EXPECT_EQ(r.conflicts[0].source, std::nullopt);  // the source deleted it
    EXPECT_EQ(r.conflicts[0].target, json::value(2));
    EXPECT_EQ(r.conflicts[1].path, "/o/k");
    EXPECT_EQ(json::value(to_json(r.conflicts[0])), j(R"({"path":"/a","base":1,"target":2})"));
    EXPECT_EQ(json::value(to_json(r.conflicts[1])), j(R"({"path":"/o/k","base":"x","source":"y","target":"z"})"));
}

TEST(Merge, TheStoryOfTheIssue) {
    const auto v1 = j(R"({"spec":{"content":{"email":{"subject":"Hello"},"sms":{"text":"A"}}}})");
    const auto prod = j(R"({"spec":{"content":{"email":{"subject":"Bonjour"},"sms":{"text":"A"}}}})");
    const auto v2 = j(R"({"spec":{"content":{"email":{"subject":"Hello"},"sms":{"text":"B"}}}})");

    // Prod edited the subject, dev the SMS text: the merge keeps both, with no conflict.
    const auto first = merge3(v1, v2, prod);
    EXPECT_TRUE(first.conflicts.empty());
    EXPECT_EQ(first.merged, j(R"({"spec":{"content":{"email":{"subject":"Bonjour"},"sms":{"text":"B"}}}})"));
    EXPECT_EQ(resolve(first, {}), first.merged);

    // After that import, both sides change the same subject differently.
    const auto& base = first.merged;
    const auto v3 = j(R"({"spec":{"content":{"email":{"subject":"Hi there"},"sms":{"text":"B"}}}})");
    const auto prod_now = j(R"({"spec":{"content":{"email":{"subject":"Salut"},"sms":{"text":"B"}}}})");
    const auto second = merge3(base, v3, prod_now);
    ASSERT_EQ(second.conflicts.size(), 1U);
    const auto& c = second.conflicts[0];
    EXPECT_EQ(c.path, "/spec/content/email/subject");
    EXPECT_EQ(c.base, json::value("Bonjour"));
    EXPECT_EQ(c.source, json::value("Hi there"));
    EXPECT_EQ(c.target, json::value("Salut"));

    EXPECT_EQ(resolve(second, {{c.path, {Resolution::keep_target, {}}}}), prod_now);
    EXPECT_EQ(resolve(second, {{c.path, {Resolution::take_source, {}}}}), v3);
    EXPECT_EQ(resolve(second, {{c.path, {Resolution::value, "Hi, Salut"}}}).at_pointer(c.path),
              json::value("Hi, Salut"));
}

TEST(Merge, ResolvingAnAbsenceDeletesAndAPresenceInserts) {
    const auto r = merge3(j(R"({"o":{"a":1}})"), j(R"({"o":{}})"), j(R"({"o":{"a":2}})"));
    ASSERT_EQ(paths_of(r), std::vector<std::string>{"/o/a"});
    EXPECT_EQ(resolve(r, {{"/o/a", {Resolution::take_source, {}}}}), j(R"({"o":{}})"));
    EXPECT_EQ(resolve(r, {{"/o/a", {Resolution::keep_target, {}}}}), j(R"({"o":{"a":2}})"));

    const auto removed_by_target = merge3(j(R"({"a/b":1})"), j(R"({"a/b":2})"), j(R"({})"));
    EXPECT_EQ(removed_by_target.merged, j("{}"));
    EXPECT_EQ(resolve(removed_by_target, {{"/a~1b", {Resolution::take_source, {}}}}), j(R"({"a/b":2})"));
    EXPECT_EQ(resolve(removed_by_target, {{"/a~1b", {Resolution::value, nullptr}}}), j(R"({"a/b":null})"));
}

TEST(Merge, ResolveRefusesUnknownPathsAndUnresolvedConflicts) {
    const auto r = merge3(j(R"({"a":1,"b":1})"), j(R"({"a":2,"b":2})"), j(R"({"a":3,"b":3})"));
    ASSERT_EQ(paths_of(r), (std::vector<std::string>{"/a", "/b"}));
    EXPECT_THROW(resolve(r, {{"/a", {Resolution::keep_target, {}}}}), std::invalid_argument);  // /b unresolved
    EXPECT_THROW(resolve(r, {{"/a", {}}, {"/b", {}}, {"/c", {}}}), std::invalid_argument);
    EXPECT_NO_THROW(resolve(r, {{"/a", {}}, {"/b", {}}}));
}

TEST(Merge, RootConflictResolves) {
    const auto r = merge3(j("[1]"), j(R"({"a":1})"), j(R"("x")"));
    ASSERT_EQ(paths_of(r), std::vector<std::string>{""});
    EXPECT_EQ(resolve(r, {{"", {Resolution::take_source, {}}}}), j(R"({"a":1})"));
    EXPECT_EQ(resolve(r, {{"", {Resolution::keep_target, {}}}}), j(R"("x")"));
}

// Random documents: objects over a few keys (two of them needing escapes), scalars, sets of
// scalars and arrays of objects, and edits that keep, delete, replace, add or recurse. The pools
// are small so that the two sides often touch the same paths.
class Documents {
public:
    explicit Documents(std::mt19937::result_type seed) : rng_(seed) {}

    json::object object(int depth) {
        json::object o;
        for (const char* key : keys) {
            if (chance(60)) o[key] = value(depth);
        }
        return o;
    }

    // A copy of `v` with random edits, each change unlikely enough that sides often leave a path alone.
    json::value edit(const json::value& v, int depth) {
        if (v.is_object()) {
            json::object o = v.get_object();
            for (const char* key : keys) {
                auto* field = o.if_contains(key);
                if (field == nullptr) {
                    if (chance(10)) o[key] = value(depth - 1);
                } else if (chance(10)) {
                    o.erase(key);
                } else if (chance(10)) {
                    *field = value(depth - 1);
                } else if (chance(50)) {
                    *field = edit(*field, depth - 1);
                }
            }
            return o;
        }
        if (v.is_array() && std::all_of(v.get_array().begin(), v.get_array().end(),
                                        [](const json::value& e) { return !e.is_object() && !e.is_array(); })) {
            json::array a = v.get_array();
            if (chance(40) && !a.empty()) a.erase(a.begin() + pick(static_cast<int>(a.size())));
            if (chance(40)) {
                const auto tag = json::value(tags[pick(std::size(tags))]);
                if (std::find(a.begin(), a.end(), tag) == a.end()) a.push_back(tag);
            }
            return a;
        }
        return chance(30) ? value(depth - 1) : v;
    }

private:
    static constexpr const char* keys[] = {"a", "b", "c/d", "e~f", "g"};
    static constexpr const char* tags[] = {"t1", "t2", "t3", "t4", "t5"};

    int pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
    int pick(std::size_t n) { return pick(static_cast<int>(n)); }
    bool chance(int percent) { return pick(100) < percent; }

    json::value scalar() {
        switch (pick(5)) {
            case 0: return pick(3);
            case 1: return json::value(std::string(1, static_cast<char>('x' + pick(3))));
            case 2: return chance(50);
            case 3: return nullptr;
            default: return 1.5;
        }
    }

    json::array set() {
        json::array a;
        for (const char* tag : tags) {
            if (chance(40)) a.push_back(json::value(tag));
        }
        if (chance(20)) a.push_back(pick(3));
        std::shuffle(a.begin(), a.end(), rng_);
        return a;
    }

    json::array objects() {
        json::array a;
        for (int i = 0, n = 1 + pick(2); i < n; ++i) a.push_back(json::object{{"k", scalar()}});
        return a;
    }

    json::value value(int depth) {
        switch (pick(depth > 0 ? 4 : 3)) {
            case 0: return scalar();
            case 1: return set();
            case 2: return objects();
            default: return object(depth - 1);
        }
    }

    std::mt19937 rng_;
};

// `v` with every array of scalars sorted (by its serialized elements), to compare merges up to
// the order of sets.
json::value sets_sorted(const json::value& v) {
    if (v.is_object()) {
        json::object o;
        for (const auto& [key, field] : v.get_object()) o[key] = sets_sorted(field);
        return o;
    }
    if (v.is_array()) {
        json::array a;
        for (const auto& e : v.get_array()) a.push_back(sets_sorted(e));
        if (std::none_of(a.begin(), a.end(), [](const json::value& e) { return e.is_object() || e.is_array(); })) {
            std::sort(a.begin(), a.end(), [](const json::value& x, const json::value& y) {
                return json::serialize(x) < json::serialize(y);
            });
        }
        return a;
    }
    return v;
}

MaybeValue at(const json::value& v, const std::string& pointer) {
    boost::system::error_code ec;
    const auto* found = v.find_pointer(pointer, ec);
    return found != nullptr ? MaybeValue(*found) : std::nullopt;
}

std::set<std::string> path_set(const MergeResult& r) {
    auto paths = paths_of(r);
    return {paths.begin(), paths.end()};
}

TEST(MergeProperty, HoldsOverRandomDocumentsAndEdits) {
    Documents docs(22);
    int with_conflicts = 0;
    int merged_cleanly_with_two_changed_sides = 0;
    for (int i = 0; i < 500; ++i) {
        SCOPED_TRACE("case " + std::to_string(i));
        const json::value base = docs.object(3);
        const json::value source = docs.edit(base, 3);
        const json::value target = docs.edit(base, 3);
        SCOPED_TRACE("base " + json::serialize(base) + "\nsource " + json::serialize(source) + "\ntarget " +
                     json::serialize(target));

        // (1) A side unchanged from the base gives the other side.
        const auto keep = merge3(base, base, target);
        EXPECT_EQ(keep.merged, target);
        EXPECT_TRUE(keep.conflicts.empty());
        const auto take = merge3(base, source, base);
        EXPECT_EQ(take.merged, source);
        EXPECT_TRUE(take.conflicts.empty());

        // (3) Nothing changed: nothing to do.
        EXPECT_EQ(merge3(base, base, base).merged, base);
        EXPECT_TRUE(merge3(base, base, base).conflicts.empty());

        // (2) Symmetry: the same conflicts, sides swapped; without conflicts, the same merge up to set order.
        const auto r = merge3(base, source, target);
        const auto swapped = merge3(base, target, source);
        ASSERT_EQ(path_set(r), path_set(swapped));
        if (r.conflicts.empty()) {
            EXPECT_EQ(sets_sorted(r.merged), sets_sorted(swapped.merged));
            if (source != base && target != base) ++merged_cleanly_with_two_changed_sides;
        } else {
            ++with_conflicts;
        }

        // (4) Each conflict reports the three sides' values at its path, and resolving takes them.
        std::map<std::string, MergeChoice> sources;
        std::map<std::string, MergeChoice> targets;
        for (const auto& c : r.conflicts) {
            EXPECT_EQ(c.base, at(base, c.path)) << c.path;
            EXPECT_EQ(c.source, at(source, c.path)) << c.path;
            EXPECT_EQ(c.target, at(target, c.path)) << c.path;
            sources[c.path] = {Resolution::take_source, {}};
            targets[c.path] = {Resolution::keep_target, {}};
        }
        const auto took = resolve(r, sources);
        const auto kept = resolve(r, targets);
        for (const auto& c : r.conflicts) {
            EXPECT_EQ(at(took, c.path), c.source) << c.path;
            EXPECT_EQ(at(kept, c.path), c.target) << c.path;
        }
        EXPECT_EQ(kept, r.merged);  // the merge holds the target's value at each conflict
    }
    // The generator reaches both outcomes often enough for the properties to mean something.
    EXPECT_GT(with_conflicts, 50);
    EXPECT_GT(merged_cleanly_with_two_changed_sides, 50);
    std::cout << with_conflicts << " cases with conflicts, " << merged_cleanly_with_two_changed_sides
              << " merged cleanly with both sides changed\n";
}

}  // namespace
