#include "policy.hpp"

#include "core/error.hpp"
#include "core/fields.hpp"
#include "review.hpp"

#include <algorithm>
#include <cctype>

namespace ferry::approval {

namespace json = boost::json;

namespace {

constexpr int max_depth = 8;
const std::vector<std::string_view> fields{"sandbox", "type", "channel", "tag", "name", "requester", "requester_role"};

Condition parse_node(const json::value& value, const std::string& path, int depth) {
    if (depth > max_depth) throw Error::invalid_field(path, "conditions nest at most 8 levels deep");
    if (!value.is_object()) throw Error::invalid_field(path, path + " must be an object");
    const auto& object = value.get_object();
    Condition c;
    for (const auto& [group, kind] : {std::pair{"all", Condition::Kind::all}, std::pair{"any", Condition::Kind::any}}) {
        const auto* children = object.if_contains(group);
        if (children == nullptr) continue;
        if (object.size() != 1)
            throw Error::invalid_field(path, path + " must hold only \"" + std::string(group) + "\"");
        if (!children->is_array())
            throw Error::invalid_field(path + "." + group, path + "." + group + " must be an array");
        c.kind = kind;
        const auto& array = children->get_array();
        for (std::size_t i = 0; i < array.size(); ++i)
            c.children.push_back(parse_node(array[i], path + "." + group + "[" + std::to_string(i) + "]", depth + 1));
        return c;
    }
    Fields f(object, path);
    c.kind = Condition::Kind::leaf;
    c.field = f.required_string("field", 32);
    c.op = f.required_string("op", 16);
    const json::value* v = f.optional_value("value");
    f.finish();
    if (std::find(fields.begin(), fields.end(), c.field) == fields.end())
        throw Error::invalid_field(path + ".field",
                                   "field must be sandbox, type, channel, tag, name, requester or requester_role");
    if (v == nullptr) throw Error::invalid_field(path + ".value", path + ".value is required");
    if (c.op == "equals" || c.op == "matches") {
        if (!v->is_string()) throw Error::invalid_field(path + ".value", path + ".value must be a string");
        c.values.emplace_back(v->get_string());
    } else if (c.op == "in") {
        if (!v->is_array() || v->get_array().empty())
            throw Error::invalid_field(path + ".value", path + ".value must be a non-empty array of strings");
        for (const auto& item : v->get_array()) {
            if (!item.is_string()) throw Error::invalid_field(path + ".value", path + ".value must hold strings");
            c.values.emplace_back(item.get_string());
        }
    } else {
        throw Error::invalid_field(path + ".op", "op must be equals, in or matches");
    }
    return c;
}

// The subject's values for a field: one for most, several for channels, tags and roles.
std::vector<std::string> values_of(const Subject& s, std::string_view field) {
    if (field == "sandbox") return {s.sandbox};
    if (field == "type") return {s.type};
    if (field == "channel") return s.channels;
    if (field == "tag") return s.tags;
    if (field == "name") return {s.name};
    if (field == "requester") return {s.requester};
    if (field == "requester_role") return s.requester_roles;
    return {};
}

bool leaf_matches(const Condition& c, const Subject& s) {
    for (const auto& actual : values_of(s, c.field)) {
        if (c.op == "matches") {
            if (glob_match(c.values.front(), actual)) return true;
        } else if (std::find(c.values.begin(), c.values.end(), actual) != c.values.end()) {
            return true;
        }
    }
    return false;
}

}  // namespace

std::string_view to_string(ReviewState s) {
    switch (s) {
        case ReviewState::pending: return "pending";
        case ReviewState::approved: return "approved";
        case ReviewState::changes_requested: return "changes_requested";
        case ReviewState::withdrawn: return "withdrawn";
        case ReviewState::voided: return "voided";
    }
    return "pending";
}

std::optional<ReviewState> parse_review_state(std::string_view s) {
    for (const ReviewState r : {ReviewState::pending, ReviewState::approved, ReviewState::changes_requested,
                                ReviewState::withdrawn, ReviewState::voided})
        if (to_string(r) == s) return r;
    return std::nullopt;
}

std::string_view to_string(SubjectKind k) {
    switch (k) {
        case SubjectKind::campaign: return "campaign";
        case SubjectKind::campaign_draft: return "campaign_draft";
        case SubjectKind::package: return "package";
    }
    return "campaign";
}

std::optional<SubjectKind> parse_subject_kind(std::string_view s) {
    for (const SubjectKind k : {SubjectKind::campaign, SubjectKind::campaign_draft, SubjectKind::package})
        if (to_string(k) == s) return k;
    return std::nullopt;
}

std::string_view to_string(Scope s) { return s == Scope::campaign ? "campaign" : "package"; }

std::optional<Scope> parse_scope(std::string_view s) {
    if (s == "campaign") return Scope::campaign;
    if (s == "package") return Scope::package;
    return std::nullopt;
}

Condition parse_conditions(const json::value& value, const std::string& path) { return parse_node(value, path, 0); }

json::value to_json(const Condition& c) {
    if (c.kind != Condition::Kind::leaf) {
        json::array children;
        for (const auto& child : c.children) children.push_back(to_json(child));
        return json::object{{c.kind == Condition::Kind::all ? "all" : "any", std::move(children)}};
    }
    json::value value;
    if (c.op == "in") {
        json::array values;
        for (const auto& v : c.values) values.emplace_back(v);
        value = std::move(values);
    } else {
        value = c.values.front();
    }
    return json::object{{"field", c.field}, {"op", c.op}, {"value", std::move(value)}};
}

Approvers parse_approvers(const json::value& value, const std::string& path) {
    if (!value.is_object()) throw Error::invalid_field(path, path + " must be an object");
    Fields f(value.get_object(), path);
    Approvers a;
    const auto role = f.optional_string("role", 32);
    const json::array* users = f.optional_array("users");
    f.finish();
    if (role.has_value() == (users != nullptr))
        throw Error::invalid_field(path, path + " must name either a role or users");
    if (role) {
        a.role = parse_role(*role);
        // A reporter is a delivery engine's token: it reads nothing, so it cannot review.
        if (!a.role || *a.role == Role::reporter)
            throw Error::invalid_field(path + ".role", "role must be admin, editor, reviewer, viewer or importer");
    } else {
        if (users->empty()) throw Error::invalid_field(path + ".users", path + ".users must not be empty");
        for (std::size_t i = 0; i < users->size(); ++i) {
            const auto& u = (*users)[i];
            if (!u.is_string() || !is_user_id(u.get_string()))
                throw Error::invalid_field(path + ".users[" + std::to_string(i) + "]", "users must be user ids");
            if (std::find(a.users.begin(), a.users.end(), u.get_string()) == a.users.end())
                a.users.emplace_back(u.get_string());
        }
    }
    return a;
}

json::value to_json(const Approvers& a) {
    if (a.role) return json::object{{"role", ferry::to_string(*a.role)}};
    json::array users;
    for (const auto& u : a.users) users.emplace_back(u);
    return json::object{{"users", std::move(users)}};
}

bool matches(const Condition& c, const Subject& s) {
    switch (c.kind) {
        case Condition::Kind::all:
            return std::all_of(c.children.begin(), c.children.end(), [&](const Condition& x) { return matches(x, s); });
        case Condition::Kind::any:
            return std::any_of(c.children.begin(), c.children.end(), [&](const Condition& x) { return matches(x, s); });
        case Condition::Kind::leaf: return leaf_matches(c, s);
    }
    return false;
}

// A '*' or '?' in the pattern is always a wildcard, whatever the text holds at that place: the
// pattern's '*' is tried before any literal comparison, so a text that itself contains '*' or '?'
// cannot consume the pattern's wildcard as a plain character (which once let a campaign named
// "Promo*X" escape a policy on "Promo*"). The text's characters are only ever data.
bool glob_match(std::string_view pattern, std::string_view text) {
    auto lower = [](char ch) { return static_cast<char>(std::tolower(static_cast<unsigned char>(ch))); };
    std::size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
    while (t < text.size()) {
        if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            mark = t;
        } else if (p < pattern.size() && (pattern[p] == '?' || lower(pattern[p]) == lower(text[t]))) {
            ++p;
            ++t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++mark;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

std::vector<Requirement> requirements_for(const std::vector<Policy>& policies, Scope scope, const Subject& subject,
                                          bool sandbox_always) {
    std::vector<Requirement> out;
    for (const Policy& p : policies)
        if (p.active && p.scope == scope && matches(p.conditions, subject))
            out.push_back(Requirement{p.id, p.name, p.approvers, p.required});
    if (out.empty() && sandbox_always)
        out.push_back(Requirement{"sandbox", "the sandbox requires an approval for every activation",
                                  Approvers{Role::reviewer, {}}, 1});
    return out;
}

bool eligible(const Approvers& approvers, std::string_view sandbox, const Member& member) {
    for (const RoleGrant& g : member.roles) {
        if (g.sandbox != all_sandboxes && g.sandbox != sandbox) continue;
        if (g.role == Role::admin) return true;
        if (approvers.role && g.role == *approvers.role) return true;
    }
    return std::find(approvers.users.begin(), approvers.users.end(), member.user) != approvers.users.end();
}

Evaluation evaluate(const std::vector<Requirement>& requirements, std::string_view sandbox, std::string_view digest,
                    const std::vector<Approval>& approvals, const MemberLookup& member_of,
                    const std::set<std::string>& excluded) {
    Evaluation e;
    e.satisfied = !requirements.empty();
    for (const Requirement& r : requirements) {
        RequirementState state{r, {}, false};
        for (const Approval& a : approvals) {
            if (a.digest != digest || excluded.count(a.user)) continue;
            if (std::find(state.counted.begin(), state.counted.end(), a.user) != state.counted.end()) continue;
            const auto member = member_of(a.user);
            if (member && eligible(r.approvers, sandbox, *member)) state.counted.push_back(a.user);
        }
        state.satisfied = static_cast<int>(state.counted.size()) >= r.required;
        e.satisfied = e.satisfied && state.satisfied;
        e.requirements.push_back(std::move(state));
    }
    return e;
}

}  // namespace ferry::approval
