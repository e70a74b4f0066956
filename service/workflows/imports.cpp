#include "workflows/imports.hpp"

#include "campaigns/spec.hpp"
#include "core/canonical_json.hpp"
#include "core/crypto.hpp"
#include "core/fields.hpp"
#include "core/utf8.hpp"
#include "observability/log.hpp"
#include "packager/manifest.hpp"
#include "workflows/import_target.hpp"
#include "workflows/journal.hpp"
#include "workflows/package_snapshot.hpp"
#include "workflows/pipelines.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <map>
#include <set>
#include <utility>

namespace ferry::workflows {

namespace json = boost::json;
using imports::TargetForms;
using packager::PackagedObject;
using packager::Plan;
using packager::PlanAction;
using packager::PlanItem;

namespace {

Error invalid_package(const VerifiedVersion& v, const std::string& object, const std::string& reason) {
    return Error(ErrorKind::unprocessable, "package_invalid",
                 "package " + v.version.package + " version " + std::to_string(v.version.version) +
                     " failed verification: " + object + ": " + reason,
                 {{"object", object}, {"reason", reason}});
}

// The same error, told apart for the caller's count of the git store's failures.
UnreadableVersion unreadable(const VerifiedVersion& v, const std::string& object, const std::string& what) {
    const Error e = invalid_package(v, object, "unreadable: " + what);
    return UnreadableVersion(e.kind(), e.code(), e.message(), e.details());
}

std::string id_of(ObjectKind kind, const std::string& key) { return std::string(to_string(kind)) + "/" + key; }

// Where a version holds an object ("campaigns/<key>.json").
std::string package_path(ObjectKind kind, const std::string& key) {
    switch (kind) {
        case ObjectKind::segment: return "segments/" + key + ".json";
        case ObjectKind::template_: return "templates/" + key + ".json";
        case ObjectKind::campaign: break;
    }
    return "campaigns/" + key + ".json";
}

// The paths both sides of a merge changed differently and no resolution decided.
json::array merge_conflict_paths(const packager::MergeView& merge) {
    json::array paths;
    for (const auto& c : merge.conflicts)
        if (c.as_object().at("resolution").is_null()) paths.push_back(c.as_object().at("path"));
    return paths;
}

// Replaces every {"$binding": NAME} with the bound value.
void bind_values(json::value& v, const std::map<std::string, std::string>& bindings) {
    if (v.is_object()) {
        auto& o = v.get_object();
        if (o.size() == 1)
            if (const auto* name = o.if_contains("$binding"); name && name->is_string()) {
                const auto it = bindings.find(std::string(name->get_string()));
                if (it != bindings.end()) v = json::value(it->second);
                return;
            }
        for (auto& kv : o) bind_values(kv.value(), bindings);
    } else if (v.is_array()) {
        for (auto& item : v.get_array()) bind_values(item, bindings);
    }
}

// What the import replaces of each kind of object, for the rollback to put back.
json::value campaign_state(const Campaign& c) {
    json::array tags;
    for (const auto& t : c.tags) tags.emplace_back(t);
    json::value draft = nullptr;
    if (c.draft)
        draft = json::object{{"spec", spec_to_json(c.draft->spec)},
                             {"updated_at", to_millis(c.draft->updated_at)},
                             {"updated_by", c.draft->updated_by},
                             {"in_review", c.draft->in_review}};
    return json::object{{"type", to_string(c.type)},    {"tags", std::move(tags)},
                        {"spec", spec_to_json(c.spec)}, {"draft", std::move(draft)},
                        {"provenance", c.provenance},   {"spec_edited_by", c.spec_edited_by}};
}

void restore_campaign(Campaign& c, const json::object& s) {
    c.type = parse_campaign_type(s.at("type").as_string()).value_or(c.type);
    c.tags.clear();
    for (const auto& t : s.at("tags").as_array()) c.tags.emplace_back(t.as_string());
    c.spec = spec_from_json(s.at("spec").as_object());
    c.draft.reset();
    if (const auto& d = s.at("draft"); d.is_object())
        c.draft = DraftVersion{spec_from_json(d.at("spec").as_object()), from_millis(d.at("updated_at").as_int64()),
                               std::string(d.at("updated_by").as_string()), d.at("in_review").as_bool()};
    c.provenance = s.at("provenance");
    c.spec_edited_by = std::string(s.at("spec_edited_by").as_string());
}

json::value origin_json(const std::optional<ImportOrigin>& o) {
    if (!o) return nullptr;
    return json::object{{"package", o->package},     {"source_key", o->source_key},
                        {"version", o->version},     {"content_digest", o->content_digest},
                        {"import_id", o->import_id}, {"written", o->written}};
}

std::optional<ImportOrigin> origin_from(const json::value& v, const ImportRecord& r, const ImportTouch& t) {
    if (!v.is_object()) return std::nullopt;
    const auto& o = v.get_object();
    return ImportOrigin{r.tenant,
                        r.sandbox,
                        t.kind,
                        t.object_id,
                        std::string(o.at("package").as_string()),
                        std::string(o.at("source_key").as_string()),
                        o.at("version").as_int64(),
                        std::string(o.at("content_digest").as_string()),
                        std::string(o.at("import_id").as_string()),
                        o.contains("written") ? std::string(o.at("written").as_string()) : std::string()};
}

// Reads a field of a package file; the files are signed, so a bad one is the package's fault.
const json::value& file_field(const PackagedObject& o, std::string_view name) {
    const auto* v = o.file.if_contains(name);
    if (!v)
        throw Error(ErrorKind::unprocessable, "package_invalid", id_of(o.kind, o.key) + " has no " + std::string(name));
    return *v;
}

std::string file_string(const PackagedObject& o, std::string_view name) {
    const auto& v = file_field(o, name);
    if (!v.is_string())
        throw Error(ErrorKind::unprocessable, "package_invalid",
                    id_of(o.kind, o.key) + ": " + std::string(name) + " is not a string");
    return std::string(v.get_string());
}

// Spec references resolve in the target sandbox, objects of this import included.
class TargetReferences final : public SpecReferences {
public:
    TargetReferences(Tx& tx, std::string tenant, std::string sandbox)
        : tx_(tx), tenant_(std::move(tenant)), sandbox_(std::move(sandbox)) {}
    std::optional<std::string> check_segment(std::string_view id) override {
        const auto s = tx_.segment(tenant_, sandbox_, id);
        if (!s) return "no segment " + std::string(id) + " in the target";
        if (s->archived) return "segment " + s->key + " is archived in the target";
        return std::nullopt;
    }
    std::optional<std::string> check_template(std::string_view id, Channel channel) override {
        const auto t = tx_.template_(tenant_, sandbox_, id);
        if (!t) return "no template " + std::string(id) + " in the target";
        if (t->archived) return "template " + t->key + " is archived in the target";
        if (t->channel != channel) return "template " + t->key + " is for another channel";
        return std::nullopt;
    }

private:
    Tx& tx_;
    std::string tenant_;
    std::string sandbox_;
};

// Writes one import in the caller's transaction.
class Applier {
public:
    Applier(Tx& tx, const Actor& actor, const VerifiedVersion& version, const ImportRequest& request,
            ImportRecord& record)
        : tx_(tx),
          actor_(actor),
          version_(version),
          request_(request),
          record_(record),
          forms_(tx, record.tenant, record.sandbox),
          refs_(tx, record.tenant, record.sandbox) {
        for (const auto& s : tx.segments(record.tenant, record.sandbox, true)) segment_ids_[s.key] = s.id;
        for (const auto& t : tx.templates(record.tenant, record.sandbox, true)) template_ids_[t.key] = t.id;
        for (const auto& o : version.objects) objects_[id_of(o.kind, o.key)] = &o;
    }

