#pragma once
// Use cases on the objects of a sandbox that campaigns depend on, segments (audiences) and
// templates (content), and the creation and deletion of a campaign (its other use cases are in
// workflows/campaigns.hpp). Each writes in the caller's transaction, records through the Journal
// and voids the package reviews whose content it changed. The caller checked that the sandbox
// exists and the request's If-Match.

#include "campaigns/model.hpp"
#include "core/fields.hpp"
#include "store/store.hpp"
#include "workflows/actor.hpp"

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>

#include <optional>
#include <string>
#include <vector>

namespace ferry::workflows {

// A segment's rule: a JSON object of at most 64 KiB (422 on "rule" otherwise).
boost::json::object segment_rule(const boost::json::value* value);
// A template's subject: only email templates have one (422 on "subject" otherwise).
std::optional<std::string> template_subject(Fields& fields, Channel channel);

// `draft` holds the sandbox, name, description and rule; its key is `key` or one derived from
// the name, unique in the sandbox.
Segment create_segment(Tx& tx, const Actor& actor, Segment draft, const std::optional<std::string>& key);

struct SegmentEdit {
    std::optional<std::string> key;  // may only repeat the segment's key
    std::optional<std::string> name;
    std::optional<std::string> description;
    const boost::json::value* rule = nullptr;
};
// 409 archived while the segment is archived.
Segment edit_segment(Tx& tx, const Actor& actor, Segment segment, const SegmentEdit& edit);

struct SegmentArchiving {
    Segment segment;
    boost::json::array archived_campaigns;  // the campaigns archived with it
};
// Archives (every campaign using it with it) or unarchives; 409 invalid_transition when it already is.
SegmentArchiving set_segment_archived(Tx& tx, const Actor& actor, Segment segment, bool archived);

// `draft` holds the sandbox, name, channel, subject and body; its key as for segments.
Template create_template(Tx& tx, const Actor& actor, Template draft, const std::optional<std::string>& key);

struct TemplateEdit {
    std::optional<std::string> key;      // may only repeat the template's key
    std::optional<std::string> channel;  // may only repeat the template's channel
    std::optional<std::string> name;
    const boost::json::value* subject = nullptr;
    std::optional<std::string> body;
};
// 409 archived while the template is archived.
Template edit_template(Tx& tx, const Actor& actor, Template t, const TemplateEdit& edit);
// 409 invalid_transition when it already is.
Template set_template_archived(Tx& tx, const Actor& actor, Template t, bool archived);

// A new draft campaign: `draft` holds the sandbox, type and tags; the spec is read from `body`
// against the sandbox's segments and templates (422 otherwise); its key as for segments.
Campaign create_campaign(Tx& tx, const Actor& actor, Campaign draft, const boost::json::object& body,
                         const std::optional<std::string>& key);
// Where the lifecycle allows it (409 otherwise, with the actions allowed instead).
void delete_campaign(Tx& tx, const Actor& actor, const Sandbox& sandbox, const Campaign& campaign);

}  // namespace ferry::workflows
