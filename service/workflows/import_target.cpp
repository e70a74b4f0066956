#include "workflows/import_target.hpp"

#include "campaigns/lifecycle.hpp"
#include "core/crypto.hpp"
#include "workflows/package_snapshot.hpp"

#include <algorithm>

namespace ferry::imports {

namespace json = boost::json;

TargetForms::TargetForms(Tx& tx, const std::string& tenant, const std::string& sandbox) {
    for (const auto& s : tx.segments(tenant, sandbox, true)) segment_keys_[s.id] = s.key;
    for (const auto& t : tx.templates(tenant, sandbox, true)) template_keys_[t.id] = t.key;
}

json::object TargetForms::campaign(const Campaign& c) const {
    // A reference that no longer resolves keeps its id: the object then simply differs.
    const auto key_in = [](const std::map<std::string, std::string>& keys) {
        return [&keys](const std::string& id) {
            const auto it = keys.find(id);
            return it == keys.end() ? id : it->second;
        };
    };
    const CampaignSpec& content = is_live(c.status) && c.draft ? c.draft->spec : c.spec;
    return workflows::campaign_object(c, content, key_in(segment_keys_), key_in(template_keys_));
}

std::map<std::string, std::string> TargetForms::secret_digests(const Campaign& c) {
    const CampaignSpec& content = is_live(c.status) && c.draft ? c.draft->spec : c.spec;
    std::map<std::string, std::string> out;
    for (const auto& [channel, fields] : content.content) {
        if (!fields.is_object()) continue;
        if (const auto* secret = fields.get_object().if_contains("auth_header"); secret && secret->is_string())
            out["spec.content." + std::string(channel) + ".auth_header"] = crypto::sha256_hex(secret->get_string());
    }
    return out;
}

std::string TargetForms::digest(json::object form, const std::string& as_key) {
    form["key"] = as_key;
    return packager::content_digest_of(form);
}

namespace {

// Why a campaign cannot take an import that changes it, or "" when it can.
std::string locked_reason(const Campaign& c) {
    if (c.status == CampaignStatus::draft || is_live(c.status)) return {};
    return std::string(to_string(c.status)) + " in the target: read-only";
}

}  // namespace

std::vector<packager::TargetObject> target_objects(Tx& tx, const std::string& tenant, const std::string& sandbox,
                                                   const std::string& package) {
    std::map<std::pair<ObjectKind, std::string>, ImportOrigin> origins;  // (kind, object id)
    for (auto& o : tx.import_origins(tenant, sandbox)) origins.emplace(std::pair{o.kind, o.object_id}, std::move(o));

    std::vector<packager::TargetObject> by_key;
    // Listed last, so that they win a tie on the key; among them, the copy written by the newest
    // version of the package last (create_new may have left an older copy beside it).
    std::vector<std::pair<std::int64_t, packager::TargetObject>> by_provenance;
    const auto add = [&](packager::TargetObject t, const json::object& form) {
        const auto origin = origins.find({t.kind, t.id});
        const bool ours = origin != origins.end() && origin->second.package == package;
        if (ours && origin->second.source_key != t.key) {
            t.own_key = t.key;
            t.key = origin->second.source_key;
        }
        t.content_digest = TargetForms::digest(form, t.key);
        if (origin != origins.end()) t.imported_digest = origin->second.content_digest;
        // What a merge needs (docs/sync.md), kept only where the object may differ from the file
        // its last import brought: edited since, or written as a merge. The caller reads the base.
        if (ours && (t.content_digest != origin->second.content_digest || !origin->second.written.empty())) {
            json::object package_form = form;
            package_form["key"] = t.key;
            t.form = std::move(package_form);
            t.base_version = origin->second.version;
        }
        if (ours)
            by_provenance.emplace_back(origin->second.version, std::move(t));
        else
            by_key.push_back(std::move(t));
    };

    const TargetForms forms(tx, tenant, sandbox);
    for (const auto& s : tx.segments(tenant, sandbox, true)) {
        packager::TargetObject t;
        t.kind = ObjectKind::segment;
        t.key = s.key;
        t.id = s.id;
        t.name = s.name;
        t.archived = s.archived;
        add(std::move(t), workflows::segment_object(s));
    }
    for (const auto& tpl : tx.templates(tenant, sandbox, true)) {
        packager::TargetObject t;
        t.kind = ObjectKind::template_;
        t.key = tpl.key;
        t.id = tpl.id;
        t.name = tpl.name;
        t.archived = tpl.archived;
        add(std::move(t), workflows::template_object(tpl));
    }
    CampaignQuery q;
    q.tenant = tenant;
    q.sandbox = sandbox;
    q.limit = 10'000'000;
    q.count_cap = 0;
    for (const Campaign& c : tx.campaigns(q).items) {
        packager::TargetObject t;
        t.kind = ObjectKind::campaign;
        t.key = c.key;
        t.id = c.id;
        t.name = c.spec.name;
        t.archived = c.status == CampaignStatus::archived;
        t.in_review = c.status == CampaignStatus::in_review || (c.draft && c.draft->in_review);
        t.live = is_live(c.status);
        t.locked = locked_reason(c);
        t.secret_digests = TargetForms::secret_digests(c);
        add(std::move(t), forms.campaign(c));
    }
    std::stable_sort(by_provenance.begin(), by_provenance.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    for (auto& [version, t] : by_provenance) by_key.push_back(std::move(t));
    return by_key;
}

}  // namespace ferry::imports
