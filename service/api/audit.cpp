#include "api/handlers.hpp"
#include "api/json_io.hpp"
#include "api/wire.hpp"
#include "audit/chain.hpp"

#include <charconv>

namespace ferry::api {

namespace json = boost::json;

namespace {

std::int64_t read_number(const std::optional<std::string>& text, std::string_view name, std::int64_t fallback,
                         std::int64_t min, std::int64_t max) {
    if (!text) return fallback;
    std::int64_t value = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), value);
    if (ec != std::errc() || end != text->data() + text->size() || value < min || value > max)
        throw Error(
            ErrorKind::bad_request, "invalid_query",
            std::string(name) + " must be a whole number from " + std::to_string(min) + " to " + std::to_string(max),
            {{"parameter", name}});
    return value;
}

}  // namespace

http::Response list_audit(Context& ctx) {
    const auto limit = static_cast<std::size_t>(read_number(ctx.query("limit"), "limit", 100, 1, 500));
    const std::int64_t after = read_number(ctx.query("cursor"), "cursor", 0, 0, INT64_MAX);
    auto records = ctx.store().read([&](Tx& tx) { return tx.audit_page(ctx.caller.tenant, after, limit + 1); });
    json::value next_cursor = nullptr;
    if (records.size() > limit) {
        records.pop_back();
        next_cursor = std::to_string(records.back().seq);
    }
    json::array items;
    for (const AuditRecord& r : records) items.push_back(to_json(r));
    return json_response(200, json::object{{"items", std::move(items)}, {"next_cursor", std::move(next_cursor)}});
}

http::Response verify_audit(Context& ctx) {
    audit_chain::Verifier verifier;
    ctx.store().read([&](Tx& tx) {
        std::int64_t after = 0;
        for (;;) {
            const auto page = tx.audit_page(ctx.caller.tenant, after, 1000);
            for (const AuditRecord& r : page)
                if (!verifier.feed(r)) return;
            if (page.size() < 1000) return;
            after = page.back().seq;
        }
    });
    json::value first_broken = nullptr;
    if (const auto& b = verifier.first_break()) first_broken = json::object{{"seq", b->seq}, {"reason", b->reason}};
    return json_response(200, json::object{{"ok", !verifier.first_break().has_value()},
                                           {"checked", verifier.checked()},
                                           {"first_broken", std::move(first_broken)}});
}

}  // namespace ferry::api