    // Returns the item as the import record shows it.
    json::object apply(const PlanItem& item) {
        const PackagedObject& o = *objects_.at(id_of(item.kind, item.key));
        std::optional<std::string> id = item.target_id;
        if (item.action == PlanAction::create) {
            id = create(item, o);
        } else if (item.action == PlanAction::update) {
            update(item, o);
        } else if (item.action == PlanAction::merge && item.merge) {
            // The merge is written as the package's file would be, and kept with the provenance;
            // when the target holds it already, only the provenance moves to this version.
            written_ = json::serialize(item.merge->merged);
            if (item.merge->changes.empty() && id)
                record_origin(item, *id);
            else
                update(item, PackagedObject{o.kind, o.key, o.name, item.merge->merged});
        }
        if (id && item.kind == ObjectKind::segment) segment_ids_[item.key] = *id;
        if (id && item.kind == ObjectKind::template_) template_ids_[item.key] = *id;
        // A skipped object is identical to the version: from now on it counts as imported from it.
        if (item.action == PlanAction::skip && id &&
            !tx_.import_origin(record_.tenant, record_.sandbox, item.kind, *id))
            record_origin(item, *id);
        json::object out{{"kind", to_string(item.kind)},
                         {"key", item.key},
                         {"name", item.name},
                         {"action", to_string(item.action)},
                         {"reason", item.reason},
                         {"target_id", id ? json::value(*id) : nullptr}};
        if (item.new_key) out["new_key"] = *item.new_key;
        if (item.as_draft_version) out["as_draft_version"] = true;
        return out;
    }

private:
    std::string create(const PlanItem& item, const PackagedObject& o) {
        const std::string key = item.new_key.value_or(item.key);
        const Timestamp now = actor_.at;
        const auto stale = [&] {
            return Error::conflict("plan_stale",
                                   id_of(item.kind, key) + " appeared in the target since the plan; plan again",
                                   {{"object", id_of(item.kind, key)}});
        };
        std::string id;
        std::int64_t revision = 1;
        if (item.kind == ObjectKind::segment) {
            if (tx_.segment_key_exists(record_.tenant, record_.sandbox, key)) throw stale();
            Segment s;
            fill_segment(s, o);
            s.tenant = record_.tenant;
            s.sandbox = record_.sandbox;
            s.id = id = crypto::new_object_id("seg_");
            s.key = key;
            s.created_at = s.updated_at = now;
            s.created_by = s.updated_by = actor_.name();
            tx_.insert_segment(s);
            forms_.add_segment(s.id, s.key);
        } else if (item.kind == ObjectKind::template_) {
            if (tx_.template_key_exists(record_.tenant, record_.sandbox, key)) throw stale();
            Template t;
            fill_template(t, o);
            t.tenant = record_.tenant;
            t.sandbox = record_.sandbox;
            t.id = id = crypto::new_object_id("tpl_");
            t.key = key;
            t.created_at = t.updated_at = now;
            t.created_by = t.updated_by = actor_.name();
            tx_.insert_template(t);
            forms_.add_template(t.id, t.key);
        } else {
            if (tx_.campaign_key_exists(record_.tenant, record_.sandbox, key)) throw stale();
            Campaign c;
            c.tenant = record_.tenant;
            c.sandbox = record_.sandbox;
            c.id = id = crypto::new_object_id("cmp_");
            c.key = key;
            fill_campaign_head(c, o);
            c.spec = campaign_spec(o);
            // New campaigns land as drafts: going live passes the target's own approval gate.
            c.status = CampaignStatus::draft;
            c.provenance = provenance();
            c.spec_edited_by = actor_.name();
            c.status_changed_at = c.created_at = c.updated_at = now;
            c.created_by = c.updated_by = actor_.name();
            tx_.insert_campaign(c);
            record_digest_ = TargetForms::digest(forms_.campaign(c), item.key);
        }
        tx_.insert_import_touch(record_.tenant, record_.id,
                                ImportTouch{item.kind, id, true, nullptr, nullptr, revision});
        record_origin(item, id);
        return id;
    }

