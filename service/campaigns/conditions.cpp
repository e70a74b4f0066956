#include "campaigns/conditions.hpp"

#include "campaigns/lifecycle.hpp"

namespace ferry {

namespace {

void check_references(const CampaignSpec& spec, Timestamp now, SpecReferences& refs, std::vector<Alert>& out) {
    if (spec.segment)
        if (auto problem = refs.check_segment(*spec.segment))
            out.push_back(Alert{std::string(alert_configuration), "audience: " + *problem, now});
    for (const Channel channel : spec.channels) {
        const auto* content = spec.content.if_contains(to_string(channel));
        if (!content || !content->is_object()) continue;
        const auto* id = content->get_object().if_contains("template");
        if (!id || !id->is_string()) continue;
        if (auto problem = refs.check_template(id->get_string(), channel))
            out.push_back(Alert{std::string(alert_configuration),
                                std::string(to_string(channel)) + " content: " + *problem, now});
    }
}

}  // namespace

std::vector<Alert> condition_alerts(const Campaign& c, Timestamp now, SpecReferences& refs) {
    std::vector<Alert> out;
    if (is_live(c.status)) check_references(c.spec, now, refs, out);
    if (c.status == CampaignStatus::in_review && c.spec.schedule.start && *c.spec.schedule.start <= now)
        out.push_back(Alert{std::string(alert_start_passed),
                            "its start (" + format_rfc3339(*c.spec.schedule.start) +
                                ") passed while it waited in review: once approved it goes live at once",
                            now});
    if (!c.provenance.is_null())
        if (const auto* webhook = c.spec.content.if_contains("webhook"); webhook && webhook->is_object())
            if (const auto* secret = webhook->get_object().if_contains("auth_header");
                secret && secret->is_string() && secret->get_string().empty())
                out.push_back(Alert{std::string(alert_binding_empty),
                                    "webhook content: the import left auth_header empty; set it before it sends", now});
    return out;
}

}  // namespace ferry
