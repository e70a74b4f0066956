#include "campaigns/model.hpp"

#include "core/error.hpp"

#include <array>
#include <utility>

namespace ferry {

namespace {

template <class E, std::size_t N>
using Names = std::array<std::pair<E, std::string_view>, N>;

constexpr Names<CampaignType, 3> type_names{{
    {CampaignType::action, "action"},
    {CampaignType::api_triggered, "api_triggered"},
    {CampaignType::orchestrated, "orchestrated"},
}};

constexpr Names<Channel, 5> channel_names{{
    {Channel::email, "email"},
    {Channel::sms, "sms"},
    {Channel::push, "push"},
    {Channel::in_app, "in_app"},
    {Channel::webhook, "webhook"},
}};

constexpr Names<CampaignStatus, 11> status_names{{
    {CampaignStatus::draft, "draft"},
    {CampaignStatus::in_review, "in_review"},
    {CampaignStatus::scheduled, "scheduled"},
    {CampaignStatus::active, "active"},
    {CampaignStatus::paused, "paused"},
    {CampaignStatus::stopped, "stopped"},
    {CampaignStatus::completed, "completed"},
    {CampaignStatus::failed, "failed"},
    {CampaignStatus::archived, "archived"},
    {CampaignStatus::publishing, "publishing"},
    {CampaignStatus::closed, "closed"},
}};

template <class E, std::size_t N>
std::string_view name_of(const Names<E, N>& names, E value) {
    for (const auto& [v, n] : names)
        if (v == value) return n;
    return "unknown";
}

template <class E, std::size_t N>
std::optional<E> value_of(const Names<E, N>& names, std::string_view text) {
    for (const auto& [v, n] : names)
        if (n == text) return v;
    return std::nullopt;
}

// Two-byte UTF-8 Latin letters folded to ASCII, enough for French, German, Spanish names.
std::string_view fold_latin(unsigned char lead, unsigned char next) {
    if (lead != 0xC3) return {};
    switch (next) {
        case 0x80:
        case 0x81:
        case 0x82:
        case 0x83:
        case 0x84:
        case 0x85:
        case 0xA0:
        case 0xA1:
        case 0xA2:
        case 0xA3:
        case 0xA4:
        case 0xA5: return "a";
        case 0x87:
        case 0xA7: return "c";
        case 0x88:
        case 0x89:
        case 0x8A:
        case 0x8B:
        case 0xA8:
        case 0xA9:
        case 0xAA:
        case 0xAB: return "e";
        case 0x8C:
        case 0x8D:
        case 0x8E:
        case 0x8F:
        case 0xAC:
        case 0xAD:
        case 0xAE:
        case 0xAF: return "i";
        case 0x91:
        case 0xB1: return "n";
        case 0x92:
        case 0x93:
        case 0x94:
        case 0x95:
        case 0x96:
        case 0xB2:
        case 0xB3:
        case 0xB4:
        case 0xB5:
        case 0xB6: return "o";
        case 0x99:
        case 0x9A:
        case 0x9B:
        case 0x9C:
        case 0xB9:
        case 0xBA:
        case 0xBB:
        case 0xBC: return "u";
        case 0x9F: return "ss";
        case 0xBD:
        case 0xBF: return "y";
        case 0x86:
        case 0xA6: return "ae";
        default: return {};
    }
}

}  // namespace

std::string_view to_string(CampaignType t) { return name_of(type_names, t); }
std::string_view to_string(Channel c) { return name_of(channel_names, c); }
std::string_view to_string(CampaignStatus s) { return name_of(status_names, s); }
std::optional<CampaignType> parse_campaign_type(std::string_view s) { return value_of(type_names, s); }
std::optional<Channel> parse_channel(std::string_view s) { return value_of(channel_names, s); }
std::optional<CampaignStatus> parse_campaign_status(std::string_view s) { return value_of(status_names, s); }

std::string key_from_name(std::string_view name) {
    std::string key;
    bool pending_dash = false;
    auto append = [&](std::string_view piece) {
        if (pending_dash && !key.empty()) key.push_back('-');
        pending_dash = false;
        key += piece;
    };
    for (std::size_t i = 0; i < name.size(); ++i) {
        const auto c = static_cast<unsigned char>(name[i]);
        if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
            append(std::string(1, static_cast<char>(c)));
        } else if (c >= 'A' && c <= 'Z') {
            append(std::string(1, static_cast<char>(c - 'A' + 'a')));
        } else if (i + 1 < name.size() && !fold_latin(c, static_cast<unsigned char>(name[i + 1])).empty()) {
            append(fold_latin(c, static_cast<unsigned char>(name[i + 1])));
            ++i;
        } else {
            pending_dash = true;
        }
    }
    if (key.size() > 64) key.resize(64);
    while (!key.empty() && key.back() == '-') key.pop_back();
    return key.empty() ? "item" : key;
}

}  // namespace ferry

namespace ferry {

namespace {

bool is_key(std::string_view s) {
    if (s.empty() || s.size() > 64 || s.front() == '-' || s.back() == '-') return false;
    for (const char c : s)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
    return true;
}

}  // namespace

std::string choose_key(const std::optional<std::string>& requested, std::string_view name,
                       const std::function<bool(std::string_view)>& taken) {
    if (requested) {
        if (!is_key(*requested))
            throw Error::invalid_field(
                "key", "key must be 1-64 of a-z, 0-9 and '-', starting and ending with a letter or digit");
        if (taken(*requested))
            throw Error::conflict("already_exists", "key " + *requested + " is already used in this sandbox");
        return *requested;
    }
    const std::string base = key_from_name(name);
    if (!taken(base)) return base;
    for (int n = 2; n < 10000; ++n) {
        const std::string suffix = "-" + std::to_string(n);
        std::string candidate = base.substr(0, 64 - suffix.size());
        while (!candidate.empty() && candidate.back() == '-') candidate.pop_back();
        candidate += suffix;
        if (!taken(candidate)) return candidate;
    }
    throw Error::conflict("already_exists", "no free key derived from this name; give one");
}

}  // namespace ferry
