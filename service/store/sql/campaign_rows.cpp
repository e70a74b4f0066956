#include "store/sql/campaign_rows.hpp"

#include "campaigns/in_app_priority.hpp"
#include "campaigns/spec.hpp"
#include "campaigns/timing.hpp"
#include "core/search_text.hpp"
#include "store/sql/values.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <variant>

namespace ferry::sql {

namespace json = boost::json;

namespace {

std::string draft_json(const std::optional<DraftVersion>& d) {
    if (!d) return {};
    return json::serialize(json::object{{"spec", spec_to_json(d->spec)},
                                        {"updated_at", to_millis(d->updated_at)},
                                        {"updated_by", d->updated_by},
                                        {"in_review", d->in_review}});
}

std::string alerts_json(const std::vector<Alert>& alerts) {
    json::array out;
    for (const Alert& a : alerts)
        out.push_back(json::object{{"type", a.type}, {"message", a.message}, {"at", to_millis(a.at)}});
    return json::serialize(out);
}

std::string tags_json(const std::vector<std::string>& tags) {
    json::array out;
    for (const auto& t : tags) out.emplace_back(t);
    return json::serialize(out);
}

// A new campaign has no derived rows yet; an updated one's are replaced (found through the
// by-campaign indexes of migration 7, not by scanning the sandbox's rows).
void refresh_derived(Connection& db, const Campaign& c, bool insert) {
    for (const char* table : {"campaign_tags", "campaign_channels", "campaign_refs"}) {
        if (insert) break;
        db.prepare(std::string("DELETE FROM ") + table + " WHERE tenant = ? AND sandbox = ? AND campaign_id = ?")
            .bind(1, c.tenant)
            .bind(2, c.sandbox)
            .bind(3, c.id)
            .run();
    }
    for (const auto& tag : c.tags)
        db.prepare(
              "INSERT INTO campaign_tags(tenant, sandbox, tag, campaign_id) VALUES(?, ?, ?, ?) ON CONFLICT DO NOTHING")
            .bind(1, c.tenant)
            .bind(2, c.sandbox)
            .bind(3, tag)
            .bind(4, c.id)
            .run();
    for (const Channel ch : c.spec.channels)
        db.prepare(
              "INSERT INTO campaign_channels(tenant, sandbox, channel, campaign_id) VALUES(?, ?, ?, ?) ON CONFLICT DO "
              "NOTHING")
            .bind(1, c.tenant)
            .bind(2, c.sandbox)
            .bind(3, to_string(ch))
            .bind(4, c.id)
            .run();
    auto add_ref = [&](ObjectKind kind, const std::string& ref) {
        db.prepare(
              "INSERT INTO campaign_refs(tenant, sandbox, kind, ref_id, campaign_id) VALUES(?, ?, ?, ?, ?) ON CONFLICT "
              "DO NOTHING")
            .bind(1, c.tenant)
            .bind(2, c.sandbox)
            .bind(3, to_string(kind))
            .bind(4, ref)
            .bind(5, c.id)
            .run();
    };
    for (const CampaignSpec* spec : {&c.spec, c.draft ? &c.draft->spec : nullptr}) {
        if (spec == nullptr) continue;
        if (spec->segment) add_ref(ObjectKind::segment, *spec->segment);
        for (const auto& t : template_ids(*spec)) add_ref(ObjectKind::template_, t);
    }
}

// The campaign's place in its sandbox's in-app order, kept with the campaign as its derived rows
// are: out when it is not in the order; when it enters, or its level changes with a new live
// version, at the end of its level (after every rank of the sandbox, since the order sorts by
// level first); otherwise where it was.
void place_in_app_order(Connection& db, const Campaign& c, bool insert) {
    const auto level = in_app_order_level(c);
    if (!level) {
        if (!insert)
            db.prepare("DELETE FROM in_app_ranks WHERE tenant = ? AND sandbox = ? AND campaign_id = ?")
                .bind(1, c.tenant)
                .bind(2, c.sandbox)
                .bind(3, c.id)
                .run();
        return;
    }
    {
        auto st = db.prepare("SELECT level FROM in_app_ranks WHERE tenant = ? AND sandbox = ? AND campaign_id = ?");
        st.bind(1, c.tenant).bind(2, c.sandbox).bind(3, c.id);
        if (st.step() && st.text(0) == to_string(*level)) return;
    }
    std::int64_t last = 0;
    {
        auto st = db.prepare("SELECT COALESCE(MAX(rank), 0) FROM in_app_ranks WHERE tenant = ? AND sandbox = ?");
        st.bind(1, c.tenant).bind(2, c.sandbox);
        if (st.step()) last = st.integer(0);
    }
    db.prepare(
          "INSERT INTO in_app_ranks(tenant, sandbox, campaign_id, level, rank) VALUES(?, ?, ?, ?, ?) "
          "ON CONFLICT(tenant, sandbox, campaign_id) DO UPDATE SET level = excluded.level, rank = excluded.rank")
        .bind(1, c.tenant)
        .bind(2, c.sandbox)
        .bind(3, c.id)
        .bind(4, to_string(*level))
        .bind(5, last + 1)
        .run();
}

}  // namespace

Segment read_segment(const Statement& st) {
    Segment s;
    s.tenant = st.text(0);
    s.sandbox = st.text(1);
    s.id = st.text(2);
    s.key = st.text(3);
    s.name = st.text(4);
    s.description = st.text(5);
    s.rule = parse_json(st.text(6)).as_object();
    s.archived = st.integer(7) != 0;
    s.created_at = from_millis(st.integer(8));
    s.created_by = st.text(9);
    s.updated_at = from_millis(st.integer(10));
    s.updated_by = st.text(11);
    s.revision = st.integer(12);
    return s;
}

Template read_template(const Statement& st) {
    Template t;
    t.tenant = st.text(0);
    t.sandbox = st.text(1);
    t.id = st.text(2);
    t.key = st.text(3);
    t.name = st.text(4);
    t.channel = parse_stored(parse_channel(st.text(5)), "template channel");
    t.subject = st.optional_text(6);
    t.body = st.text(7);
    t.archived = st.integer(8) != 0;
    t.created_at = from_millis(st.integer(9));
    t.created_by = st.text(10);
    t.updated_at = from_millis(st.integer(11));
    t.updated_by = st.text(12);
    t.revision = st.integer(13);
    return t;
}

Campaign read_campaign(const Statement& st) {
    Campaign c;
    c.tenant = st.text(0);
    c.sandbox = st.text(1);
    c.id = st.text(2);
    c.key = st.text(3);
    c.type = parse_stored(parse_campaign_type(st.text(4)), "campaign type");
    c.status = parse_stored(parse_campaign_status(st.text(5)), "campaign status");
    if (auto before = st.optional_text(6)) c.status_before_archive = parse_campaign_status(*before);
    c.spec = spec_from_json(parse_json(st.text(7)).as_object());
    if (auto draft = st.optional_text(8)) {
        const json::value d = parse_json(*draft);
        c.draft = DraftVersion{spec_from_json(d.at("spec").as_object()), from_millis(d.at("updated_at").as_int64()),
                               std::string(d.at("updated_by").as_string()), false};
        if (const auto* in_review = d.as_object().if_contains("in_review")) c.draft->in_review = in_review->as_bool();
    }
    const json::value tags = parse_json(st.text(9));
    for (const auto& t : tags.as_array()) c.tags.emplace_back(t.as_string());
    const json::value alerts = parse_json(st.text(10));
    for (const auto& a : alerts.as_array())
        c.alerts.push_back(Alert{std::string(a.at("type").as_string()), std::string(a.at("message").as_string()),
                                 from_millis(a.at("at").as_int64())});
    c.provenance = parse_json(st.text(11));
    c.live_version = st.integer(12);
    c.activated_at = time_or_null(st.optional_integer(13));
    c.submitted_by = st.text(14);
    c.status_changed_at = from_millis(st.integer(15));
    c.created_at = from_millis(st.integer(16));
    c.created_by = st.text(17);
    c.updated_at = from_millis(st.integer(18));
    c.updated_by = st.text(19);
    c.revision = st.integer(20);
    c.spec_edited_by = st.text(21);
    c.bypass = parse_json(st.text(22));
    return c;
}

void write_segment(Connection& db, const Segment& s, bool insert) {
    const char* sql = insert ? "INSERT INTO segments(key, name, description, rule, archived, created_at, created_by, "
                               "updated_at, updated_by, revision, tenant, sandbox, id) "
                               "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                             : "UPDATE segments SET key = ?, name = ?, description = ?, rule = ?, archived = ?, "
                               "created_at = ?, created_by = ?, updated_at = ?, updated_by = ?, revision = ? "
                               "WHERE tenant = ? AND sandbox = ? AND id = ?";
    db.prepare(sql)
        .bind(1, s.key)
        .bind(2, s.name)
        .bind(3, s.description)
        .bind(4, json::serialize(s.rule))
        .bind(5, std::int64_t{s.archived ? 1 : 0})
        .bind(6, to_millis(s.created_at))
        .bind(7, s.created_by)
        .bind(8, to_millis(s.updated_at))
        .bind(9, s.updated_by)
        .bind(10, s.revision)
        .bind(11, s.tenant)
        .bind(12, s.sandbox)
        .bind(13, s.id)
        .run();
}

void write_template(Connection& db, const Template& t, bool insert) {
    const char* sql = insert
                          ? "INSERT INTO templates(key, name, channel, subject, body, archived, created_at, "
                            "created_by, updated_at, updated_by, revision, tenant, sandbox, id) "
                            "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                          : "UPDATE templates SET key = ?, name = ?, channel = ?, subject = ?, body = ?, archived = ?, "
                            "created_at = ?, created_by = ?, updated_at = ?, updated_by = ?, revision = ? "
                            "WHERE tenant = ? AND sandbox = ? AND id = ?";
    db.prepare(sql)
        .bind(1, t.key)
        .bind(2, t.name)
        .bind(3, to_string(t.channel))
        .bind(4, t.subject)
        .bind(5, t.body)
        .bind(6, std::int64_t{t.archived ? 1 : 0})
        .bind(7, to_millis(t.created_at))
        .bind(8, t.created_by)
        .bind(9, to_millis(t.updated_at))
        .bind(10, t.updated_by)
        .bind(11, t.revision)
        .bind(12, t.tenant)
        .bind(13, t.sandbox)
        .bind(14, t.id)
        .run();
}

std::size_t fill_folded_names(Connection& db) {
    struct Unfolded {
        std::string tenant, sandbox, id, name;
    };
    std::size_t filled = 0;
    for (;;) {
        std::vector<Unfolded> rows;
        {
            auto st = db.prepare("SELECT tenant, sandbox, id, name FROM campaigns WHERE name_folded IS NULL LIMIT 500");
            while (st.step()) rows.push_back({st.text(0), st.text(1), st.text(2), st.text(3)});
        }
        if (rows.empty()) return filled;
        for (const Unfolded& r : rows)
            db.prepare("UPDATE campaigns SET name_folded = ? WHERE tenant = ? AND sandbox = ? AND id = ?")
                .bind(1, fold_for_search(r.name))
                .bind(2, r.tenant)
                .bind(3, r.sandbox)
                .bind(4, r.id)
                .run();
        filled += rows.size();
    }
}

void write_campaign(Connection& db, const Campaign& c, bool insert) {
    const char* sql =
        insert
            ? "INSERT INTO campaigns(key, type, status, status_before_archive, spec, draft, tags, alerts, provenance, "
              "live_version, activated_at, submitted_by, status_changed_at, created_at, created_by, updated_at, "
              "updated_by, revision, name, next_due_at, window_start, window_end, spec_edited_by, bypass, "
              "name_folded, tenant, sandbox, id) "
              "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
            : "UPDATE campaigns SET key = ?, type = ?, status = ?, status_before_archive = ?, spec = ?, draft = ?, "
              "tags = ?, alerts = ?, provenance = ?, live_version = ?, activated_at = ?, submitted_by = ?, "
              "status_changed_at = ?, created_at = ?, created_by = ?, updated_at = ?, updated_by = ?, revision = ?, "
              "name = ?, next_due_at = ?, window_start = ?, window_end = ?, spec_edited_by = ?, bypass = ?, "
              "name_folded = ? WHERE tenant = ? AND sandbox = ? AND id = ?";
    const auto due = next_due(c);
    const auto span = calendar_span(c);
    std::optional<std::string> before;
    if (c.status_before_archive) before = std::string(to_string(*c.status_before_archive));
    std::optional<std::string> draft;
    if (c.draft) draft = draft_json(c.draft);
    db.prepare(sql)
        .bind(1, c.key)
        .bind(2, to_string(c.type))
        .bind(3, to_string(c.status))
        .bind(4, before)
        .bind(5, json::serialize(spec_to_json(c.spec)))
        .bind(6, draft)
        .bind(7, tags_json(c.tags))
        .bind(8, alerts_json(c.alerts))
        .bind(9, json::serialize(c.provenance))
        .bind(10, c.live_version)
        .bind(11, millis_or_null(c.activated_at))
        .bind(12, c.submitted_by)
        .bind(13, to_millis(c.status_changed_at))
        .bind(14, to_millis(c.created_at))
        .bind(15, c.created_by)
        .bind(16, to_millis(c.updated_at))
        .bind(17, c.updated_by)
        .bind(18, c.revision)
        .bind(19, c.spec.name)
        .bind(20, due ? std::optional<std::int64_t>(to_millis(due->at)) : std::nullopt)
        .bind(21, span ? std::optional<std::int64_t>(to_millis(span->first)) : std::nullopt)
        .bind(22, span && span->second ? std::optional<std::int64_t>(to_millis(*span->second)) : std::nullopt)
        .bind(23, c.spec_edited_by)
        .bind(24, json::serialize(c.bypass))
        .bind(25, fold_for_search(c.spec.name))
        .bind(26, c.tenant)
        .bind(27, c.sandbox)
        .bind(28, c.id)
        .run();
    refresh_derived(db, c, insert);
    place_in_app_order(db, c, insert);
}

approval::Policy read_policy(const Statement& st) {
    approval::Policy p;
    p.tenant = st.text(0);
    p.id = st.text(1);
    p.name = st.text(2);
    p.scope = parse_stored(approval::parse_scope(st.text(3)), "policy scope");
    p.conditions = approval::parse_conditions(parse_json(st.text(4)), "conditions");
    p.approvers = approval::parse_approvers(parse_json(st.text(5)), "approvers");
    p.required = static_cast<int>(st.integer(6));
    p.active = st.integer(7) != 0;
    p.created_at = from_millis(st.integer(8));
    p.created_by = st.text(9);
    p.updated_at = from_millis(st.integer(10));
    p.updated_by = st.text(11);
    p.revision = st.integer(12);
    return p;
}

void write_policy(Connection& db, const approval::Policy& p, bool insert) {
    const char* sql = insert ? "INSERT INTO approval_policies(name, scope, conditions, approvers, required, active, "
                               "created_at, created_by, updated_at, updated_by, revision, tenant, id) "
                               "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                             : "UPDATE approval_policies SET name = ?, scope = ?, conditions = ?, approvers = ?, "
                               "required = ?, active = ?, created_at = ?, created_by = ?, updated_at = ?, "
                               "updated_by = ?, revision = ? WHERE tenant = ? AND id = ?";
    db.prepare(sql)
        .bind(1, p.name)
        .bind(2, approval::to_string(p.scope))
        .bind(3, json::serialize(approval::to_json(p.conditions)))
        .bind(4, json::serialize(approval::to_json(p.approvers)))
        .bind(5, std::int64_t{p.required})
        .bind(6, std::int64_t{p.active ? 1 : 0})
        .bind(7, to_millis(p.created_at))
        .bind(8, p.created_by)
        .bind(9, to_millis(p.updated_at))
        .bind(10, p.updated_by)
        .bind(11, p.revision)
        .bind(12, p.tenant)
        .bind(13, p.id)
        .run();
}

approval::Review read_review(const Statement& st) {
    approval::Review r;
    r.tenant = st.text(0);
    r.id = st.text(1);
    r.scope = parse_stored(approval::parse_scope(st.text(2)), "review scope");
    r.sandbox = st.text(3);
    r.subject_kind = parse_stored(approval::parse_subject_kind(st.text(4)), "review subject kind");
    r.subject_id = st.text(5);
    r.subject_name = st.text(6);
    r.digest = st.text(7);
    r.state = parse_stored(approval::parse_review_state(st.text(8)), "review state");
    r.requested_by = st.text(9);
    r.last_editor = st.text(10);
    r.requested_at = from_millis(st.integer(11));
    r.decided_at = time_or_null(st.optional_integer(12));
    r.decided_by = st.text(13);
    r.comment = st.text(14);
    return r;
}

void write_review(Connection& db, const approval::Review& r, bool insert) {
    const char* sql = insert
                          ? "INSERT INTO reviews(scope, sandbox, subject_kind, subject_id, subject_name, digest, "
                            "state, requested_by, last_editor, requested_at, decided_at, decided_by, comment, tenant, "
                            "id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
                          : "UPDATE reviews SET scope = ?, sandbox = ?, subject_kind = ?, subject_id = ?, "
                            "subject_name = ?, digest = ?, state = ?, requested_by = ?, last_editor = ?, "
                            "requested_at = ?, decided_at = ?, decided_by = ?, comment = ? WHERE tenant = ? AND id = ?";
    db.prepare(sql)
        .bind(1, approval::to_string(r.scope))
        .bind(2, r.sandbox)
        .bind(3, approval::to_string(r.subject_kind))
        .bind(4, r.subject_id)
        .bind(5, r.subject_name)
        .bind(6, r.digest)
        .bind(7, approval::to_string(r.state))
        .bind(8, r.requested_by)
        .bind(9, r.last_editor)
        .bind(10, to_millis(r.requested_at))
        .bind(11, millis_or_null(r.decided_at))
        .bind(12, r.decided_by)
        .bind(13, r.comment)
        .bind(14, r.tenant)
        .bind(15, r.id)
        .run();
}

CampaignPage query_campaigns(Connection& db, const CampaignQuery& q) {
    using Bound = std::variant<std::string, std::int64_t>;
    std::string where = " WHERE tenant = ? AND sandbox = ?";
    std::vector<Bound> binds{q.tenant, q.sandbox};
    if (!q.statuses.empty()) {
        where += " AND status IN (";
        for (std::size_t i = 0; i < q.statuses.size(); ++i) {
            where += i == 0 ? "?" : ", ?";
            binds.emplace_back(std::string(to_string(q.statuses[i])));
        }
        where += ")";
    }
    if (q.type) {
        where += " AND type = ?";
        binds.emplace_back(std::string(to_string(*q.type)));
    }
    if (q.channel) {
        where +=
            " AND id IN (SELECT campaign_id FROM campaign_channels WHERE tenant = ? AND sandbox = ? AND channel = ?)";
        binds.insert(binds.end(), {q.tenant, q.sandbox, std::string(to_string(*q.channel))});
    }
    if (q.tag) {
        where += " AND id IN (SELECT campaign_id FROM campaign_tags WHERE tenant = ? AND sandbox = ? AND tag = ?)";
        binds.insert(binds.end(), {q.tenant, q.sandbox, *q.tag});
    }
    if (q.created_after) {
        where += " AND created_at >= ?";
        binds.emplace_back(to_millis(*q.created_after));
    }
    if (q.created_before) {
        where += " AND created_at < ?";
        binds.emplace_back(to_millis(*q.created_before));
    }
    if (q.name_contains) {
        // The name and the query, both folded (case and accents, any language: core/search_text.hpp),
        // compared byte for byte: LIKE is case-sensitive in PostgreSQL, and folded text has no ASCII
        // capitals for SQLite's LIKE to fold.
        std::string pattern = "%";
        for (const char ch : fold_for_search(*q.name_contains)) {
            if (ch == '%' || ch == '_' || ch == '\\') pattern.push_back('\\');
            pattern.push_back(ch);
        }
        pattern.push_back('%');
        where += " AND name_folded LIKE ? ESCAPE '\\'";
        binds.emplace_back(pattern);
    }
    auto bind_all = [](Statement& st, const std::vector<Bound>& values) {
        int i = 1;
        for (const auto& v : values) std::visit([&](const auto& x) { st.bind(i++, x); }, v);
    };

    CampaignPage page;
    {
        // Counting stops at the cap: a list answers in bounded time however many campaigns match.
        std::vector<Bound> count_binds = binds;
        count_binds.emplace_back(static_cast<std::int64_t>(q.count_cap + 1));
        auto st = db.prepare("SELECT COUNT(*) FROM (SELECT 1 FROM campaigns" + where + " LIMIT ?) AS matching");
        bind_all(st, count_binds);
        if (st.step()) page.total = st.integer(0);
        if (page.total > static_cast<std::int64_t>(q.count_cap)) {
            page.total = static_cast<std::int64_t>(q.count_cap);
            page.total_capped = true;
        }
    }
    std::string page_where = where;
    std::vector<Bound> page_binds = binds;
    if (q.after) {
        page_where += " AND (updated_at < ? OR (updated_at = ? AND id < ?))";
        page_binds.insert(page_binds.end(), {to_millis(q.after->first), to_millis(q.after->first), q.after->second});
    }
    page_binds.emplace_back(static_cast<std::int64_t>(q.limit + 1));
    auto st = db.prepare("SELECT " + std::string(campaign_columns) + " FROM campaigns" + page_where +
                         " ORDER BY updated_at DESC, id DESC LIMIT ?");
    bind_all(st, page_binds);
    while (st.step()) page.items.push_back(read_campaign(st));
    if (page.items.size() > q.limit) {
        page.items.pop_back();
        page.more = true;
    }
    return page;
}

}  // namespace ferry::sql
