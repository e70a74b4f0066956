// The pure approval rules: conditions, requirements and evaluation.

#include "approval/policy.hpp"
#include "core/error.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <cctype>
#include <string>
#include <string_view>
#include <vector>

using namespace ferry;
using namespace ferry::approval;

namespace {

Condition cond(const char* text) { return parse_conditions(boost::json::parse(text), "conditions"); }

Subject subject() {
    Subject s;
    s.sandbox = "prod";
    s.type = "action";
    s.channels = {"email", "sms"};
    s.tags = {"promo"};
    s.name = "Black Friday launch";
    s.requester = "ed";
    s.requester_roles = {"editor"};
    return s;
}

Member member(std::string user, std::vector<RoleGrant> roles) { return Member{std::move(user), std::move(roles)}; }

}  // namespace

TEST(Conditions, LeavesAndNesting) {
    const Subject s = subject();
    EXPECT_TRUE(matches(cond(R"({"all":[]})"), s));
    EXPECT_FALSE(matches(cond(R"({"any":[]})"), s));
    EXPECT_TRUE(matches(cond(R"({"field":"sandbox","op":"equals","value":"prod"})"), s));
    EXPECT_TRUE(matches(cond(R"({"field":"channel","op":"in","value":["push","sms"]})"), s));
    EXPECT_FALSE(matches(cond(R"({"field":"tag","op":"equals","value":"vip"})"), s));
    EXPECT_TRUE(matches(cond(R"({"field":"name","op":"matches","value":"*FRIDAY*"})"), s));
    EXPECT_TRUE(matches(cond(R"({"field":"requester_role","op":"equals","value":"editor"})"), s));
    EXPECT_TRUE(matches(
        cond(
            R"({"any":[{"field":"tag","op":"equals","value":"vip"},{"all":[{"field":"type","op":"equals","value":"action"},{"field":"requester","op":"in","value":["ed","al"]}]}]})"),
        s));
    EXPECT_FALSE(matches(
        cond(
            R"({"all":[{"field":"sandbox","op":"equals","value":"prod"},{"field":"channel","op":"equals","value":"push"}]})"),
        s));
}

TEST(Conditions, RoundTripAndErrors) {
    const char* text =
        R"({"any":[{"field":"tag","op":"in","value":["a","b"]},{"all":[{"field":"name","op":"matches","value":"x*"}]}]})";
    EXPECT_EQ(to_json(cond(text)), boost::json::parse(text));
    auto field_of = [](const char* bad) {
        try {
            cond(bad);
        } catch (const Error& e) {
            return std::string(e.details().at("field").as_string());
        }
        return std::string("no error");
    };
    EXPECT_EQ(field_of(R"({"all":[{"field":"x","op":"equals","value":"y"}]})"), "conditions.all[0].field");
    EXPECT_EQ(field_of(R"({"all":{}})"), "conditions.all");
    EXPECT_EQ(field_of(R"({"field":"tag","op":"in","value":[]})"), "conditions.value");
    std::string deep = R"({"field":"tag","op":"equals","value":"x"})";
    for (int i = 0; i < 9; ++i) deep = R"({"all":[)" + deep + "]}";
    EXPECT_NE(field_of(deep.c_str()), "no error");
}

TEST(Conditions, Glob) {
    EXPECT_TRUE(glob_match("*", ""));
    EXPECT_TRUE(glob_match("promo-??", "PROMO-42"));
    EXPECT_FALSE(glob_match("promo-??", "promo-4"));
    EXPECT_TRUE(glob_match("*a*b*c", "xxaYYbZZc"));
    EXPECT_FALSE(glob_match("*a*b*c", "xxaYYcZZb"));
}

// A '*' or '?' in the text is data: it never stands in for the pattern's wildcard. (The matcher
// once compared the pattern's '*' with a '*' in the text literally first and never backtracked, so
// a campaign named "Promo*X" escaped a policy on "Promo*": the inputs the fuzzer found.)
TEST(Conditions, GlobWildcardsInTheTextAreOrdinaryCharacters) {
    EXPECT_TRUE(glob_match("Promo*", "Promo X"));
    EXPECT_TRUE(glob_match("Promo*", "Promo*X"));
    EXPECT_TRUE(glob_match("Promo*", "promo*"));
    EXPECT_TRUE(glob_match("*", "*x"));
    EXPECT_TRUE(glob_match("*", "**"));
    EXPECT_TRUE(glob_match("a*b", "a*xb"));
    EXPECT_TRUE(glob_match("a?c", "a*c"));
    EXPECT_TRUE(glob_match("*?", "?"));
    EXPECT_TRUE(glob_match("?*?", "**"));
    EXPECT_FALSE(glob_match("Promo?", "Promo"));
    EXPECT_FALSE(glob_match("a*b", "a*"));
    EXPECT_FALSE(glob_match("x*", "*x"));
}

namespace {

// The definition, by dynamic programming: p[0..i) matches t[0..j).
bool glob_reference(std::string_view p, std::string_view t) {
    auto lower = [](char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); };
    std::vector<std::vector<bool>> m(p.size() + 1, std::vector<bool>(t.size() + 1, false));
    m[0][0] = true;
    for (std::size_t i = 1; i <= p.size(); ++i) {
        m[i][0] = p[i - 1] == '*' && m[i - 1][0];
        for (std::size_t j = 1; j <= t.size(); ++j)
            m[i][j] = p[i - 1] == '*' ? (m[i - 1][j] || m[i][j - 1])
                                      : (p[i - 1] == '?' || lower(p[i - 1]) == lower(t[j - 1])) && m[i - 1][j - 1];
    }
    return m[p.size()][t.size()];
}