    void update(const PlanItem& item, const PackagedObject& o) {
        const std::string& id = *item.target_id;
        const Timestamp now = actor_.at;
        const auto previous_origin = origin_json(tx_.import_origin(record_.tenant, record_.sandbox, item.kind, id));
        json::value before;
        std::int64_t revision = 0;
        if (item.kind == ObjectKind::segment) {
            Segment s = or_not_found(tx_.segment(record_.tenant, record_.sandbox, id), "segment");
            before = segment_object(s);
            fill_segment(s, o);
            s.updated_at = now;
            s.updated_by = actor_.name();
            revision = ++s.revision;
            tx_.update_segment(s);
        } else if (item.kind == ObjectKind::template_) {
            Template t = or_not_found(tx_.template_(record_.tenant, record_.sandbox, id), "template");
            before = template_object(t);
            fill_template(t, o);
            t.updated_at = now;
            t.updated_by = actor_.name();
            revision = ++t.revision;
            tx_.update_template(t);
        } else {
            Campaign c = or_not_found(tx_.campaign(record_.tenant, record_.sandbox, id), "campaign");
            before = campaign_state(c);
            CampaignSpec spec = campaign_spec(o);
            std::vector<std::string> tags = parse_tags(file_field(o, "tags"), id_of(o.kind, o.key) + ".tags");
            if (item.as_draft_version) {
                // The live version runs on; the import becomes its draft version, which goes
                // live only through activate-draft and the target's approval gate.
                c.draft = DraftVersion{std::move(spec), now, actor_.name(), false};
            } else {
                fill_campaign_head(c, o);
                c.spec = std::move(spec);
            }
            c.tags = std::move(tags);
            c.provenance = provenance();
            c.spec_edited_by = actor_.name();
            c.updated_at = now;
            c.updated_by = actor_.name();
            revision = ++c.revision;
            tx_.update_campaign(c);
            record_digest_ = TargetForms::digest(forms_.campaign(c), item.key);
        }
        tx_.insert_import_touch(record_.tenant, record_.id,
                                ImportTouch{item.kind, id, false, std::move(before), previous_origin, revision});
        record_origin(item, id);
    }

    void record_origin(const PlanItem& item, const std::string& id) {
        const PackagedObject& o = *objects_.at(id_of(item.kind, item.key));
        // Segments and templates hold no references: their package form is their content as written.
        std::string digest = record_digest_;
        if (item.kind != ObjectKind::campaign || digest.empty())
            digest = item.action == PlanAction::merge && item.merge ? packager::content_digest_of(item.merge->merged)
                                                                    : packager::content_digest_of(o.file);
        record_digest_.clear();
        tx_.upsert_import_origin(ImportOrigin{record_.tenant, record_.sandbox, item.kind, id, version_.version.package,
                                              item.key, version_.version.version, digest, record_.id,
                                              std::exchange(written_, std::string())});
    }

