// Import request bodies (POST .../imports/plan and POST .../imports without a plan digest)
// through api::read_import_request, and the options digest an apply compares with its plan's
// (workflows::options_digest).
//
// Input: one JSON request body.
//
// Properties:
//  - refusals are ferry::Error 422;
//  - an accepted request has a package of 1-64 bytes, a version >= 1, overrides keyed
//    "<campaign|segment|template>/<key>", and keeps the body as received;
//  - options_digest is "sha256:<64 hex>", does not depend on the order of the fields, and
//    changes when a binding's value changes (values are compared by digest, never stored).

#include "api/imports.hpp"
#include "core/canonical_json.hpp"
#include "core/error.hpp"
#include "fuzz_support.hpp"

#include <cstdint>

using namespace ferry;
namespace json = boost::json;

namespace {

std::optional<workflows::ImportRequest> read(const json::object& body) {
    try {
        return api::read_import_request(body);
    } catch (const Error& e) {
        fuzz::check(e.status() == 422, "read_import_request refused with a status other than 422", e.to_json());
    } catch (const std::exception& e) {
        fuzz::fail("read_import_request threw something other than ferry::Error (a 500)", e.what());
    }
    return std::nullopt;
}

bool is_digest(const std::string& d) {
    if (d.size() != 7 + 64 || !d.starts_with("sha256:")) return false;
    for (std::size_t i = 7; i < d.size(); ++i)
        if (!((d[i] >= '0' && d[i] <= '9') || (d[i] >= 'a' && d[i] <= 'f'))) return false;
    return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const auto value = fuzz::parse_json(input);
    if (!value || !value->is_object()) return 0;
    const json::object& body = value->get_object();
    const auto request = read(body);
    if (!request) return 0;

    fuzz::check(!request->package.empty() || body.at("package").as_string().empty(), "package lost");
    fuzz::check(request->package.size() <= 64, "package longer than 64 accepted");
    fuzz::check(request->version >= 1, "version below 1 accepted");
    fuzz::check(canonical_json(request->body) == canonical_json(body), "the request body was not kept as received");
    for (const auto& [key, policy] : request->options.overrides) {
        const auto slash = key.find('/');
        const std::string kind = key.substr(0, slash);
        fuzz::check(slash != std::string::npos && (kind == "campaign" || kind == "segment" || kind == "template"),
                    "an override key that is not <kind>/<key>", key);
    }

    const std::string digest = workflows::options_digest(request->options);
    fuzz::check(is_digest(digest), "options_digest is not sha256:<hex>", digest);

    // The same fields in reverse order: the same request, the same digest.
    json::object reversed;
    std::vector<std::pair<std::string, json::value>> fields;
    for (const auto& [k, v] : body) fields.emplace_back(std::string(k), v);
    for (auto it = fields.rbegin(); it != fields.rend(); ++it) reversed[it->first] = it->second;
    const auto again = read(reversed);
    fuzz::check(again.has_value(), "the same fields in another order are refused", input);
    fuzz::check(workflows::options_digest(again->options) == digest,
                "options_digest depends on the order of the fields", input);

    if (!request->options.bindings.empty()) {
        packager::PlanOptions changed = request->options;
        changed.bindings.begin()->second += "x";
        fuzz::check(workflows::options_digest(changed) != digest, "options_digest ignores a binding's value", input);
    }
    return 0;
}
