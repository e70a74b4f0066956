#pragma once
// Three-way field merge (issue 22), as a pure function over JSON: the base (what the last import
// into a sandbox brought), the source (the new version) and the target (the sandbox now). Objects
// merge key by key, recursively; arrays of scalars (tags, channels) merge as sets; every other
// value (a number, a string, an array holding objects or arrays) merges whole. At each path:
// changed only in the source -> the source's; only in the target -> the target's; both to the
// same value -> that value; both differently -> a conflict naming the path with the three values.
// See ../docs/sync.md for the rules with examples. A merge's field diff against the target is
// ferry::json_diff (core/json_diff.hpp).

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ferry::packager {

// A value at a path, or std::nullopt where the path does not exist on that side (a key that was
// never there, or that was deleted). JSON null is a value like any other, distinct from absent.
using MaybeValue = std::optional<boost::json::value>;

// Two sides changed the same path differently. `path` is a JSON Pointer (RFC 6901:
// "/spec/content/email/subject", "~0" for '~' and "~1" for '/' in a key; "" is the whole value).
struct MergeConflict {
    std::string path;
    MaybeValue base;
    MaybeValue source;
    MaybeValue target;
};

// The merged value, with the target's value (or its absence) standing at each conflict's path
// until resolve() decides it. Conflicts come in document order; no conflict path lies under
// another one.
struct MergeResult {
    boost::json::value merged;
    std::vector<MergeConflict> conflicts;
};

// Merges the changes from `base` to `source` and from `base` to `target`.
//
// Arrays whose elements are all scalars (string, number, bool, null; an empty array counts) merge
// as sets when the base is one too (or absent): the result holds what all three share, plus what
// either side added, minus what either side removed, without duplicates, in the target's order
// followed by the source's additions in the source's order. A path whose JSON type differs on the
// two changed sides is a conflict; a side unchanged from the base simply gives way to the other.
MergeResult merge3(const boost::json::value& base, const boost::json::value& source, const boost::json::value& target);

// How one conflict is decided: the source's value, the target's value (either may be an absence,
// which deletes the key), or a value given with the choice.
enum class Resolution { take_source, keep_target, value };
struct MergeChoice {
    Resolution resolution = Resolution::keep_target;
    boost::json::value value;  // Resolution::value only
};

// `merge.merged` with every conflict decided by `choices` (by conflict path). Throws
// std::invalid_argument naming the path when a choice names no conflict of `merge` or a conflict
// has no choice.
boost::json::value resolve(const MergeResult& merge, const std::map<std::string, MergeChoice>& choices);

// A conflict as plans show it: {path, base, source, target}, a side that is absent left out.
boost::json::object to_json(const MergeConflict& conflict);

// The value at `pointer` in `root`, or std::nullopt where there is none (an object key missing
// on the way; an array is one value, never entered).
MaybeValue value_at(const boost::json::value& root, std::string_view pointer);

// The JSON Pointers where `from` and `to` differ, in document order: objects compared key by
// key (from's keys, then to's new ones), anything else whole.
std::vector<std::string> differing_paths(const boost::json::value& from, const boost::json::value& to);

// JSON Pointer of `parent` followed by the key `key`, escaped ("a/b" -> "/a~1b").
std::string pointer_append(std::string_view parent, std::string_view key);

}  // namespace ferry::packager