    json::value provenance() const {
        return json::object{{"package", version_.version.package},
                            {"version", version_.version.version},
                            {"digest", version_.version.digest},
                            {"import", record_.id}};
    }

    void fill_segment(Segment& s, const PackagedObject& o) const {
        s.name = file_string(o, "name");
        s.description = file_string(o, "description");
        const auto& rule = file_field(o, "rule");
        if (!rule.is_object())
            throw Error(ErrorKind::unprocessable, "package_invalid", "segment/" + o.key + ": rule is not an object");
        s.rule = rule.get_object();
    }

    void fill_template(Template& t, const PackagedObject& o) const {
        t.name = file_string(o, "name");
        const auto channel = parse_channel(file_string(o, "channel"));
        if (!channel)
            throw Error(ErrorKind::unprocessable, "package_invalid", "template/" + o.key + ": unknown channel");
        t.channel = *channel;
        const auto& subject = file_field(o, "subject");
        t.subject = subject.is_string() ? std::optional(std::string(subject.get_string())) : std::nullopt;
        t.body = file_string(o, "body");
    }

    void fill_campaign_head(Campaign& c, const PackagedObject& o) const {
        const auto type = parse_campaign_type(file_string(o, "type"));
        if (!type) throw Error(ErrorKind::unprocessable, "package_invalid", "campaign/" + o.key + ": unknown type");
        c.type = *type;
        c.tags = parse_tags(file_field(o, "tags"), "campaign/" + o.key + ".tags");
    }

    // The package's spec in the target: keys become the target's ids, bindings their values,
    // then the same validation as any campaign written through the API.
    CampaignSpec campaign_spec(const PackagedObject& o) {
        const auto& spec_value = file_field(o, "spec");
        if (!spec_value.is_object())
            throw Error(ErrorKind::unprocessable, "package_invalid", "campaign/" + o.key + ": spec is not an object");
        json::value spec = spec_value;
        auto& s = spec.get_object();
        if (auto* audience = s.if_contains("audience"); audience && audience->is_object())
            if (auto* segment = audience->get_object().if_contains("segment"); segment && segment->is_string()) {
                const auto it = segment_ids_.find(std::string(segment->get_string()));
                if (it != segment_ids_.end()) *segment = it->second;
            }
        if (auto* content = s.if_contains("content"); content && content->is_object())
            for (auto& [channel, fields] : content->get_object())
                if (fields.is_object())
                    if (auto* t = fields.get_object().if_contains("template"); t && t->is_string()) {
                        const auto it = template_ids_.find(std::string(t->get_string()));
                        if (it != template_ids_.end()) *t = it->second;
                    }
        bind_values(spec, request_.options.bindings);
        try {
            return parse_spec(s, refs_, true);
        } catch (const Error& e) {
            throw Error(ErrorKind::unprocessable, "invalid_object", "campaign/" + o.key + ": " + e.message(),
                        {{"object", "campaign/" + o.key}, {"cause", e.details()}});
        }
    }

