#include "workflows/objects.hpp"

#include "core/crypto.hpp"
#include "core/error.hpp"
#include "workflows/campaigns.hpp"
#include "workflows/journal.hpp"
#include "workflows/reviews.hpp"

#include <boost/json/serialize.hpp>

namespace ferry::workflows {

namespace json = boost::json;

namespace {

constexpr std::size_t max_rule_bytes = 64 * 1024;

template <class T>
void reject_key_change(const std::optional<std::string>& key, const T& object) {
    if (key && *key != object.key) throw Error::invalid_field("key", "key cannot be changed");
}

template <class T>
void refuse_if_archived(const T& object, std::string_view what) {
    if (object.archived) throw Error::conflict("archived", std::string(what) + " is archived; unarchive it first");
}

template <class T>
void refuse_same_state(const T& object, bool archived, std::string_view what) {
    if (object.archived == archived)
        throw Error::conflict("invalid_transition",
                              std::string(what) + " is already " + (object.archived ? "archived" : "active"),
                              {{"archived", object.archived}});
}

// A new object of this actor in the sandbox: tenant, id, times and authors.
template <class T>
void created(T& object, const Actor& actor, std::string_view prefix) {
    object.tenant = actor.tenant;
    object.id = crypto::new_object_id(prefix);
    object.created_at = object.updated_at = actor.at;
    object.created_by = object.updated_by = actor.name();
}

template <class T>
void changed(T& object, const Actor& actor) {
    object.updated_at = actor.at;
    object.updated_by = actor.name();
    ++object.revision;
}

}  // namespace

json::object segment_rule(const json::value* value) {
    if (value == nullptr || !value->is_object()) throw Error::invalid_field("rule", "rule must be a JSON object");
    if (json::serialize(*value).size() > max_rule_bytes)
        throw Error::invalid_field("rule", "rule must be at most 64 KiB");
    return value->get_object();
}

std::optional<std::string> template_subject(Fields& f, Channel channel) {
    auto subject = f.optional_nullable_string("subject", 998);
    if (!subject || !*subject) return std::nullopt;
    if (channel != Channel::email) throw Error::invalid_field("subject", "only email templates have a subject");
    return *subject;
}

Segment create_segment(Tx& tx, const Actor& actor, Segment s, const std::optional<std::string>& key) {
    created(s, actor, "seg_");
    s.key = choose_key(key, s.name, [&](std::string_view k) { return tx.segment_key_exists(s.tenant, s.sandbox, k); });
    tx.insert_segment(s);
    Journal(tx, actor).record(s.tenant, "segment.create", s.sandbox + "/segments/" + s.id, {{"key", s.key}});
    return s;
}

Segment edit_segment(Tx& tx, const Actor& actor, Segment s, const SegmentEdit& edit) {
    reject_key_change(edit.key, s);
    refuse_if_archived(s, "segment");
    if (edit.name) s.name = *edit.name;
    if (edit.description) s.description = *edit.description;
    if (edit.rule) s.rule = segment_rule(edit.rule);
    changed(s, actor);
    tx.update_segment(s);
    Journal(tx, actor).record(s.tenant, "segment.update", s.sandbox + "/segments/" + s.id);
    void_changed_package_reviews(tx, actor, s.sandbox);
    return s;
}

SegmentArchiving set_segment_archived(Tx& tx, const Actor& actor, Segment s, bool archived) {
    refuse_same_state(s, archived, "segment");
    SegmentArchiving result;
    s.archived = archived;
    changed(s, actor);
    tx.update_segment(s);
    if (s.archived)
        // Every campaign using the segment is archived with it, drafts included, in this transaction.
        for (const std::string& id : archive_with_segment(tx, actor, s)) result.archived_campaigns.emplace_back(id);
    Journal(tx, actor).record(s.tenant, archived ? "segment.archive" : "segment.unarchive",
                              s.sandbox + "/segments/" + s.id, {{"archived_campaigns", result.archived_campaigns}});
    void_changed_package_reviews(tx, actor, s.sandbox);
    result.segment = std::move(s);
    return result;
}

Template create_template(Tx& tx, const Actor& actor, Template t, const std::optional<std::string>& key) {
    created(t, actor, "tpl_");
    t.key = choose_key(key, t.name, [&](std::string_view k) { return tx.template_key_exists(t.tenant, t.sandbox, k); });
    tx.insert_template(t);
    Journal(tx, actor).record(t.tenant, "template.create", t.sandbox + "/templates/" + t.id, {{"key", t.key}});
    return t;
}

Template edit_template(Tx& tx, const Actor& actor, Template t, const TemplateEdit& edit) {
    reject_key_change(edit.key, t);
    if (edit.channel && *edit.channel != to_string(t.channel))
        throw Error::invalid_field("channel", "channel cannot be changed: campaigns use the template for it");
    refuse_if_archived(t, "template");
    if (edit.name) t.name = *edit.name;
    if (edit.body) t.body = *edit.body;
    if (edit.subject) {
        // Fields keeps a reference to the object it reads: the object must outlive it.
        const json::object holder{{"subject", *edit.subject}};
        Fields s(holder);
        t.subject = template_subject(s, t.channel);
        if (t.channel == Channel::email && !t.subject)
            throw Error::invalid_field("subject", "email templates need a subject");
    }
    changed(t, actor);
    tx.update_template(t);
    Journal(tx, actor).record(t.tenant, "template.update", t.sandbox + "/templates/" + t.id);
    void_changed_package_reviews(tx, actor, t.sandbox);
    return t;
}

Template set_template_archived(Tx& tx, const Actor& actor, Template t, bool archived) {
    refuse_same_state(t, archived, "template");
    t.archived = archived;
    changed(t, actor);
    tx.update_template(t);
    Journal(tx, actor).record(t.tenant, archived ? "template.archive" : "template.unarchive",
                              t.sandbox + "/templates/" + t.id);
    void_changed_package_reviews(tx, actor, t.sandbox);
    return t;
}

Campaign create_campaign(Tx& tx, const Actor& actor, Campaign c, const json::object& body,
                         const std::optional<std::string>& key) {
    created(c, actor, "cmp_");
    c.status_changed_at = c.created_at;
    SandboxReferences refs(tx, c.tenant, c.sandbox);
    c.spec = parse_spec(body, refs, false);
    c.spec_edited_by = actor.name();
    restore_secrets(c.spec, nullptr);
    c.key = choose_key(key, c.spec.name,
                       [&](std::string_view k) { return tx.campaign_key_exists(c.tenant, c.sandbox, k); });
    tx.insert_campaign(c);
    Journal(tx, actor).record(c.tenant, "campaign.create", c.sandbox + "/campaigns/" + c.id, {{"key", c.key}});
    void_changed_package_reviews(tx, actor, c.sandbox);  // a full package holds it
    return c;
}

void delete_campaign(Tx& tx, const Actor& actor, const Sandbox& sandbox, const Campaign& c) {
    const LifecycleFacts f = Gate(tx, c.tenant).facts(sandbox, c, actor.at, actor.name());
    const Transition t = transition(c.status, CampaignAction::remove, f);
    if (!t.allowed) throw transition_error(c, CampaignAction::remove, f, t.refusal);
    tx.delete_campaign(c.tenant, c.sandbox, c.id);
    Journal(tx, actor).record(c.tenant, "campaign.delete", c.sandbox + "/campaigns/" + c.id,
                              {{"key", c.key}, {"name", c.spec.name}});
    void_changed_package_reviews(tx, actor, c.sandbox);
}

}  // namespace ferry::workflows
