#include "campaigns/in_app_priority.hpp"

#include "campaigns/lifecycle.hpp"
#include "core/crypto.hpp"
#include "core/error.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace ferry {

namespace json = boost::json;

std::string_view to_string(InAppLevel level) {
    switch (level) {
        case InAppLevel::high: return "high";
        case InAppLevel::medium: return "medium";
        case InAppLevel::low: return "low";
    }
    return "medium";
}

std::optional<InAppLevel> parse_in_app_level(std::string_view text) {
    if (text == "high") return InAppLevel::high;
    if (text == "medium") return InAppLevel::medium;
    if (text == "low") return InAppLevel::low;
    return std::nullopt;
}

std::optional<InAppLevel> in_app_level(const CampaignSpec& spec) {
    if (std::find(spec.channels.begin(), spec.channels.end(), Channel::in_app) == spec.channels.end())
        return std::nullopt;
    const auto* content = spec.content.if_contains(to_string(Channel::in_app));
    if (content == nullptr || !content->is_object()) return InAppLevel::medium;
    const auto* priority = content->get_object().if_contains("priority");
    if (priority == nullptr || !priority->is_string()) return InAppLevel::medium;
    return parse_in_app_level(priority->get_string()).value_or(InAppLevel::medium);
}

std::optional<InAppLevel> in_app_order_level(const Campaign& c) {
    if (!is_live(c.status)) return std::nullopt;
    return in_app_level(c.spec);
}

std::string not_in_order_reason(const Campaign& c) {
    if (!is_live(c.status))
        return "campaign " + c.id + " is " + std::string(to_string(c.status)) +
               ": only live (scheduled, active, paused) in-app campaigns have a priority";
    return "campaign " + c.id + " has no in-app channel in its live version";
}

std::vector<InAppEntry> in_app_order(std::vector<InAppEntry> entries) {
    std::erase_if(entries, [](const InAppEntry& e) { return !in_app_order_level(e.campaign); });
    std::sort(entries.begin(), entries.end(), [](const InAppEntry& a, const InAppEntry& b) {
        const InAppLevel la = *in_app_order_level(a.campaign);
        const InAppLevel lb = *in_app_order_level(b.campaign);
        if (la != lb) return la < lb;
        if (a.rank != b.rank) return a.rank < b.rank;
        return a.campaign.id < b.campaign.id;
    });
    return entries;
}

std::string in_app_order_etag(const std::vector<InAppEntry>& order) {
    std::string text;
    for (const InAppEntry& e : order)
        text += e.campaign.id + ':' + std::string(to_string(*in_app_order_level(e.campaign))) + '\n';
    return '"' + crypto::sha256_hex(text).substr(0, 32) + '"';
}

std::vector<std::string> exact_in_app_order(const std::vector<InAppEntry>& order,
                                            const std::vector<std::string>& requested, const SandboxCampaign& lookup) {
    std::map<std::string, InAppLevel, std::less<>> level_of;
    for (const InAppEntry& e : order) level_of.emplace(e.campaign.id, *in_app_order_level(e.campaign));
    const auto at = [](std::size_t i) { return "campaigns[" + std::to_string(i) + "]"; };

    std::set<std::string, std::less<>> seen;
    for (std::size_t i = 0; i < requested.size(); ++i)
        if (!seen.insert(requested[i]).second)
            throw Error::invalid_field(at(i), at(i) + " repeats campaign " + requested[i]);
    for (std::size_t i = 0; i < requested.size(); ++i) {
        if (level_of.contains(requested[i])) continue;
        const auto c = lookup(requested[i]);
        // The same answer whether the id is another sandbox's, another tenant's or nobody's.
        if (!c)
            throw Error(ErrorKind::not_found, "not_found", "campaign " + requested[i] + " not found in this sandbox",
                        {{"field", at(i)}});
        throw Error::invalid_field(at(i), not_in_order_reason(*c));
    }
    json::array missing;
    for (const InAppEntry& e : order)
        if (!seen.contains(e.campaign.id)) missing.emplace_back(e.campaign.id);
    if (!missing.empty()) {
        const std::string count = std::to_string(missing.size());
        throw Error(ErrorKind::unprocessable, "invalid_field",
                    "campaigns must list every live in-app campaign of the sandbox exactly once; " + count +
                        " left out (details.missing)",
                    {{"field", "campaigns"}, {"missing", std::move(missing)}});
    }
    for (std::size_t i = 1; i < requested.size(); ++i) {
        const InAppLevel before = level_of.at(requested[i - 1]);
        const InAppLevel here = level_of.at(requested[i]);
        if (here < before)
            throw Error(ErrorKind::unprocessable, "invalid_field",
                        "campaign " + requested[i] + " is " + std::string(to_string(here)) +
                            " priority and cannot win after " + requested[i - 1] + ", which is " +
                            std::string(to_string(before)) + ": the level is content, changed through a draft version",
                        {{"field", at(i)},
                         {"campaign", requested[i]},
                         {"level", to_string(here)},
                         {"after", requested[i - 1]},
                         {"after_level", to_string(before)}});
    }
    return requested;
}

}  // namespace ferry
