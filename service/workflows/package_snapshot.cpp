#include "workflows/package_snapshot.hpp"

#include "campaigns/spec.hpp"
#include "core/error.hpp"
#include "packager/canonical.hpp"

#include <algorithm>

namespace ferry::workflows {

namespace json = boost::json;

std::string binding_name(const std::string& campaign_key, const std::string& channel, const std::string& field) {
    return campaign_key + "." + channel + "." + field;
}

json::object campaign_object(const Campaign& c, const CampaignSpec& spec, const KeyOf& segment_key,
                             const KeyOf& template_key) {
    json::object out_spec = spec_to_json(spec);
    // References become keys: the ids of one sandbox mean nothing in another.
    if (spec.segment) out_spec["audience"] = json::object{{"segment", segment_key(*spec.segment)}};
    for (auto& [channel, content] : out_spec["content"].as_object()) {
        auto& fields = content.as_object();
        if (const auto* t = fields.if_contains("template"))
            fields["template"] = template_key(std::string(t->as_string()));
        // Secrets never leave the sandbox: the target binds its own value.
        if (fields.contains("auth_header"))
            fields["auth_header"] =
                json::object{{"$binding", binding_name(c.key, std::string(channel), "auth_header")}};
    }
    json::array tags;
    for (const auto& t : c.tags) tags.emplace_back(t);
    return json::object{{"kind", "campaign"},
                        {"key", c.key},
                        {"type", to_string(c.type)},
                        {"tags", std::move(tags)},
                        {"status", to_string(c.status)},
                        {"live_version", c.live_version},
                        {"spec", std::move(out_spec)}};
}

json::object segment_object(const Segment& s) {
    return json::object{
        {"kind", "segment"}, {"key", s.key}, {"name", s.name}, {"description", s.description}, {"rule", s.rule}};
}

json::object template_object(const Template& t) {
    json::value subject = nullptr;
    if (t.subject) subject = json::value(*t.subject);
    return json::object{{"kind", "template"},
                        {"key", t.key},
                        {"name", t.name},
                        {"channel", to_string(t.channel)},
                        {"subject", std::move(subject)},
                        {"body", t.body}};
}

std::vector<Campaign> root_campaigns(Tx& tx, const packager::Package& package) {
    std::vector<Campaign> roots;
    if (package.kind == packager::PackageKind::full) {
        CampaignQuery q;
        q.tenant = package.tenant;
        q.sandbox = package.source_sandbox;
        q.limit = 10'000'000;  // every campaign: a package is never silently cut short
        q.count_cap = 0;
        for (const CampaignStatus s :
             {CampaignStatus::draft, CampaignStatus::in_review, CampaignStatus::scheduled, CampaignStatus::active,
              CampaignStatus::paused, CampaignStatus::stopped, CampaignStatus::completed, CampaignStatus::failed,
              CampaignStatus::publishing, CampaignStatus::closed})
            q.statuses.push_back(s);
        return tx.campaigns(q).items;
    }
    for (const auto& id : package.campaigns)
        if (auto c = tx.campaign(package.tenant, package.source_sandbox, id)) roots.push_back(std::move(*c));
    return roots;
}

PackageSnapshot package_snapshot(Tx& tx, const packager::Package& package) {
    std::vector<Campaign> roots = root_campaigns(tx, package);
    if (package.kind != packager::PackageKind::full) {
        for (const auto& id : package.campaigns) {
            const auto found = std::find_if(roots.begin(), roots.end(), [&](const Campaign& c) { return c.id == id; });
            if (found == roots.end())
                throw Error::conflict("campaign_missing",
                                      "campaign " + id + " is no longer in " + package.source_sandbox,
                                      {{"campaign", id}});
            if (found->status == CampaignStatus::archived)
                throw Error::conflict("campaign_archived",
                                      "campaign " + found->key + " is archived; remove it from the package",
                                      {{"campaign", id}});
        }
    }
    if (roots.empty()) throw Error(ErrorKind::unprocessable, "empty_package", "the package holds no campaign");

    PackageSnapshot out;
    std::map<std::string, Segment> segments;
    std::map<std::string, Template> templates;
    std::sort(roots.begin(), roots.end(), [](const Campaign& a, const Campaign& b) { return a.key < b.key; });
    for (const Campaign& c : roots) {
        const auto segment_key = [&](const std::string& id) {
            auto s = tx.segment(c.tenant, c.sandbox, id);
            if (!s) throw Error::conflict("segment_missing", "segment of " + c.key + " is gone", {{"campaign", c.id}});
            std::string key = s->key;
            out.dependencies.push_back(json::object{{"from", "campaign/" + c.key}, {"to", "segment/" + key}});
            segments.emplace(key, std::move(*s));
            return key;
        };
        const auto template_key = [&](const std::string& id) {
            auto t = tx.template_(c.tenant, c.sandbox, id);
            if (!t)
                throw Error::conflict("template_missing", "template of " + c.key + " is gone", {{"campaign", c.id}});
            std::string key = t->key;
            out.dependencies.push_back(json::object{{"from", "campaign/" + c.key}, {"to", "template/" + key}});
            templates.emplace(key, std::move(*t));
            return key;
        };
        const std::string path = "campaigns/" + c.key + ".json";
        const std::string bytes = packager::canonical_file(campaign_object(c, c.spec, segment_key, template_key));
        out.objects.push_back(packager::describe(ObjectKind::campaign, c.key, c.spec.name, path, bytes));
        out.files.emplace(path, bytes);
        out.editors.insert(c.spec_edited_by);
    }
    for (const auto& [key, s] : segments) {
        const std::string path = "segments/" + key + ".json";
        const std::string bytes = packager::canonical_file(segment_object(s));
        out.objects.push_back(packager::describe(ObjectKind::segment, key, s.name, path, bytes));
        out.files.emplace(path, bytes);
        out.editors.insert(s.updated_by);
    }
    for (const auto& [key, t] : templates) {
        const std::string path = "templates/" + key + ".json";
        const std::string bytes = packager::canonical_file(template_object(t));
        out.objects.push_back(packager::describe(ObjectKind::template_, key, t.name, path, bytes));
        out.files.emplace(path, bytes);
        out.editors.insert(t.updated_by);
    }
    std::sort(out.objects.begin(), out.objects.end(), [](const auto& a, const auto& b) { return a.path < b.path; });
    return out;
}

}  // namespace ferry::workflows
