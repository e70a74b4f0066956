#include "workflows/packages.hpp"

#include "core/fields.hpp"
#include "core/object_kind.hpp"
#include "workflows/journal.hpp"
#include "workflows/reviews.hpp"

#include <algorithm>

namespace ferry::workflows {

namespace json = boost::json;
using packager::Package;

std::vector<std::string> package_campaign_ids(Tx& tx, const std::string& tenant, const std::string& sandbox,
                                              const json::array& objects) {
    std::vector<std::string> ids;
    for (std::size_t i = 0; i < objects.size(); ++i) {
        const std::string path = "objects[" + std::to_string(i) + "]";
        if (!objects[i].is_object()) throw Error::invalid_field(path, path + " must be an object");
        Fields f(objects[i].get_object(), path);
        const std::string kind = f.required_string("kind", 32);
        const std::string id = f.required_string("id", 64);
        f.finish();
        if (parse_object_kind(kind) != ObjectKind::campaign)
            throw Error::invalid_field(path + ".kind", "packages hold campaigns; their dependencies follow");
        const auto c = tx.campaign(tenant, sandbox, id);
        if (!c) throw Error::invalid_field(path + ".id", "campaign " + id + " is not in sandbox " + sandbox);
        if (c->status == CampaignStatus::archived)
            throw Error::invalid_field(path + ".id", "campaign " + c->key + " is archived");
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
    return ids;
}

Package create_package(Tx& tx, const Actor& actor, Package p, const json::array* objects) {
    p.tenant = actor.tenant;
    if (!tx.sandbox(p.tenant, p.source_sandbox)) throw Error::invalid_field("source_sandbox", "no such sandbox");
    if (objects) p.campaigns = package_campaign_ids(tx, p.tenant, p.source_sandbox, *objects);
    const auto existing = tx.package(p.tenant, p.name);
    if (existing && !existing->deleted)
        throw Error::conflict("already_exists", "package " + p.name + " already exists");
    // A name keeps its sandbox: its old versions hold that sandbox's campaigns, and whoever
    // re-creates the name can read them.
    if (existing && existing->source_sandbox != p.source_sandbox)
        throw Error::conflict("name_taken",
                              "the name " + p.name + " belongs to packages of sandbox " + existing->source_sandbox,
                              {{"source_sandbox", existing->source_sandbox}});
    // A name used before continues its numbering: versions are never reused.
    if (existing) {
        p.last_version = existing->last_version;
        p.revision = existing->revision + 1;
    }
    p.created_at = p.updated_at = actor.at;
    p.created_by = p.updated_by = actor.name();
    tx.upsert_package(p);
    Journal(tx, actor).record(p.tenant, "package.create", "packages/" + p.name, {{"source_sandbox", p.source_sandbox}});
    return p;
}

Package edit_package(Tx& tx, const Actor& actor, Package p, const std::optional<std::string>& description,
                     const json::array* objects) {
    if (description) p.description = *description;
    if (objects) {
        if (p.kind == packager::PackageKind::full)
            throw Error::invalid_field("objects", "a full package holds every campaign of its sandbox");
        p.campaigns = package_campaign_ids(tx, p.tenant, p.source_sandbox, *objects);
    }
    p.updated_at = actor.at;
    p.updated_by = actor.name();
    ++p.revision;
    tx.upsert_package(p);
    Journal(tx, actor).record(p.tenant, "package.update", "packages/" + p.name);
    void_changed_package_reviews(tx, actor, p.source_sandbox);
    return p;
}

void delete_package(Tx& tx, const Actor& actor, Package p) {
    p.deleted = true;
    p.updated_at = actor.at;
    p.updated_by = actor.name();
    ++p.revision;
    tx.upsert_package(p);
    Journal(tx, actor).record(p.tenant, "package.delete", "packages/" + p.name, {{"last_version", p.last_version}});
    void_changed_package_reviews(tx, actor, p.source_sandbox);
}

Package add_campaign_to_package(Tx& tx, const Actor& actor, const std::string& name, const std::string& sandbox,
                                const std::string& campaign_id) {
    auto p = tx.package(actor.tenant, name);
    if (!p || p->deleted) throw Error::invalid_field("package", "no package " + name);
    if (p->source_sandbox != sandbox)
        throw Error::invalid_field("package", "package " + name + " takes campaigns from sandbox " + p->source_sandbox);
    if (p->kind == packager::PackageKind::full)
        throw Error::invalid_field("package", "a full package already holds every campaign");
    const json::array objects{json::object{{"kind", "campaign"}, {"id", campaign_id}}};
    for (const auto& id : package_campaign_ids(tx, p->tenant, p->source_sandbox, objects))
        if (std::find(p->campaigns.begin(), p->campaigns.end(), id) == p->campaigns.end()) p->campaigns.push_back(id);
    p->updated_at = actor.at;
    p->updated_by = actor.name();
    ++p->revision;
    tx.upsert_package(*p);
    Journal(tx, actor).record(p->tenant, "package.add", "packages/" + p->name, {{"campaign", campaign_id}});
    void_changed_package_reviews(tx, actor, p->source_sandbox);
    return *p;
}

}  // namespace ferry::workflows
