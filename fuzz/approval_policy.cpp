// Approval policy bodies through the pieces the policies handler (service/api/policies.cpp,
// read_policy_fields) reads them with: the Fields of the body, approval::parse_conditions,
// approval::parse_approvers, parse_scope; then the policy is put to work: requirements_for,
// matches, glob_match and evaluate against subjects and approvals made from the input's strings.
// (The handler itself, with its storage checks, is fuzzed through the App in app_requests.)
//
// Input: one JSON request body, as POST/PATCH .../approval-policies receives it.
//
// Properties:
//  - refusals are ferry::Error 422;
//  - conditions and approvers survive to_json -> parse unchanged (they are stored that way);
//  - glob_match agrees with a plain dynamic-programming matcher ('*', '?', ASCII case folded);
//  - {"all":[...]} / {"any":[...]} are the conjunction / disjunction of their children;
//  - evaluate counts only distinct, eligible, not excluded approvers of the digest, and is
//    satisfied exactly when every requirement (at least one) has its count.

#include "approval/policy.hpp"
#include "core/error.hpp"
#include "core/fields.hpp"
#include "fuzz_support.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <map>

using namespace ferry;
using namespace ferry::approval;
namespace json = boost::json;

namespace {

bool reference_glob(std::string_view p, std::string_view t) {
    auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
    // m[i][j]: p[0..i) matches t[0..j)
    std::vector<std::vector<char>> m(p.size() + 1, std::vector<char>(t.size() + 1, 0));
    m[0][0] = 1;
    for (std::size_t i = 1; i <= p.size(); ++i) {
        m[i][0] = p[i - 1] == '*' && m[i - 1][0];
        for (std::size_t j = 1; j <= t.size(); ++j) {
            if (p[i - 1] == '*')
                m[i][j] = m[i - 1][j] || m[i][j - 1];
            else
                m[i][j] = (p[i - 1] == '?' || lower(p[i - 1]) == lower(t[j - 1])) && m[i - 1][j - 1];
        }
    }
    return m[p.size()][t.size()] != 0;
}

void collect_strings(const json::value& v, std::vector<std::string>& out) {
    if (out.size() >= 16) return;
    if (v.is_string())
        out.emplace_back(v.get_string());
    else if (v.is_array())
        for (const auto& x : v.get_array()) collect_strings(x, out);
    else if (v.is_object())
        for (const auto& [k, x] : v.get_object()) {
            if (out.size() < 16) out.emplace_back(k);
            collect_strings(x, out);
        }
}

void collect_patterns(const Condition& c, std::vector<std::string>& out) {
    if (c.kind == Condition::Kind::leaf && c.op == "matches") out.push_back(c.values.front());
    for (const auto& child : c.children) collect_patterns(child, out);
}

template <class F>
auto expect_422(F&& f, std::string_view what) -> std::optional<decltype(f())> {
    try {
        return f();
    } catch (const Error& e) {
        fuzz::check(e.status() == 422, std::string(what) + " refused with a status other than 422", e.to_json());
    } catch (const std::exception& e) {
        fuzz::fail(std::string(what) + " threw something other than ferry::Error (a 500)", e.what());
    }
    return std::nullopt;
}

// The policies handler's reading of a body, without the storage lookups of user ids.
std::optional<Policy> read_policy(const json::object& body, bool creating) {
    return expect_422(
        [&] {
            Policy p;
            Fields f(body);
            if (auto name = creating ? std::optional(f.required_string("name", 200)) : f.optional_string("name", 200)) {
                if (name->empty()) throw Error::invalid_field("name", "name must be 1 to 200 characters");
                p.name = *name;
            }
            if (auto scope =
                    creating ? std::optional(f.required_string("scope", 16)) : f.optional_string("scope", 16)) {
                const auto parsed = parse_scope(*scope);
                if (!parsed) throw Error::invalid_field("scope", "scope must be campaign or package");
                p.scope = *parsed;
            }
            if (const json::value* conditions = f.optional_value("conditions"))
                p.conditions = parse_conditions(*conditions, "conditions");
            else if (creating)
                throw Error::invalid_field("conditions", "required");
            if (const json::value* approvers = f.optional_value("approvers"))
                p.approvers = parse_approvers(*approvers, "approvers");
            else if (creating)
                throw Error::invalid_field("approvers", "required");
            if (auto required = f.optional_integer("required_approvals", 1, 10))
                p.required = static_cast<int>(*required);
            if (const json::value* active = f.optional_value("active")) {
                if (!active->is_bool()) throw Error::invalid_field("active", "active must be true or false");
                p.active = active->get_bool();
            }
            f.finish();
            return p;
        },
        "reading a policy body");
}

void check_round_trip(const Policy& p, bool with_approvers) {
    const json::value cj = to_json(p.conditions);
    const auto again = expect_422([&] { return parse_conditions(cj, "conditions"); }, "re-reading stored conditions");
    fuzz::check(again.has_value(), "stored conditions do not parse again", fuzz::serialize(cj));
    fuzz::check(fuzz::serialize(to_json(*again)) == fuzz::serialize(cj), "conditions change through to_json -> parse",
                fuzz::serialize(cj));
    if (!with_approvers) return;
    const json::value aj = to_json(p.approvers);
    const auto approvers = expect_422([&] { return parse_approvers(aj, "approvers"); }, "re-reading stored approvers");
    fuzz::check(approvers.has_value(), "stored approvers do not parse again", fuzz::serialize(aj));
    fuzz::check(fuzz::serialize(to_json(*approvers)) == fuzz::serialize(aj),
                "approvers change through to_json -> parse", fuzz::serialize(aj));
}

void check_matching(const Condition& c, const Subject& s) {
    const bool m = matches(c, s);
    if (c.kind == Condition::Kind::all) {
        bool all = true;
        for (const auto& child : c.children) all = all && matches(child, s);
        fuzz::check(m == all, "an \"all\" node is not the conjunction of its children");
    } else if (c.kind == Condition::Kind::any) {
        bool any = false;
        for (const auto& child : c.children) any = any || matches(child, s);
        fuzz::check(m == any, "an \"any\" node is not the disjunction of its children");
    }
    for (const auto& child : c.children) check_matching(child, s);
}

void check_evaluation(const Policy& p, const Subject& subject, const std::vector<std::string>& strings) {
    std::vector<Policy> policies{p};
    const auto requirements = requirements_for(policies, p.scope, subject, strings.size() % 2 == 0);
    // Members: the approvers' users and a few by role; some users are unknown.
    std::map<std::string, Member> members;
    const Role roles[] = {Role::admin, Role::editor, Role::reviewer, Role::viewer, Role::importer};
    for (std::size_t i = 0; i < strings.size(); ++i) {
        const std::string user = "u" + std::to_string(i % 6);
        if (i % 7 == 3) continue;
        members[user] =
            Member{user, {RoleGrant{i % 3 == 0 ? std::string(all_sandboxes) : subject.sandbox, roles[i % 5]}}};
    }
    for (const auto& u : p.approvers.users) members[u] = Member{u, {}};
    std::vector<Approval> approvals;
    for (std::size_t i = 0; i < strings.size(); ++i)
        approvals.push_back(Approval{i % 4 == 0 && !p.approvers.users.empty()
                                         ? p.approvers.users[i % p.approvers.users.size()]
                                         : "u" + std::to_string(i % 6),
                                     i % 5 == 4 ? "sha256:other" : "sha256:d",
                                     {},
                                     ""});
    const std::set<std::string> excluded{"u1"};
    const MemberLookup lookup = [&](std::string_view user) -> std::optional<Member> {
        const auto it = members.find(std::string(user));
        if (it == members.end()) return std::nullopt;
        return it->second;
    };
    const Evaluation e = evaluate(requirements, subject.sandbox, "sha256:d", approvals, lookup, excluded);
    bool all = !requirements.empty();
    fuzz::check(e.requirements.size() == requirements.size(), "evaluate lost a requirement");
    for (const auto& state : e.requirements) {
        std::set<std::string> distinct(state.counted.begin(), state.counted.end());
        fuzz::check(distinct.size() == state.counted.size(), "an approver counted twice");
        for (const auto& u : state.counted) {
            fuzz::check(!excluded.count(u), "an excluded approver counted", u);
            const auto member = lookup(u);
            fuzz::check(member && eligible(state.requirement.approvers, subject.sandbox, *member),
                        "an ineligible approver counted", u);
            fuzz::check(std::any_of(approvals.begin(), approvals.end(),
                                    [&](const Approval& a) { return a.user == u && a.digest == "sha256:d"; }),
                        "counted without an approval of the digest", u);
        }
        fuzz::check(state.satisfied == (static_cast<int>(state.counted.size()) >= state.requirement.required),
                    "a requirement's satisfied flag disagrees with its count");
        all = all && state.satisfied;
    }
    fuzz::check(e.satisfied == all, "evaluation satisfied disagrees with its requirements");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const auto value = fuzz::parse_json(input);
    if (!value) return 0;

    std::vector<std::string> strings;
    collect_strings(*value, strings);

    // A bare condition tree or approvers object is read too: PATCH sends them alone.
    if (!value->is_object()) {
        (void)expect_422([&] { return parse_conditions(*value, "conditions"); }, "parse_conditions");
        (void)expect_422([&] { return parse_approvers(*value, "approvers"); }, "parse_approvers");
        return 0;
    }
    const json::object& body = value->get_object();
    (void)read_policy(body, false);
    std::optional<Policy> p = read_policy(body, true);
    const bool whole_policy = p.has_value();
    if (!p) {
        // Still exercise the tree readers on the whole body.
        if (auto c = expect_422([&] { return parse_conditions(*value, "conditions"); }, "parse_conditions")) {
            Policy q;
            q.conditions = *c;
            p = q;
        } else {
            return 0;
        }
    }
    check_round_trip(*p, whole_policy);

    Subject subject;
    subject.sandbox = strings.empty() ? "dev" : strings[0];
    subject.type = strings.size() > 1 ? strings[1] : "action";
    subject.name = strings.size() > 2 ? strings[2] : "Welcome";
    subject.requester = strings.size() > 3 ? strings[3] : "ed";
    for (std::size_t i = 4; i < strings.size(); ++i) {
        if (i % 3 == 0)
            subject.channels.push_back(strings[i]);
        else if (i % 3 == 1)
            subject.tags.push_back(strings[i]);
        else
            subject.requester_roles.push_back(strings[i]);
    }
    check_matching(p->conditions, subject);

    std::vector<std::string> patterns;
    collect_patterns(p->conditions, patterns);
    for (const auto& pattern : patterns)
        for (const auto& text : strings) {
            if (pattern.size() * text.size() > 200000) continue;
            fuzz::check(glob_match(pattern, text) == reference_glob(pattern, text),
                        "glob_match disagrees with the reference", "pattern: " + pattern + "\ntext: " + text);
        }
    check_evaluation(*p, subject, strings);
    return 0;
}