    Tx& tx_;
    const Actor& actor_;
    const VerifiedVersion& version_;
    const ImportRequest& request_;
    ImportRecord& record_;
    TargetForms forms_;
    TargetReferences refs_;
    std::map<std::string, std::string> segment_ids_;  // key in the target -> id
    std::map<std::string, std::string> template_ids_;
    std::map<std::string, const PackagedObject*> objects_;
    std::string record_digest_;  // the written campaign's digest, for its origin
    std::string written_;        // a merge's object as written, for its origin
};

// "resolutions": {"<kind>/<key>": {"<JSON Pointer>": "take_source" | "keep_target" | {"value": V}}}
std::map<std::string, std::map<std::string, packager::MergeChoice>> read_resolutions(const json::object& body) {
    std::map<std::string, std::map<std::string, packager::MergeChoice>> out;
    for (const auto& [key, paths] : body) {
        const std::string field = "resolutions." + std::string(key);
        const auto slash = key.find('/');
        if (slash == std::string_view::npos || !parse_object_kind(key.substr(0, slash)))
            throw Error::invalid_field(field, "resolution keys are <kind>/<key>, kind campaign, segment or template");
        if (!paths.is_object())
            throw Error::invalid_field(field, field + " must be an object of JSON Pointers to resolutions");
        auto& choices = out[std::string(key)];
        for (const auto& [path, choice] : paths.get_object()) {
            const std::string at = field + "." + std::string(path);
            if (!path.empty() && path.front() != '/') throw Error::invalid_field(at, at + ": not a JSON Pointer");
            packager::MergeChoice c;
            if (choice.is_string() && choice.get_string() == "take_source") {
                c.resolution = packager::Resolution::take_source;
            } else if (choice.is_string() && choice.get_string() == "keep_target") {
                c.resolution = packager::Resolution::keep_target;
            } else if (choice.is_object() && choice.get_object().size() == 1 && choice.get_object().contains("value")) {
                c.resolution = packager::Resolution::value;
                c.value = choice.get_object().at("value");
            } else {
                throw Error::invalid_field(at, at + " must be \"take_source\", \"keep_target\" or {\"value\": ...}");
            }
            choices[std::string(path)] = std::move(c);
        }
    }
    return out;
}

}  // namespace

ImportRequest read_import_request(const json::object& body) {
    Fields f(body);
    ImportRequest r;
    r.body = body;
    r.package = f.required_string("package", 64);
    const auto version = f.optional_integer("version", 1, std::numeric_limits<std::int64_t>::max());
    if (!version) throw Error::invalid_field("version", "version is required: the package version to import");
    r.version = *version;
    if (const auto policy = f.optional_string("conflict_policy", 32)) {
        const auto p = packager::parse_conflict_policy(*policy);
        if (!p)
            throw Error::invalid_field("conflict_policy",
                                       "conflict_policy must be merge, fail, create_new, use_existing or update");
        r.options.policy = *p;
    }
    if (const auto* overrides = f.optional_object("overrides"))
        for (const auto& [key, value] : *overrides) {
            const std::string path = "overrides." + std::string(key);
            const auto slash = key.find('/');
            if (slash == std::string_view::npos || !parse_object_kind(key.substr(0, slash)))
                throw Error::invalid_field(path, "override keys are <kind>/<key>, kind campaign, segment or template");
            const auto p = value.is_string() ? packager::parse_conflict_policy(value.get_string()) : std::nullopt;
            if (!p) throw Error::invalid_field(path, path + " must be merge, fail, create_new, use_existing or update");
            r.options.overrides[std::string(key)] = *p;
        }
    if (const auto* resolutions = f.optional_object("resolutions"))
        r.options.resolutions = read_resolutions(*resolutions);
    if (const auto* bindings = f.optional_object("bindings"))
        for (const auto& [name, value] : *bindings) {
            if (!value.is_string() || value.get_string().size() > 4096)
                throw Error::invalid_field("bindings." + std::string(name),
                                           "binding values are strings of at most 4096 bytes");
            // A bound value is a secret header: one line, or it could smuggle a second header in.
            if (const auto bad = forbidden_display_character(value.get_string(), false))
                throw Error::invalid_field("bindings." + std::string(name), "binding values must not contain " + *bad);
            r.options.bindings[std::string(name)] = std::string(value.get_string());
        }
    if (const auto reason = f.optional_text("bypass_reason", 2000)) {
        if (reason->empty())
            throw Error::invalid_field("bypass_reason", "bypass_reason must say why (1 to 2000 characters)");
        r.bypass_reason = *reason;
    }
    if (const auto* downgrade = f.optional_value("allow_downgrade")) {
        if (!downgrade->is_bool())
            throw Error::invalid_field("allow_downgrade", "allow_downgrade must be true or false");
        r.allow_downgrade = downgrade->get_bool();
    }
    f.finish();
    return r;
}

std::string options_digest(const packager::PlanOptions& options) {
    json::object overrides;
    for (const auto& [k, p] : options.overrides) overrides[k] = packager::to_string(p);
    json::object bindings;
    for (const auto& [name, value] : options.bindings) bindings[name] = crypto::sha256_hex(value);
    json::object digest{{"policy", packager::to_string(options.policy)},
                        {"overrides", std::move(overrides)},
                        {"bindings", std::move(bindings)}};
    if (!options.resolutions.empty()) {
        json::object resolutions;
        for (const auto& [id, choices] : options.resolutions) {
            json::object paths;
            for (const auto& [path, choice] : choices)
                paths[path] = json::array{static_cast<int>(choice.resolution), choice.value};
            resolutions[id] = std::move(paths);
        }
        digest["resolutions"] = std::move(resolutions);
    }
    return content_digest(digest);
}

VerifiedVersion load_verified(Store& store, packager::VersionStore& git, const Actor& actor, const std::string& package,
                              std::int64_t number) {
    const std::string& tenant = actor.tenant;
    VerifiedVersion out;
    out.git = &git;
    std::map<std::string, std::string> keys;  // key id -> public PEM
    store.read([&](Tx& tx) {
        const auto p = tx.package(tenant, package);
        if (!p || p->deleted) throw Error::not_found("package");
        bool found = false;
        for (auto& v : tx.package_versions(tenant, package))
            if (v.version == number && v.state == packager::VersionState::published) {
                out.version = std::move(v);
                found = true;
            }
        if (!found) throw Error::not_found("version");
        for (const auto& k : tx.signing_keys(tenant)) keys[k.key_id] = k.public_pem;
    });
    const std::string tag = packager::VersionStore::tag_name(package, number);
    // The store is the source of truth and may have been tampered with: the tag must still name
    // the commit that was published, and everything under it must verify.
    const auto commit = git.version_commit(tenant, package, number);
    if (!commit) throw invalid_package(out, "tag " + tag, "missing from the store");
    if (*commit != out.version.commit)
        throw invalid_package(out, "tag " + tag,
                              "points at " + *commit + ", the version was published as " + out.version.commit);
    std::map<std::string, std::string> files;
    try {
        files = git.read_version(tenant, package, number);
    } catch (const packager::GitObjectError& e) {
        throw unreadable(out, e.path(), e.what());
    } catch (const packager::GitError& e) {
        throw unreadable(out, "tag " + tag, e.what());
    }
    const auto manifest_it = files.find("manifest.json");
    const auto signature_it = files.find("manifest.sig");
    if (manifest_it == files.end()) throw invalid_package(out, "manifest.json", "missing");
    if (signature_it == files.end()) throw invalid_package(out, "manifest.sig", "missing");
    if ("sha256:" + crypto::sha256_hex(manifest_it->second) != out.version.digest)
        throw invalid_package(out, "manifest.json", "differs from the manifest that was published");
    packager::Manifest m;
    try {
        m = packager::parse_manifest(json::parse(manifest_it->second));
    } catch (const std::exception& e) {
        throw invalid_package(out, "manifest.json", e.what());
    }
    if (m.package != package || m.version != number || m.tenant != tenant)
        throw invalid_package(out, "manifest.json", "describes another package, version or tenant");
    const auto key = keys.find(m.key_id);
    if (key == keys.end()) throw invalid_package(out, "manifest.sig", "signed by an unknown key " + m.key_id);
    const auto problem = packager::verify_package(manifest_it->second, signature_it->second, key->second,
                                                  [&](std::string_view path) -> std::optional<std::string> {
                                                      const auto it = files.find(std::string(path));
                                                      if (it == files.end()) return std::nullopt;
                                                      return it->second;
                                                  });
    if (problem) throw invalid_package(out, problem->path, problem->reason);
    std::set<std::string> listed{"manifest.json", "manifest.sig"};
    for (const auto& o : m.objects) listed.insert(o.path);
    for (const auto& [path, bytes] : files)
        if (!listed.count(path)) throw invalid_package(out, path, "not in the manifest");
    out.objects.reserve(m.objects.size());
    for (const auto& o : m.objects) {
        auto it = files.find(o.path);
        boost::system::error_code ec;
        json::value parsed = json::parse(it->second, ec);
        if (ec || !parsed.is_object()) throw invalid_package(out, o.path, "not a JSON object");
        out.objects.push_back(PackagedObject{o.kind, o.key, o.name, std::move(parsed.get_object())});
        // The bytes are no longer needed: big imports keep one copy of each object, not two.
        files.erase(it);
    }
    return out;
}

void check_downgrade(Tx& tx, const Actor& actor, const std::string& sandbox, const ImportRequest& request) {
    if (request.allow_downgrade) return;
    const auto last = tx.last_applied_import(actor.tenant, sandbox, request.package);
    if (last && last->version > request.version)
        throw Error::conflict("downgrade",
                              "version " + std::to_string(last->version) + " of " + request.package +
                                  " is already imported here; importing the older version " +
                                  std::to_string(request.version) + " needs allow_downgrade",
                              {{"last_version", last->version}, {"import", last->id}});
}

Plan plan_for(Tx& tx, const Actor& actor, const std::string& sandbox, const VerifiedVersion& version,
              const ImportRequest& request) {
    std::vector<packager::TargetObject> target = imports::target_objects(tx, actor.tenant, sandbox, request.package);
    // The base of each merge: the object's file in the version its last import brought.
    for (auto& t : target) {
        if (!t.form || version.git == nullptr) continue;
        try {
            const auto file = version.git->read_version_file(actor.tenant, request.package, t.base_version,
                                                             package_path(t.kind, t.key));
            if (!file) continue;
            json::value parsed = json::parse(*file);
            if (parsed.is_object()) t.base = std::move(parsed.get_object());
        } catch (const std::exception& e) {
            // Without its base the object is planned as an edited one without a merge (a conflict).
            log::warn("merge base unreadable", {{"package", request.package},
                                                {"version", t.base_version},
                                                {"object", id_of(t.kind, t.key)},
                                                {"error", e.what()}});
        }
    }
    try {
        return packager::plan_import(version.version.digest, version.objects, target, request.options);
    } catch (const packager::PlanInputError& e) {
        throw Error::invalid_field(e.field(), e.what());
    }
}

namespace {

json::object conflicts_of(const Plan& plan) {
    json::array conflicts;
    for (const auto& i : plan.items)
        if (i.action == PlanAction::conflict) {
            json::object c{{"kind", to_string(i.kind)},
                           {"key", i.key},
                           {"reason", i.reason},
                           {"target_id", i.target_id ? json::value(*i.target_id) : nullptr}};
            if (i.merge) c["paths"] = merge_conflict_paths(*i.merge);
            conflicts.push_back(std::move(c));
        }
    return {{"conflicts", std::move(conflicts)}, {"plan_digest", plan.digest}};
}

json::object missing_of(const Plan& plan) {
    json::array items;
    for (const auto& i : plan.items) {
        if (i.missing_bindings.empty() && i.missing_dependencies.empty()) continue;
        json::array bindings, dependencies;
        for (const auto& b : i.missing_bindings) bindings.emplace_back(b);
        for (const auto& d : i.missing_dependencies) dependencies.emplace_back(d);
        items.push_back(json::object{{"kind", to_string(i.kind)},
                                     {"key", i.key},
                                     {"missing_bindings", std::move(bindings)},
                                     {"missing_dependencies", std::move(dependencies)}});
    }
    return {{"items", std::move(items)}, {"plan_digest", plan.digest}};
}

// Applies the plan (no conflicts, nothing missing) and records the import.
ImportRecord apply_plan(Tx& tx, const Actor& actor, const std::string& sandbox, const VerifiedVersion& version,
                        const ImportRequest& request, const Plan& plan, const CrashHook& crash_hook) {
    ImportRecord r;
    r.tenant = actor.tenant;
    r.sandbox = sandbox;
    r.id = crypto::new_object_id("imp_");
    r.package = request.package;
    r.version = request.version;
    r.version_digest = version.version.digest;
    r.options_digest = options_digest(request.options);
    r.plan_digest = plan.digest;
    r.status = ImportStatus::applied;
    r.created_by = actor.name();
    r.created_at = actor.at;
    Applier applier(tx, actor, version, request, r);
    std::size_t done = 0;
    json::object counts;
    for (const auto& item : plan.items) {
        r.items.push_back(applier.apply(item));
        auto& n = counts[to_string(item.action)];
        n = (n.is_int64() ? n.as_int64() : 0) + 1;
        // Crash-injection tests stop the process half-way through a big import's transaction.
        if (++done == plan.items.size() / 2 && crash_hook) crash_hook("import_half");
    }
    tx.upsert_import(r);
    Journal journal(tx, actor);
    journal.record(
        r.tenant, "import.apply", r.sandbox + "/imports/" + r.id,
        {{"package", r.package}, {"version", r.version}, {"plan_digest", r.plan_digest}, {"counts", counts}});
    journal.emit(ImportApplied{r, counts});
    return r;
}

}  // namespace

ImportOutcome apply_import(Tx& tx, const Actor& actor, const std::string& sandbox, const VerifiedVersion& version,
                           const ImportRequest& request, const std::optional<std::string>& expected_plan_digest,
                           const CrashHook& crash_hook) {
    const auto last = tx.last_applied_import(actor.tenant, sandbox, request.package);
    if (last && last->version == request.version && last->options_digest == options_digest(request.options))
        return ImportOutcome{*last, true, 0};
    // Nothing lands in a frozen sandbox, except by break-glass (audited as import.bypass_freeze).
    if (!request.freeze_checked)
        require_unfrozen(tx, actor, sandbox, request.bypass_reason, "import", sandbox + "/imports");
    check_downgrade(tx, actor, sandbox, request);
    const Plan plan = plan_for(tx, actor, sandbox, version, request);
    if (expected_plan_digest && plan.digest != *expected_plan_digest)
        throw Error::conflict("plan_stale", "the target or the options changed since this plan was made; plan again",
                              {{"plan_digest", *expected_plan_digest}, {"current_digest", plan.digest}});
    if (plan.conflicts)
        throw Error::conflict("conflicts",
                              "the plan has conflicts: resolve them, or choose a conflict policy or overrides",
                              conflicts_of(plan));
    if (plan.blocked)
        throw Error(ErrorKind::unprocessable, "blocked", "bindings or dependencies are missing", missing_of(plan));
    return ImportOutcome{apply_plan(tx, actor, sandbox, version, request, plan, crash_hook), false, plan.items.size()};
}

ImportRecord undo_import(Tx& tx, const Actor& actor, ImportRecord r) {
    if (r.status != ImportStatus::applied)
        throw Error::conflict("already_rolled_back", "import " + r.id + " was rolled back already");
    const std::vector<ImportTouch> touches = tx.import_touches(r.tenant, r.id);
    std::set<std::string> touched_campaigns;  // restored or deleted first, so they no longer count as users
    for (const auto& t : touches)
        if (t.kind == ObjectKind::campaign) touched_campaigns.insert(t.object_id);
    const auto used_elsewhere = [&](ObjectKind kind, const std::string& id) {
        for (const auto& c : tx.campaigns_using(r.tenant, r.sandbox, kind, id))
            if (!touched_campaigns.count(c)) return true;
        return false;
    };
    json::array edited;
    const auto changed = [&](const ImportTouch& t, std::int64_t revision, std::string why = {}) {
        if (revision == t.revision_after && why.empty()) return;
        if (why.empty()) why = "changed since the import";
        edited.push_back(json::object{{"kind", to_string(t.kind)}, {"id", t.object_id}, {"reason", why}});
    };
    for (const auto& t : touches) {
        if (t.kind == ObjectKind::segment) {
            const auto s = tx.segment(r.tenant, r.sandbox, t.object_id);
            if (!s)
                edited.push_back(
                    json::object{{"kind", to_string(t.kind)}, {"id", t.object_id}, {"reason", "deleted since"}});
            else if (t.created && used_elsewhere(ObjectKind::segment, s->id))
                changed(t, s->revision, "used by campaigns this import did not write");
            else
                changed(t, s->revision);
        } else if (t.kind == ObjectKind::template_) {
            const auto tpl = tx.template_(r.tenant, r.sandbox, t.object_id);
            if (!tpl)
                edited.push_back(
                    json::object{{"kind", to_string(t.kind)}, {"id", t.object_id}, {"reason", "deleted since"}});
            else if (t.created && used_elsewhere(ObjectKind::template_, tpl->id))
                changed(t, tpl->revision, "used by campaigns this import did not write");
            else
                changed(t, tpl->revision);
        } else {
            const auto c = tx.campaign(r.tenant, r.sandbox, t.object_id);
            if (!c)
                edited.push_back(
                    json::object{{"kind", to_string(t.kind)}, {"id", t.object_id}, {"reason", "deleted since"}});
            else
                changed(t, c->revision);
        }
    }
    if (!edited.empty()) {
        const std::string message = std::to_string(edited.size()) + " object(s) of import " + r.id +
                                    " changed after it; the rollback would lose those changes";
        throw Error::conflict("edited_since", message, {{"objects", std::move(edited)}});
    }
    const Timestamp now = actor.at;
    // Campaigns first: a created segment or template is deleted only once nothing refers to it.
    std::vector<const ImportTouch*> ordered;
    for (const auto& t : touches)
        if (t.kind == ObjectKind::campaign) ordered.push_back(&t);
    for (const auto& t : touches)
        if (t.kind != ObjectKind::campaign) ordered.push_back(&t);
    for (const ImportTouch* t : ordered) {
        if (t->kind == ObjectKind::campaign) {
            if (t->created) {
                tx.delete_campaign(r.tenant, r.sandbox, t->object_id);
            } else {
                Campaign c = *tx.campaign(r.tenant, r.sandbox, t->object_id);
                restore_campaign(c, t->before.as_object());
                c.updated_at = now;
                c.updated_by = actor.name();
                ++c.revision;
                tx.update_campaign(c);
            }
        } else if (t->kind == ObjectKind::segment) {
            if (t->created) {
                tx.delete_segment(r.tenant, r.sandbox, t->object_id);
            } else {
                Segment s = *tx.segment(r.tenant, r.sandbox, t->object_id);
                const auto& b = t->before.as_object();
                s.name = std::string(b.at("name").as_string());
                s.description = std::string(b.at("description").as_string());
                s.rule = b.at("rule").as_object();
                s.updated_at = now;
                s.updated_by = actor.name();
                ++s.revision;
                tx.update_segment(s);
            }
        } else {
            if (t->created) {
                tx.delete_template(r.tenant, r.sandbox, t->object_id);
            } else {
                Template tpl = *tx.template_(r.tenant, r.sandbox, t->object_id);
                const auto& b = t->before.as_object();
                tpl.name = std::string(b.at("name").as_string());
                tpl.channel = parse_channel(b.at("channel").as_string()).value_or(tpl.channel);
                const auto& subject = b.at("subject");
                tpl.subject = subject.is_string() ? std::optional(std::string(subject.get_string())) : std::nullopt;
                tpl.body = std::string(b.at("body").as_string());
                tpl.updated_at = now;
                tpl.updated_by = actor.name();
                ++tpl.revision;
                tx.update_template(tpl);
            }
        }
        if (const auto previous = origin_from(t->previous_origin, r, *t))
            tx.upsert_import_origin(*previous);
        else
            tx.delete_import_origin(r.tenant, r.sandbox, t->kind, t->object_id);
    }
    r.status = ImportStatus::rolled_back;
    r.rolled_back_at = now;
    r.rolled_back_by = actor.name();
    tx.upsert_import(r);
    Journal journal(tx, actor);
    journal.record(r.tenant, "import.rollback", r.sandbox + "/imports/" + r.id,
                   {{"package", r.package}, {"version", r.version}, {"objects", touches.size()}});
    journal.emit(ImportRolledBack{r});
    return r;
}

}  // namespace ferry::workflows
