#pragma once
// The kinds of object a package holds and an import writes: packager/ (manifests, import plans)
// and service/ (import records, origins, campaign references) share them. Stored, signed and
// shown as these names; to_string and parse_object_kind are the only conversions.

#include <optional>
#include <string_view>

namespace ferry {

// template_: `template` is a keyword.
enum class ObjectKind { campaign, segment, template_ };

inline std::string_view to_string(ObjectKind k) {
    switch (k) {
        case ObjectKind::campaign: return "campaign";
        case ObjectKind::segment: return "segment";
        case ObjectKind::template_: return "template";
    }
    return "campaign";
}

inline std::optional<ObjectKind> parse_object_kind(std::string_view s) {
    for (const ObjectKind k : {ObjectKind::campaign, ObjectKind::segment, ObjectKind::template_})
        if (to_string(k) == s) return k;
    return std::nullopt;
}

}  // namespace ferry
