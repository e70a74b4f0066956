// Campaign request bodies through the decoders the campaign handlers use: parse_spec (strict and
// lenient), parse_tags, key_from_name, and the write/read/redact round trips of a spec.
//
// Input: one JSON request body, as POST/PATCH .../campaigns receives it.
//
// Properties (besides "no crash, no sanitizer report"):
//  - every refusal is a ferry::Error with status 422 (anything else would be a 500);
//  - strict accepts only what lenient accepts, with the same result; lenient accepting what strict
//    refuses is only ever an unknown field;
//  - a parsed spec survives spec_to_json -> spec_from_json unchanged, and spec_to_json (what ferry
//    stores and exports) is accepted again by parse_spec(strict): an exported campaign must import;
//  - a redacted spec with its secrets restored from the original is the original;
//  - tags: at most 50, distinct, 1-64 bytes, in first-seen order;
//  - key_from_name gives a valid key.

#include "campaigns/model.hpp"
#include "campaigns/spec.hpp"
#include "core/canonical_json.hpp"
#include "core/error.hpp"
#include "fuzz_support.hpp"

#include <algorithm>
#include <cstdint>

using namespace ferry;
namespace json = boost::json;

namespace {

// Segments "seg_*" exist except "seg_archived*"; a template "tpl_<channel>*" exists for that
// channel only. Anything else is refused, as the storage-backed references would.
class StubReferences final : public SpecReferences {
public:
    std::optional<std::string> check_segment(std::string_view id) override {
        if (!id.starts_with("seg_")) return "no segment " + std::string(id);
        if (id.starts_with("seg_archived")) return "segment " + std::string(id) + " is archived";
        return std::nullopt;
    }
    std::optional<std::string> check_template(std::string_view id, Channel channel) override {
        if (!id.starts_with("tpl_")) return "no template " + std::string(id);
        if (!id.substr(4).starts_with(to_string(channel)))
            return "template " + std::string(id) + " is for another channel";
        return std::nullopt;
    }
};

struct Outcome {
    std::optional<CampaignSpec> spec;
    std::optional<Error> error;
};

Outcome try_parse(const json::object& body, bool strict) {
    StubReferences refs;
    Outcome out;
    try {
        out.spec = parse_spec(body, refs, strict);
    } catch (const Error& e) {
        out.error = e;
    } catch (const std::exception& e) {
        fuzz::fail("parse_spec threw something other than ferry::Error (a 500)", e.what());
    }
    if (out.error) {
        fuzz::check(out.error->status() == 422, "parse_spec refused with a status other than 422",
                    out.error->to_json());
        fuzz::check(!out.error->to_json().empty(), "an error without a body");
    }
    return out;
}

bool is_key(std::string_view s) {
    if (s.empty() || s.size() > 64 || s.front() == '-' || s.back() == '-') return false;
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; });
}

void check_tags(const json::value& value) {
    std::vector<std::string> tags;
    try {
        tags = parse_tags(value, "tags");
    } catch (const Error& e) {
        fuzz::check(e.status() == 422, "parse_tags refused with a status other than 422", e.to_json());
        return;
    } catch (const std::exception& e) {
        fuzz::fail("parse_tags threw something other than ferry::Error", e.what());
    }
    fuzz::check(value.is_array(), "parse_tags accepted a non-array", fuzz::serialize(value));
    fuzz::check(tags.size() <= 50, "more than 50 tags accepted");
    std::vector<std::string> seen;
    for (const auto& item : value.get_array()) {
        const std::string s(item.as_string());
        if (std::find(seen.begin(), seen.end(), s) == seen.end()) seen.push_back(s);
    }
    fuzz::check(seen == tags, "tags are not the distinct input strings in first-seen order", fuzz::serialize(value));
    for (const auto& t : tags) fuzz::check(!t.empty() && t.size() <= 64, "a tag outside 1-64 bytes", t);
}

void check_round_trips(const CampaignSpec& spec, const std::string& input) {
    const json::object stored = spec_to_json(spec);
    const std::string stored_text = canonical_json(stored);
    CampaignSpec back;
    try {
        back = spec_from_json(stored);
    } catch (const std::exception& e) {
        fuzz::fail("spec_from_json cannot read what spec_to_json wrote", stored_text + "\n" + e.what());
    }
    fuzz::check(back == spec, "spec_to_json -> spec_from_json changes the spec",
                "input: " + input + "\nstored: " + stored_text + "\nread back: " + canonical_json(spec_to_json(back)));

    // What ferry stores (and exports in packages) must pass its own validation again.
    const Outcome again = try_parse(stored, true);
    fuzz::check(
        again.spec.has_value(), "parse_spec(strict) refuses the spec_to_json of a spec it accepted",
        "input: " + input + "\nstored: " + stored_text + "\nerror: " + (again.error ? again.error->to_json() : ""));
    fuzz::check(*again.spec == spec, "parse_spec(spec_to_json(spec)) differs from spec", stored_text);

    // A client that sends back the redacted form keeps the stored secrets.
    const json::object redacted = redacted_spec_json(spec);
    CampaignSpec incoming = spec_from_json(redacted);
    bool masked = false;
    for (const auto& [channel, content] : incoming.content)
        if (const auto* secret = content.as_object().if_contains("auth_header");
            secret && secret->as_string() == secret_mask)
            masked = true;
    try {
        restore_secrets(incoming, &spec);
    } catch (const Error& e) {
        fuzz::fail("restore_secrets refuses the redacted form of the spec it came from", e.to_json());
    }
    fuzz::check(incoming == spec, "redact -> restore_secrets does not give the spec back", canonical_json(redacted));
    if (masked) {
        CampaignSpec orphan = spec_from_json(redacted);
        bool refused = false;
        try {
            restore_secrets(orphan, nullptr);
        } catch (const Error& e) {
            refused = e.status() == 422;
        }
        fuzz::check(refused, "a masked secret with nothing to restore was not refused with 422");
    }

    StubReferences refs;
    for (const auto& id : template_ids(spec))
        fuzz::check(id.starts_with("tpl_"), "template_ids names a template the references refused", id);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const auto value = fuzz::parse_json(input);
    if (!value) return 0;
    if (!value->is_object()) {
        check_tags(*value);
        return 0;
    }
    const json::object& body = value->get_object();
    if (const auto* tags = body.if_contains("tags")) check_tags(*tags);
    if (const auto* name = body.if_contains("name"); name && name->is_string()) {
        const std::string key = key_from_name(name->get_string());
        fuzz::check(is_key(key), "key_from_name gives an invalid key", std::string(name->get_string()) + " -> " + key);
    }

    const Outcome strict = try_parse(body, true);
    const Outcome lenient = try_parse(body, false);
    if (strict.spec) {
        fuzz::check(lenient.spec.has_value(), "strict parse accepts what lenient refuses", input);
        fuzz::check(*strict.spec == *lenient.spec, "strict and lenient parses differ", input);
    } else if (lenient.spec) {
        fuzz::check(strict.error->code() == "unknown_field",
                    "only an unknown field may make strict refuse what lenient accepts", strict.error->to_json());
    }
    if (lenient.spec) check_round_trips(*lenient.spec, input);
    return 0;
}
