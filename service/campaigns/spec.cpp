#include "campaigns/spec.hpp"

#include "campaigns/in_app_priority.hpp"
#include "core/error.hpp"
#include "core/fields.hpp"
#include "core/utf8.hpp"

#include <algorithm>

namespace ferry {

namespace json = boost::json;

namespace {

constexpr std::size_t max_body = 256 * 1024;

Schedule parse_schedule(const json::object& input) {
    Fields f(input, "schedule");
    Schedule s;
    if (auto start = f.optional_nullable_string("start", 64); start && *start) {
        s.start = parse_rfc3339(**start);
        if (!s.start) throw Error::invalid_field("schedule.start", "schedule.start must be an RFC 3339 date-time");
    }
    if (auto end = f.optional_nullable_string("end", 64); end && *end) {
        s.end = parse_rfc3339(**end);
        if (!s.end) throw Error::invalid_field("schedule.end", "schedule.end must be an RFC 3339 date-time");
    }
    if (const json::object* rec = f.optional_object("recurrence")) {
        Fields r(*rec, "schedule.recurrence");
        Recurrence recurrence;
        recurrence.frequency = r.required_string("frequency", 16);
        if (recurrence.frequency != "daily" && recurrence.frequency != "weekly" && recurrence.frequency != "monthly")
            throw Error::invalid_field("schedule.recurrence.frequency", "frequency must be daily, weekly or monthly");
        recurrence.interval = static_cast<int>(r.optional_integer("interval", 1, 365).value_or(1));
        r.finish();
        s.recurrence = recurrence;
    }
    f.finish();
    if (s.start && s.end && *s.end <= *s.start)
        throw Error::invalid_field("schedule.end", "schedule.end must be after schedule.start");
    return s;
}

std::vector<Channel> parse_channels(const json::array& array) {
    if (array.empty()) throw Error::invalid_field("channels", "channels must list at least one channel");
    std::vector<Channel> out;
    for (std::size_t i = 0; i < array.size(); ++i) {
        const std::string path = "channels[" + std::to_string(i) + "]";
        const auto channel = array[i].is_string() ? parse_channel(array[i].get_string()) : std::nullopt;
        if (!channel) throw Error::invalid_field(path, path + " must be one of email, sms, push, in_app, webhook");
        if (std::find(out.begin(), out.end(), *channel) != out.end())
            throw Error::invalid_field(path, path + " repeats " + std::string(to_string(*channel)));
        out.push_back(*channel);
    }
    return out;
}

// Bodies are long text (newlines and tabs allowed); subjects, titles and headers are one line.
enum class Lines { one, many };

void require_text(Fields& f, std::string_view key, std::size_t max, json::object& out, Lines lines = Lines::one) {
    const std::string value = lines == Lines::many ? f.required_text(key, max) : f.required_string(key, max);
    if (value.empty()) throw Error::invalid_field(f.path_of(key), f.path_of(key) + " must not be empty");
    out[key] = value;
}

void optional_text(Fields& f, std::string_view key, std::size_t max, json::object& out, Lines lines = Lines::one) {
    if (auto value = lines == Lines::many ? f.optional_text(key, max) : f.optional_string(key, max)) out[key] = *value;
}

// An in-app message's priority level, inline or with a template: stored only when it is not the
// default (medium), so that saying "medium" or nothing is the same content with the same digest.
void in_app_priority(Fields& f, json::object& out) {
    const auto text = f.optional_string("priority", 16);
    if (!text) return;
    const auto level = parse_in_app_level(*text);
    if (!level)
        throw Error::invalid_field(f.path_of("priority"), f.path_of("priority") + " must be high, medium or low");
    if (*level != InAppLevel::medium) out["priority"] = *text;
}

// One channel's content: a template reference, or the inline fields of that channel.
json::object parse_channel_content(const json::value& value, Channel channel, SpecReferences& refs) {
    const std::string path = "content." + std::string(to_string(channel));
    if (!value.is_object()) throw Error::invalid_field(path, path + " must be an object");
    Fields f(value.get_object(), path);
    json::object out;
    if (value.get_object().contains("template")) {
        const std::string id = f.required_string("template", 64);
        out["template"] = id;
        // An in-app message's priority is the campaign's, whichever template it shows.
        if (channel == Channel::in_app) in_app_priority(f, out);
        f.finish();
        if (auto problem = refs.check_template(id, channel)) throw Error::invalid_field(path + ".template", *problem);
        return out;
    }
    switch (channel) {
        case Channel::email:
            require_text(f, "subject", 998, out);
            require_text(f, "body", max_body, out, Lines::many);
            break;
        case Channel::sms: require_text(f, "body", 1600, out, Lines::many); break;
        case Channel::push:
            optional_text(f, "title", 200, out);
            require_text(f, "body", 4000, out, Lines::many);
            break;
        case Channel::in_app:
            require_text(f, "body", max_body, out, Lines::many);
            in_app_priority(f, out);
            break;
        case Channel::webhook: {
            const std::string url = f.required_string("url", 2048);
            if (url.rfind("https://", 0) != 0 && url.rfind("http://", 0) != 0)
                throw Error::invalid_field(path + ".url", path + ".url must be an http(s) URL");
            out["url"] = url;
            if (auto method = f.optional_string("method", 8)) {
                if (*method != "POST" && *method != "PUT")
                    throw Error::invalid_field(path + ".method", path + ".method must be POST or PUT");
                out["method"] = *method;
            }
            optional_text(f, "body", max_body, out, Lines::many);
            // A secret: stored, but never exported in a package (a binding placeholder goes instead).
            optional_text(f, "auth_header", 4096, out);
            break;
        }
    }
    f.finish();
    return out;
}

json::object parse_content(const json::object& content, const std::vector<Channel>& channels, SpecReferences& refs) {
    json::object out;
    for (const auto& [key, value] : content) {
        const auto channel = parse_channel(key);
        if (!channel || std::find(channels.begin(), channels.end(), *channel) == channels.end())
            throw Error::invalid_field("content." + std::string(key),
                                       "content." + std::string(key) + " is not one of the campaign's channels");
    }
    for (const Channel c : channels) {
        const json::value* value = content.if_contains(to_string(c));
        if (value == nullptr)
            throw Error::invalid_field("content." + std::string(to_string(c)),
                                       "content is missing for channel " + std::string(to_string(c)));
        out[to_string(c)] = parse_channel_content(*value, c, refs);
    }
    return out;
}

json::value time_or_null(const std::optional<Timestamp>& t) {
    if (!t) return nullptr;
    return json::value(format_rfc3339(*t));
}

}  // namespace

CampaignSpec parse_spec(const json::object& input, SpecReferences& refs, bool strict) {
    Fields f(input);
    CampaignSpec spec;
    spec.name = f.required_string("name", 200);
    if (spec.name.empty()) throw Error::invalid_field("name", "name must be 1 to 200 characters");
    spec.description = f.optional_text("description", 2000).value_or("");
    spec.channels = parse_channels(f.required_array("channels"));
    if (const json::object* schedule = f.optional_object("schedule")) spec.schedule = parse_schedule(*schedule);
    if (const json::object* audience = f.optional_object("audience")) {
        Fields a(*audience, "audience");
        spec.segment = a.required_string("segment", 64);
        a.finish();
        if (auto problem = refs.check_segment(*spec.segment)) throw Error::invalid_field("audience.segment", *problem);
    }
    const json::object* content = f.optional_object("content");
    if (content == nullptr) throw Error::invalid_field("content", "content is required, one entry per channel");
    spec.content = parse_content(*content, spec.channels, refs);
    if (strict) f.finish();
    return spec;
}

json::object spec_to_json(const CampaignSpec& spec) {
    json::array channels;
    for (const Channel c : spec.channels) channels.emplace_back(to_string(c));
    json::value recurrence = nullptr;
    if (spec.schedule.recurrence)
        recurrence = json::object{{"frequency", spec.schedule.recurrence->frequency},
                                  {"interval", spec.schedule.recurrence->interval}};
    json::value audience = nullptr;
    if (spec.segment) audience = json::object{{"segment", *spec.segment}};
    return {{"name", spec.name},
            {"description", spec.description},
            {"channels", std::move(channels)},
            {"schedule", json::object{{"start", time_or_null(spec.schedule.start)},
                                      {"end", time_or_null(spec.schedule.end)},
                                      {"recurrence", std::move(recurrence)}}},
            {"audience", std::move(audience)},
            {"content", spec.content}};
}

CampaignSpec spec_from_json(const json::object& stored) {
    CampaignSpec spec;
    spec.name = std::string(stored.at("name").as_string());
    spec.description = std::string(stored.at("description").as_string());
    for (const auto& c : stored.at("channels").as_array())
        if (auto channel = parse_channel(c.as_string())) spec.channels.push_back(*channel);
    const auto& schedule = stored.at("schedule").as_object();
    if (schedule.at("start").is_string()) spec.schedule.start = parse_rfc3339(schedule.at("start").as_string());
    if (schedule.at("end").is_string()) spec.schedule.end = parse_rfc3339(schedule.at("end").as_string());
    if (schedule.at("recurrence").is_object()) {
        const auto& r = schedule.at("recurrence").as_object();
        spec.schedule.recurrence =
            Recurrence{std::string(r.at("frequency").as_string()), static_cast<int>(r.at("interval").as_int64())};
    }
    if (stored.at("audience").is_object())
        spec.segment = std::string(stored.at("audience").as_object().at("segment").as_string());
    spec.content = stored.at("content").as_object();
    return spec;
}

std::vector<std::string> parse_tags(const json::value& value, std::string_view path) {
    if (!value.is_array()) throw Error::invalid_field(path, std::string(path) + " must be an array of strings");
    const auto& array = value.get_array();
    if (array.size() > 50) throw Error::invalid_field(path, std::string(path) + " may hold at most 50 tags");
    std::vector<std::string> tags;
    for (std::size_t i = 0; i < array.size(); ++i) {
        const std::string item_path = std::string(path) + "[" + std::to_string(i) + "]";
        if (!array[i].is_string() || array[i].get_string().empty() || array[i].get_string().size() > 64)
            throw Error::invalid_field(item_path, item_path + " must be a string of 1 to 64 characters");
        std::string tag(array[i].get_string());
        if (const auto bad = forbidden_display_character(tag, false))
            throw Error::invalid_field(item_path, item_path + " must not contain " + *bad);
        if (std::find(tags.begin(), tags.end(), tag) == tags.end()) tags.push_back(std::move(tag));
    }
    return tags;
}

std::vector<std::string> template_ids(const CampaignSpec& spec) {
    std::vector<std::string> ids;
    for (const auto& [channel, content] : spec.content)
        if (const auto* t = content.as_object().if_contains("template")) ids.emplace_back(t->as_string());
    return ids;
}

}  // namespace ferry

namespace ferry {

json::object redacted_spec_json(const CampaignSpec& spec) {
    json::object out = spec_to_json(spec);
    for (auto& [channel, content] : out.at("content").as_object())
        if (auto* secret = content.as_object().if_contains("auth_header")) *secret = secret_mask;
    return out;
}

void restore_secrets(CampaignSpec& incoming, const CampaignSpec* previous) {
    for (auto& [channel, content] : incoming.content) {
        auto* secret = content.as_object().if_contains("auth_header");
        if (secret == nullptr || secret->as_string() != secret_mask) continue;
        const json::value* old = nullptr;
        if (previous != nullptr)
            if (const auto* prev_content = previous->content.if_contains(channel))
                old = prev_content->as_object().if_contains("auth_header");
        if (old == nullptr)
            throw Error::invalid_field(
                "content." + std::string(channel) + ".auth_header",
                "auth_header holds the mask, but there is no stored secret to keep: send the secret");
        *secret = *old;
    }
}

}  // namespace ferry