void all_strings(std::string_view alphabet, std::size_t max_length, std::vector<std::string>& out) {
    out = {""};
    for (std::size_t begin = 0, length = 1; length <= max_length; ++length) {
        const std::size_t end = out.size();
        for (std::size_t i = begin; i < end; ++i)
            for (const char c : alphabet) out.push_back(out[i] + c);
        begin = end;
    }
}

}  // namespace

// Every pattern and text of up to 4 characters over {a, B, *, ?} (the wildcards on both sides, and
// a case-folded letter) gives the definition's answer.
TEST(Conditions, GlobAgreesWithTheDefinitionOnEverySmallInput) {
    std::vector<std::string> strings;
    all_strings("aB*?", 4, strings);
    int compared = 0;
    for (const auto& pattern : strings)
        for (const auto& text : strings) {
            ASSERT_EQ(glob_match(pattern, text), glob_reference(pattern, text))
                << "pattern " << pattern << ", text " << text;
            ++compared;
        }
    EXPECT_EQ(compared, 341 * 341);
}

TEST(Requirements, EveryMatchingActivePolicyAndTheSandboxFallback) {
    Policy email{"acme",
                 "p1",
                 "email",
                 Scope::campaign,
                 cond(R"({"field":"channel","op":"equals","value":"email"})"),
                 Approvers{Role::reviewer, {}},
                 2,
                 true,
                 "",
                 "",
                 {},
                 {},
                 1};
    Policy vip = email;
    vip.id = "p2";
    vip.conditions = cond(R"({"field":"tag","op":"equals","value":"promo"})");
    Policy off = email;
    off.id = "p3";
    off.active = false;
    Policy package = email;
    package.id = "p4";
    package.scope = Scope::package;
    const auto reqs = requirements_for({email, vip, off, package}, Scope::campaign, subject(), false);
    ASSERT_EQ(reqs.size(), 2U);
    EXPECT_EQ(reqs[0].source, "p1");
    EXPECT_EQ(reqs[1].source, "p2");
    EXPECT_TRUE(requirements_for({off}, Scope::campaign, subject(), false).empty());
    const auto fallback = requirements_for({off}, Scope::campaign, subject(), true);
    ASSERT_EQ(fallback.size(), 1U);
    EXPECT_EQ(fallback[0].source, "sandbox");
}

TEST(Evaluation, DistinctEligibleApproversOfTheExactDigest) {
    const std::vector<Requirement> reqs{{"p1", "two reviewers", Approvers{Role::reviewer, {}}, 2},
                                        {"p2", "roy", Approvers{std::nullopt, {"roy"}}, 1}};
    std::map<std::string, Member> people{{"rita", member("rita", {{"prod", Role::reviewer}})},
                                         {"roy", member("roy", {{"*", Role::reviewer}})},
                                         {"dev_rev", member("dev_rev", {{"dev", Role::reviewer}})},
                                         {"ed", member("ed", {{"prod", Role::reviewer}})}};
    const MemberLookup lookup = [&](std::string_view u) -> std::optional<Member> {
        auto it = people.find(std::string(u));
        if (it == people.end()) return std::nullopt;
        return it->second;
    };
    auto approval = [](std::string user, std::string digest = "d1") {
        return Approval{std::move(user), std::move(digest), {}, ""};
    };

    // rita + roy: both requirements met.
    EXPECT_TRUE(evaluate(reqs, "prod", "d1", {approval("rita"), approval("roy")}, lookup, {"ed"}).satisfied);
    // The same person twice counts once.
    EXPECT_FALSE(evaluate(reqs, "prod", "d1", {approval("roy"), approval("roy")}, lookup, {"ed"}).satisfied);
    // An approval of other content does not count.
    EXPECT_FALSE(evaluate(reqs, "prod", "d1", {approval("rita", "d0"), approval("roy")}, lookup, {"ed"}).satisfied);
    // The submitter or last editor never counts, even when otherwise eligible.
    EXPECT_FALSE(evaluate(reqs, "prod", "d1", {approval("ed"), approval("roy")}, lookup, {"ed"}).satisfied);
    // A reviewer of another sandbox is not eligible here.
    EXPECT_FALSE(evaluate(reqs, "prod", "d1", {approval("dev_rev"), approval("roy")}, lookup, {"ed"}).satisfied);
    // Eligibility is judged now: rita lost her role, or was deleted.
    people["rita"].roles = {{"prod", Role::viewer}};
    EXPECT_FALSE(evaluate(reqs, "prod", "d1", {approval("rita"), approval("roy")}, lookup, {"ed"}).satisfied);
    people.erase("rita");
    EXPECT_FALSE(evaluate(reqs, "prod", "d1", {approval("rita"), approval("roy")}, lookup, {"ed"}).satisfied);
    // Nothing required is not "satisfied": a review completes only through requirements.
    EXPECT_FALSE(evaluate({}, "prod", "d1", {approval("roy")}, lookup, {}).satisfied);
}

TEST(Evaluation, AdministratorsAreEligibleEverywhere) {
    const Approvers named{std::nullopt, {"roy"}};
    EXPECT_TRUE(eligible(named, "prod", member("boss", {{"*", Role::admin}})));
    EXPECT_TRUE(eligible(named, "prod", member("roy", {})));
    EXPECT_FALSE(eligible(named, "prod", member("rita", {{"prod", Role::reviewer}})));
}
