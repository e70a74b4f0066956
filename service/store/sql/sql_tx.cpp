#include "store/sql/sql_tx.hpp"

#include "campaigns/spec.hpp"
#include "core/crypto.hpp"
#include "store/sql/campaign_rows.hpp"
#include "store/sql/import_rows.hpp"
#include "store/sql/pipeline_rows.hpp"
#include "store/sql/values.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <map>

namespace ferry::sql {

namespace {

class SqlTx final : public Tx {
public:
    explicit SqlTx(Connection& conn) : db_(conn) {}

    std::optional<std::string> meta(std::string_view key) override {
        auto st = db_.prepare("SELECT value FROM meta WHERE key = ?");
        st.bind(1, key);
        if (!st.step()) return std::nullopt;
        return st.text(0);
    }

    void set_meta(std::string_view key, std::string_view value) override {
        db_.prepare("INSERT INTO meta(key, value) VALUES(?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value")
            .bind(1, key)
            .bind(2, value)
            .run();
    }

    std::optional<Tenant> tenant(std::string_view id) override {
        auto st = db_.prepare("SELECT id, name, created_at FROM tenants WHERE id = ?");
        st.bind(1, id);
        if (!st.step()) return std::nullopt;
        return read_tenant(st);
    }

    std::vector<Tenant> tenants() override {
        auto st = db_.prepare("SELECT id, name, created_at FROM tenants ORDER BY id");
        std::vector<Tenant> out;
        while (st.step()) out.push_back(read_tenant(st));
        return out;
    }

    void insert_tenant(const Tenant& t) override {
        db_.prepare("INSERT INTO tenants(id, name, created_at) VALUES(?, ?, ?)")
            .bind(1, t.id)
            .bind(2, t.name)
            .bind(3, to_millis(t.created_at))
            .run();
        db_.prepare("INSERT INTO tenant_keys(tenant, review_key) VALUES(?, ?)")
            .bind(1, t.id)
            .bind(2, crypto::random_hex(32))
            .run();
    }

    std::string review_key(std::string_view tenant) override {
        auto st = db_.prepare("SELECT review_key FROM tenant_keys WHERE tenant = ?");
        st.bind(1, tenant);
        if (!st.step()) throw StoreError("tenant " + std::string(tenant) + " has no review key");
        return st.text(0);
    }

    std::optional<Sandbox> sandbox(std::string_view tenant, std::string_view id) override {
        auto st = db_.prepare(std::string(sandbox_columns) + " WHERE tenant = ? AND id = ?");
        st.bind(1, tenant).bind(2, id);
        if (!st.step()) return std::nullopt;
        return read_sandbox(st);
    }

    std::vector<Sandbox> sandboxes(std::string_view tenant) override {
        auto st = db_.prepare(std::string(sandbox_columns) + " WHERE tenant = ? ORDER BY id");
        st.bind(1, tenant);
        std::vector<Sandbox> out;
        while (st.step()) out.push_back(read_sandbox(st));
        return out;
    }

    void insert_sandbox(const Sandbox& s) override {
        db_.prepare(
               "INSERT INTO sandboxes(tenant, id, type, require_approval, description, created_at, updated_at, "
               "revision) VALUES(?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, s.tenant)
            .bind(2, s.id)
            .bind(3, to_string(s.type))
            .bind(4, to_string(s.require_approval))
            .bind(5, s.description)
            .bind(6, to_millis(s.created_at))
            .bind(7, to_millis(s.updated_at))
            .bind(8, s.revision)
            .run();
    }

    void update_sandbox(const Sandbox& s) override {
        db_.prepare(
               "UPDATE sandboxes SET type = ?, require_approval = ?, description = ?, updated_at = ?, revision = ? "
               "WHERE tenant = ? AND id = ?")
            .bind(1, to_string(s.type))
            .bind(2, to_string(s.require_approval))
            .bind(3, s.description)
            .bind(4, to_millis(s.updated_at))
            .bind(5, s.revision)
            .bind(6, s.tenant)
            .bind(7, s.id)
            .run();
    }

    std::vector<std::string> delete_sandbox(std::string_view tenant, std::string_view id) override {
        std::vector<std::string> affected;
        {
            auto st = db_.prepare(
                "SELECT DISTINCT user_id FROM user_roles WHERE tenant = ? AND sandbox = ? ORDER BY user_id");
            st.bind(1, tenant).bind(2, id);
            while (st.step()) affected.push_back(st.text(0));
        }
        for (const std::string& user : affected)
            db_.prepare("UPDATE users SET revision = revision + 1 WHERE tenant = ? AND id = ?")
                .bind(1, tenant)
                .bind(2, user)
                .run();
        db_.prepare("DELETE FROM user_roles WHERE tenant = ? AND sandbox = ?").bind(1, tenant).bind(2, id).run();
        db_.prepare("DELETE FROM sandboxes WHERE tenant = ? AND id = ?").bind(1, tenant).bind(2, id).run();
        return affected;
    }

    std::optional<User> user(std::string_view tenant, std::string_view id) override {
        auto st = db_.prepare(
            "SELECT tenant, id, name, created_at, updated_at, revision, permissions FROM users WHERE tenant = ? AND id "
            "= ?");
        st.bind(1, tenant).bind(2, id);
        if (!st.step()) return std::nullopt;
        User u = read_user(st);
        u.roles = roles_of(u.tenant, u.id);
        return u;
    }

    std::vector<User> users(std::string_view tenant) override {
        std::vector<User> out;
        {
            auto st = db_.prepare(
                "SELECT tenant, id, name, created_at, updated_at, revision, permissions FROM users WHERE tenant = ? "
                "ORDER BY id");
            st.bind(1, tenant);
            while (st.step()) out.push_back(read_user(st));
        }
        for (User& u : out) u.roles = roles_of(u.tenant, u.id);
        return out;
    }

    void insert_user(const User& u) override {
        db_.prepare(
               "INSERT INTO users(tenant, id, name, created_at, updated_at, revision, permissions) VALUES(?, ?, ?, ?, "
               "?, ?, ?)")
            .bind(1, u.tenant)
            .bind(2, u.id)
            .bind(3, u.name)
            .bind(4, to_millis(u.created_at))
            .bind(5, to_millis(u.updated_at))
            .bind(6, u.revision)
            .bind(7, strings_json(u.permissions))
            .run();
        insert_roles(u);
    }

    void update_user(const User& u) override {
        db_.prepare(
               "UPDATE users SET name = ?, updated_at = ?, revision = ?, permissions = ? WHERE tenant = ? AND id = ?")
            .bind(1, u.name)
            .bind(2, to_millis(u.updated_at))
            .bind(3, u.revision)
            .bind(4, strings_json(u.permissions))
            .bind(5, u.tenant)
            .bind(6, u.id)
            .run();
        db_.prepare("DELETE FROM user_roles WHERE tenant = ? AND user_id = ?").bind(1, u.tenant).bind(2, u.id).run();
        insert_roles(u);
    }

    void delete_user(std::string_view tenant, std::string_view id) override {
        db_.prepare("DELETE FROM sessions WHERE tenant = ? AND user_id = ?").bind(1, tenant).bind(2, id).run();
        db_.prepare("DELETE FROM sign_in_links WHERE tenant = ? AND user_id = ?").bind(1, tenant).bind(2, id).run();
        db_.prepare("DELETE FROM tokens WHERE tenant = ? AND user_id = ?").bind(1, tenant).bind(2, id).run();
        db_.prepare("DELETE FROM user_roles WHERE tenant = ? AND user_id = ?").bind(1, tenant).bind(2, id).run();
        db_.prepare("DELETE FROM users WHERE tenant = ? AND id = ?").bind(1, tenant).bind(2, id).run();
    }

    std::optional<Token> token_by_hash(std::string_view hash) override {
        auto st = db_.prepare(std::string(token_columns) + " WHERE hash = ?");
        st.bind(1, hash);
        if (!st.step()) return std::nullopt;
        return read_token(st);
    }

    std::optional<Token> token(std::string_view tenant, std::string_view id) override {
        auto st = db_.prepare(std::string(token_columns) + " WHERE tenant = ? AND id = ?");
        st.bind(1, tenant).bind(2, id);
        if (!st.step()) return std::nullopt;
        return read_token(st);
    }

    std::vector<Token> tokens(std::string_view tenant, std::string_view user) override {
        auto st = db_.prepare(std::string(token_columns) + " WHERE tenant = ? AND user_id = ? ORDER BY created_at, id");
        st.bind(1, tenant).bind(2, user);
        std::vector<Token> out;
        while (st.step()) out.push_back(read_token(st));
        return out;
    }

    void insert_token(const Token& t) override {
        db_.prepare(
               "INSERT INTO tokens(id, tenant, user_id, name, hash, created_at, expires_at, revoked_at) "
               "VALUES(?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, t.id)
            .bind(2, t.tenant)
            .bind(3, t.user)
            .bind(4, t.name)
            .bind(5, t.hash)
            .bind(6, to_millis(t.created_at))
            .bind(7, millis_or_null(t.expires_at))
            .bind(8, millis_or_null(t.revoked_at))
            .run();
    }

    void revoke_token(std::string_view tenant, std::string_view id, Timestamp at) override {
        db_.prepare("UPDATE tokens SET revoked_at = ? WHERE tenant = ? AND id = ? AND revoked_at IS NULL")
            .bind(1, to_millis(at))
            .bind(2, tenant)
            .bind(3, id)
            .run();
    }

    std::optional<BrowserSession> session_by_hash(std::string_view hash) override {
        auto st = db_.prepare(
            "SELECT id, tenant, user_id, hash, token_id, roles, created_at, last_seen_at, expires_at FROM sessions "
            "WHERE hash = ?");
        st.bind(1, hash);
        if (!st.step()) return std::nullopt;
        BrowserSession s;
        s.id = st.text(0);
        s.tenant = st.text(1);
        s.user = st.text(2);
        s.hash = st.text(3);
        s.token_id = st.text(4);
        const boost::json::value roles = boost::json::parse(st.text(5));
        for (const auto& grant : roles.as_array()) {
            const auto& g = grant.as_object();
            s.roles.push_back(RoleGrant{std::string(g.at("sandbox").as_string()),
                                        parse_stored(parse_role(g.at("role").as_string()), "role")});
        }
        s.created_at = from_millis(st.integer(6));
        s.last_seen_at = from_millis(st.integer(7));
        s.expires_at = from_millis(st.integer(8));
        return s;
    }

    void insert_session(const BrowserSession& s) override {
        boost::json::array roles;
        for (const RoleGrant& g : s.roles)
            roles.push_back(boost::json::object{{"sandbox", g.sandbox}, {"role", to_string(g.role)}});
        db_.prepare(
               "INSERT INTO sessions(id, tenant, user_id, hash, token_id, roles, created_at, last_seen_at, expires_at) "
               "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, s.id)
            .bind(2, s.tenant)
            .bind(3, s.user)
            .bind(4, s.hash)
            .bind(5, s.token_id)
            .bind(6, boost::json::serialize(roles))
            .bind(7, to_millis(s.created_at))
            .bind(8, to_millis(s.last_seen_at))
            .bind(9, to_millis(s.expires_at))
            .run();
    }

    void touch_session(std::string_view tenant, std::string_view id, Timestamp at) override {
        db_.prepare("UPDATE sessions SET last_seen_at = ? WHERE tenant = ? AND id = ? AND last_seen_at < ?")
            .bind(1, to_millis(at))
            .bind(2, tenant)
            .bind(3, id)
            .bind(4, to_millis(at))
            .run();
    }

    void delete_session(std::string_view tenant, std::string_view id) override {
        db_.prepare("DELETE FROM sessions WHERE tenant = ? AND id = ?").bind(1, tenant).bind(2, id).run();
    }

    std::size_t delete_ended_sessions(std::string_view tenant, Timestamp now, Timestamp idle_before) override {
        auto st = db_.prepare(
            "DELETE FROM sessions WHERE tenant = ? AND (expires_at <= ? OR last_seen_at <= ?) RETURNING id");
        st.bind(1, tenant).bind(2, to_millis(now)).bind(3, to_millis(idle_before));
        std::size_t removed = 0;
        while (st.step()) ++removed;
        db_.prepare("DELETE FROM sign_in_links WHERE tenant = ? AND expires_at <= ?")
            .bind(1, tenant)
            .bind(2, to_millis(now))
            .run();
        return removed;
    }

    std::optional<SignInLink> sign_in_link_by_hash(std::string_view hash) override {
        auto st = db_.prepare(
            "SELECT hash, tenant, user_id, created_by, created_at, expires_at, used_at FROM sign_in_links WHERE hash = "
            "?");
        st.bind(1, hash);
        if (!st.step()) return std::nullopt;
        SignInLink l;
        l.hash = st.text(0);
        l.tenant = st.text(1);
        l.user = st.text(2);
        l.created_by = st.text(3);
        l.created_at = from_millis(st.integer(4));
        l.expires_at = from_millis(st.integer(5));
        l.used_at = time_or_null(st.optional_integer(6));
        return l;
    }

    void insert_sign_in_link(const SignInLink& l) override {
        db_.prepare(
               "INSERT INTO sign_in_links(hash, tenant, user_id, created_by, created_at, expires_at, used_at) "
               "VALUES(?, ?, ?, ?, ?, ?, ?)")
            .bind(1, l.hash)
            .bind(2, l.tenant)
            .bind(3, l.user)
            .bind(4, l.created_by)
            .bind(5, to_millis(l.created_at))
            .bind(6, to_millis(l.expires_at))
            .bind(7, millis_or_null(l.used_at))
            .run();
    }

    bool use_sign_in_link(std::string_view tenant, std::string_view hash, Timestamp at) override {
        // One statement decides: of two requests racing with one code (on any node), one updates
        // the row and the other finds it used.
        auto st = db_.prepare(
            "UPDATE sign_in_links SET used_at = ? WHERE tenant = ? AND hash = ? AND used_at IS NULL RETURNING hash");
        st.bind(1, to_millis(at)).bind(2, tenant).bind(3, hash);
        return st.step();
    }

    bool sandbox_has_objects(std::string_view tenant, std::string_view sandbox) override {
        for (const char* table : {"campaigns", "segments", "templates"}) {
            auto st = db_.prepare(std::string("SELECT 1 FROM ") + table + " WHERE tenant = ? AND sandbox = ? LIMIT 1");
            st.bind(1, tenant).bind(2, sandbox);
            if (st.step()) return true;
        }
        return false;
    }

    std::optional<Segment> segment(std::string_view tenant, std::string_view sandbox, std::string_view id) override {
        auto st = db_.prepare("SELECT " + std::string(segment_columns) +
                              " FROM segments WHERE tenant = ? AND sandbox = ? AND id = ?");
        st.bind(1, tenant).bind(2, sandbox).bind(3, id);
        if (!st.step()) return std::nullopt;
        return read_segment(st);
    }

    std::vector<Segment> segments(std::string_view tenant, std::string_view sandbox, bool include_archived) override {
        auto st = db_.prepare("SELECT " + std::string(segment_columns) +
                              " FROM segments WHERE tenant = ? AND sandbox = ? AND (archived = 0 OR ?) ORDER BY key");
        st.bind(1, tenant).bind(2, sandbox).bind(3, std::int64_t{include_archived ? 1 : 0});
        std::vector<Segment> out;
        while (st.step()) out.push_back(read_segment(st));
        return out;
    }

    bool segment_key_exists(std::string_view tenant, std::string_view sandbox, std::string_view key) override {
        return exists("SELECT 1 FROM segments WHERE tenant = ? AND sandbox = ? AND key = ?", tenant, sandbox, key);
    }

    void insert_segment(const Segment& s) override { write_segment(db_, s, true); }
    void update_segment(const Segment& s) override { write_segment(db_, s, false); }
    void delete_segment(std::string_view tenant, std::string_view sandbox, std::string_view id) override {
        db_.prepare("DELETE FROM segments WHERE tenant = ? AND sandbox = ? AND id = ?")
            .bind(1, tenant)
            .bind(2, sandbox)
            .bind(3, id)
            .run();
    }

    std::optional<Template> template_(std::string_view tenant, std::string_view sandbox, std::string_view id) override {
        auto st = db_.prepare("SELECT " + std::string(template_columns) +
                              " FROM templates WHERE tenant = ? AND sandbox = ? AND id = ?");
        st.bind(1, tenant).bind(2, sandbox).bind(3, id);
        if (!st.step()) return std::nullopt;
        return read_template(st);
    }

    std::vector<Template> templates(std::string_view tenant, std::string_view sandbox, bool include_archived) override {
        auto st = db_.prepare("SELECT " + std::string(template_columns) +
                              " FROM templates WHERE tenant = ? AND sandbox = ? AND (archived = 0 OR ?) ORDER BY key");
        st.bind(1, tenant).bind(2, sandbox).bind(3, std::int64_t{include_archived ? 1 : 0});
        std::vector<Template> out;
        while (st.step()) out.push_back(read_template(st));
        return out;
    }

    bool template_key_exists(std::string_view tenant, std::string_view sandbox, std::string_view key) override {
        return exists("SELECT 1 FROM templates WHERE tenant = ? AND sandbox = ? AND key = ?", tenant, sandbox, key);
    }

    void insert_template(const Template& t) override { write_template(db_, t, true); }
    void update_template(const Template& t) override { write_template(db_, t, false); }
    void delete_template(std::string_view tenant, std::string_view sandbox, std::string_view id) override {
        db_.prepare("DELETE FROM templates WHERE tenant = ? AND sandbox = ? AND id = ?")
            .bind(1, tenant)
            .bind(2, sandbox)
            .bind(3, id)
            .run();
    }

    std::optional<Campaign> campaign(std::string_view tenant, std::string_view sandbox, std::string_view id) override {
        auto st = db_.prepare("SELECT " + std::string(campaign_columns) +
                              " FROM campaigns WHERE tenant = ? AND sandbox = ? AND id = ?");
        st.bind(1, tenant).bind(2, sandbox).bind(3, id);
        if (!st.step()) return std::nullopt;
        return read_campaign(st);
    }

    bool campaign_key_exists(std::string_view tenant, std::string_view sandbox, std::string_view key) override {
        return exists("SELECT 1 FROM campaigns WHERE tenant = ? AND sandbox = ? AND key = ?", tenant, sandbox, key);
    }

    void insert_campaign(const Campaign& c) override { write_campaign(db_, c, true); }
    void update_campaign(const Campaign& c) override { write_campaign(db_, c, false); }

    void delete_campaign(std::string_view tenant, std::string_view sandbox, std::string_view id) override {
        for (const char* table :
             {"campaign_tags", "campaign_channels", "campaign_refs", "campaign_versions", "in_app_ranks"})
            db_.prepare(std::string("DELETE FROM ") + table + " WHERE tenant = ? AND sandbox = ? AND campaign_id = ?")
                .bind(1, tenant)
                .bind(2, sandbox)
                .bind(3, id)
                .run();
        db_.prepare("DELETE FROM campaigns WHERE tenant = ? AND sandbox = ? AND id = ?")
            .bind(1, tenant)
            .bind(2, sandbox)
            .bind(3, id)
            .run();
    }

    CampaignPage campaigns(const CampaignQuery& query) override { return query_campaigns(db_, query); }

    std::vector<std::string> campaigns_using(std::string_view tenant, std::string_view sandbox, ObjectKind kind,
                                             std::string_view id) override {
        auto st = db_.prepare(
            "SELECT campaign_id FROM campaign_refs WHERE tenant = ? AND sandbox = ? AND kind = ? "
            "AND ref_id = ? ORDER BY campaign_id");
        st.bind(1, tenant).bind(2, sandbox).bind(3, to_string(kind)).bind(4, id);
        std::vector<std::string> out;
        while (st.step()) out.push_back(st.text(0));
        return out;
    }

    std::vector<CampaignRef> campaigns_due(Timestamp now, std::size_t limit) override {
        auto st = db_.prepare(
            "SELECT tenant, sandbox, id FROM campaigns WHERE next_due_at IS NOT NULL AND "
            "next_due_at <= ? ORDER BY next_due_at LIMIT ?");
        st.bind(1, to_millis(now)).bind(2, static_cast<std::int64_t>(limit));
        std::vector<CampaignRef> out;
        while (st.step()) out.push_back(CampaignRef{st.text(0), st.text(1), st.text(2)});
        return out;
    }

    std::vector<Campaign> campaigns_in_window(std::string_view tenant, std::string_view sandbox,
                                              const std::vector<CampaignStatus>& statuses, Timestamp from,
                                              Timestamp to) override {
        std::string sql = "SELECT " + std::string(campaign_columns) +
                          " FROM campaigns WHERE tenant = ? AND sandbox = ? AND window_start < ? AND "
                          "(window_end IS NULL OR window_end > ?) AND status IN (";
        for (std::size_t i = 0; i < statuses.size(); ++i) sql += i == 0 ? "?" : ", ?";
        sql += ") ORDER BY window_start, id";
        auto st = db_.prepare(sql);
        st.bind(1, tenant).bind(2, sandbox).bind(3, to_millis(to)).bind(4, to_millis(from));
        int index = 5;
        for (const CampaignStatus s : statuses) st.bind(index++, to_string(s));
        std::vector<Campaign> out;
        while (st.step()) out.push_back(read_campaign(st));
        return out;
    }

    std::vector<InAppEntry> in_app_entries(std::string_view tenant, std::string_view sandbox) override {
        std::map<std::string, std::int64_t> rank_of;
        {
            auto st = db_.prepare("SELECT campaign_id, rank FROM in_app_ranks WHERE tenant = ? AND sandbox = ?");
            st.bind(1, tenant).bind(2, sandbox);
            while (st.step()) rank_of.emplace(st.text(0), st.integer(1));
        }
        auto st = db_.prepare("SELECT " + std::string(campaign_columns) +
                              " FROM campaigns WHERE tenant = ? AND sandbox = ? AND id IN "
                              "(SELECT campaign_id FROM in_app_ranks WHERE tenant = ? AND sandbox = ?)");
        st.bind(1, tenant).bind(2, sandbox).bind(3, tenant).bind(4, sandbox);
        std::vector<InAppEntry> out;
        while (st.step()) {
            Campaign c = read_campaign(st);
            const auto rank = rank_of.find(c.id);
            out.push_back(InAppEntry{std::move(c), rank == rank_of.end() ? 0 : rank->second});
        }
        return out;
    }

    void rank_in_app(std::string_view tenant, std::string_view sandbox, const std::vector<std::string>& ids) override {
        std::int64_t rank = 0;
        for (const std::string& id : ids)
            db_.prepare("UPDATE in_app_ranks SET rank = ? WHERE tenant = ? AND sandbox = ? AND campaign_id = ?")
                .bind(1, ++rank)
                .bind(2, tenant)
                .bind(3, sandbox)
                .bind(4, id)
                .run();
    }

    void insert_campaign_version(const Campaign& c, const CampaignVersion& v) override {
        db_.prepare(
               "INSERT INTO campaign_versions(tenant, sandbox, campaign_id, version, spec, activated_at, "
               "activated_by) VALUES(?, ?, ?, ?, ?, ?, ?)")
            .bind(1, c.tenant)
            .bind(2, c.sandbox)
            .bind(3, c.id)
            .bind(4, v.version)
            .bind(5, boost::json::serialize(spec_to_json(v.spec)))
            .bind(6, to_millis(v.activated_at))
            .bind(7, v.activated_by)
            .run();
    }

    std::vector<CampaignVersion> campaign_versions(std::string_view tenant, std::string_view sandbox,
                                                   std::string_view id) override {
        auto st = db_.prepare(
            "SELECT version, spec, activated_at, activated_by FROM campaign_versions WHERE tenant = ? "
            "AND sandbox = ? AND campaign_id = ? ORDER BY version DESC");
        st.bind(1, tenant).bind(2, sandbox).bind(3, id);
        std::vector<CampaignVersion> out;
        while (st.step())
            out.push_back(CampaignVersion{st.integer(0), spec_from_json(boost::json::parse(st.text(1)).as_object()),
                                          from_millis(st.integer(2)), st.text(3)});
        return out;
    }

    std::vector<approval::Policy> policies(std::string_view tenant) override {
        auto st = db_.prepare("SELECT " + std::string(policy_columns) +
                              " FROM approval_policies WHERE tenant = ? ORDER BY created_at, id");
        st.bind(1, tenant);
        std::vector<approval::Policy> out;
        while (st.step()) out.push_back(read_policy(st));
        return out;
    }

    std::optional<approval::Policy> policy(std::string_view tenant, std::string_view id) override {
        auto st = db_.prepare("SELECT " + std::string(policy_columns) +
                              " FROM approval_policies WHERE tenant = ? AND id = ?");
        st.bind(1, tenant).bind(2, id);
        if (!st.step()) return std::nullopt;
        return read_policy(st);
    }

    void insert_policy(const approval::Policy& p) override { write_policy(db_, p, true); }
    void update_policy(const approval::Policy& p) override { write_policy(db_, p, false); }

    void delete_policy(std::string_view tenant, std::string_view id) override {
        db_.prepare("DELETE FROM approval_policies WHERE tenant = ? AND id = ?").bind(1, tenant).bind(2, id).run();
    }

    std::optional<approval::Review> review(std::string_view tenant, std::string_view id) override {
        auto st = db_.prepare("SELECT " + std::string(review_columns) + " FROM reviews WHERE tenant = ? AND id = ?");
        st.bind(1, tenant).bind(2, id);
        if (!st.step()) return std::nullopt;
        return read_review(st);
    }

    std::optional<approval::Review> pending_review(std::string_view tenant, std::string_view sandbox,
                                                   std::string_view subject_id) override {
        auto st =
            db_.prepare("SELECT " + std::string(review_columns) +
                        " FROM reviews WHERE tenant = ? AND sandbox = ? AND subject_id = ? AND state = 'pending'");
        st.bind(1, tenant).bind(2, sandbox).bind(3, subject_id);
        if (!st.step()) return std::nullopt;
        return read_review(st);
    }

    std::vector<approval::Review> reviews(std::string_view tenant, std::optional<approval::ReviewState> state,
                                          std::size_t limit) override {
        const std::string sql = "SELECT " + std::string(review_columns) + " FROM reviews WHERE tenant = ?" +
                                (state ? " AND state = ?" : "") + " ORDER BY requested_at DESC, id DESC LIMIT ?";
        auto st = db_.prepare(sql);
        int i = 1;
        st.bind(i++, tenant);
        if (state) st.bind(i++, approval::to_string(*state));
        st.bind(i, static_cast<std::int64_t>(limit));
        std::vector<approval::Review> out;
        while (st.step()) out.push_back(read_review(st));
        return out;
    }

    void insert_review(const approval::Review& r) override { write_review(db_, r, true); }
    void update_review(const approval::Review& r) override { write_review(db_, r, false); }

    std::vector<approval::Approval> approvals(std::string_view tenant, std::string_view review_id) override {
        auto st = db_.prepare(
            "SELECT user_id, digest, at, comment FROM review_approvals WHERE tenant = ? AND review_id = ? ORDER BY at, "
            "user_id");
        st.bind(1, tenant).bind(2, review_id);
        std::vector<approval::Approval> out;
        while (st.step())
            out.push_back(approval::Approval{st.text(0), st.text(1), from_millis(st.integer(2)), st.text(3)});
        return out;
    }

    void insert_approval(std::string_view tenant, std::string_view review_id, const approval::Approval& a) override {
        db_.prepare(
               "INSERT INTO review_approvals(tenant, review_id, user_id, digest, at, comment) VALUES(?, ?, ?, ?, ?, ?)")
            .bind(1, tenant)
            .bind(2, review_id)
            .bind(3, a.user)
            .bind(4, a.digest)
            .bind(5, to_millis(a.at))
            .bind(6, a.comment)
            .run();
    }

    void delete_approval(std::string_view tenant, std::string_view review_id, std::string_view user) override {
        db_.prepare("DELETE FROM review_approvals WHERE tenant = ? AND review_id = ? AND user_id = ?")
            .bind(1, tenant)
            .bind(2, review_id)
            .bind(3, user)
            .run();
    }

    std::vector<Webhook> webhooks(std::string_view tenant) override {
        auto st = db_.prepare(
            "SELECT tenant, id, url, events, secret, created_at, created_by FROM webhooks WHERE tenant = ? ORDER BY "
            "created_at, id");
        st.bind(1, tenant);
        std::vector<Webhook> out;
        while (st.step()) out.push_back(read_webhook(st));
        return out;
    }

    std::optional<Webhook> webhook(std::string_view tenant, std::string_view id) override {
        auto st = db_.prepare(
            "SELECT tenant, id, url, events, secret, created_at, created_by FROM webhooks WHERE tenant = ? AND id = ?");
        st.bind(1, tenant).bind(2, id);
        if (!st.step()) return std::nullopt;
        return read_webhook(st);
    }

    void insert_webhook(const Webhook& w) override {
        db_.prepare(
               "INSERT INTO webhooks(tenant, id, url, events, secret, created_at, created_by) VALUES(?, ?, ?, ?, ?, ?, "
               "?)")
            .bind(1, w.tenant)
            .bind(2, w.id)
            .bind(3, w.url)
            .bind(4, strings_json(w.events))
            .bind(5, w.secret)
            .bind(6, to_millis(w.created_at))
            .bind(7, w.created_by)
            .run();
    }

    void delete_webhook(std::string_view tenant, std::string_view id) override {
        db_.prepare("DELETE FROM outbox WHERE tenant = ? AND webhook_id = ? AND state = 'pending'")
            .bind(1, tenant)
            .bind(2, id)
            .run();
        db_.prepare("DELETE FROM webhooks WHERE tenant = ? AND id = ?").bind(1, tenant).bind(2, id).run();
    }

    void insert_outbox(const OutboxItem& o) override {
        db_.prepare(
               "INSERT INTO outbox(tenant, webhook_id, event_id, event_type, payload, created_at, attempts, "
               "next_attempt_at, state, last_error) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, o.tenant)
            .bind(2, o.webhook_id)
            .bind(3, o.event_id)
            .bind(4, o.event_type)
            .bind(5, o.payload)
            .bind(6, to_millis(o.created_at))
            .bind(7, std::int64_t{o.attempts})
            .bind(8, to_millis(o.next_attempt_at))
            .bind(9, to_string(o.state))
            .bind(10, o.last_error)
            .run();
    }

    std::vector<OutboxItem> due_outbox(Timestamp now, std::size_t limit,
                                       const std::vector<std::string>& skip) override {
        return read_due_outbox(now, limit, false, skip);
    }

    std::vector<OutboxItem> claim_outbox(Timestamp now, std::size_t limit, Timestamp hold_until, std::string_view node,
                                         const std::vector<std::string>& skip) override {
        std::vector<OutboxItem> out = read_due_outbox(now, limit, true, skip);
        for (const OutboxItem& o : out)
            db_.prepare("UPDATE outbox SET next_attempt_at = ?, claimed_by = ? WHERE seq = ?")
                .bind(1, to_millis(hold_until))
                .bind(2, node)
                .bind(3, o.seq)
                .run();
        return out;
    }

    std::size_t release_outbox_claims(std::string_view node, Timestamp now) override {
        std::size_t released = 0;
        {
            auto st = db_.prepare("SELECT count(*) FROM outbox WHERE claimed_by = ? AND state = 'pending'");
            st.bind(1, node);
            if (st.step()) released = static_cast<std::size_t>(st.integer(0));
        }
        db_.prepare("UPDATE outbox SET next_attempt_at = ?, claimed_by = '' WHERE claimed_by = ? AND state = 'pending'")
            .bind(1, to_millis(now))
            .bind(2, node)
            .run();
        return released;
    }

    void update_outbox(const OutboxItem& o) override {
        db_.prepare(
               "UPDATE outbox SET attempts = ?, next_attempt_at = ?, state = ?, last_error = ?, claimed_by = '', "
               "finished_at = ? WHERE seq = ?")
            .bind(1, std::int64_t{o.attempts})
            .bind(2, to_millis(o.next_attempt_at))
            .bind(3, to_string(o.state))
            .bind(4, o.last_error)
            .bind(5, millis_or_null(o.finished_at))
            .bind(6, o.seq)
            .run();
    }

    std::size_t prune_webhook_history(Timestamp before, std::size_t batch) override {
        std::size_t removed = 0;
        auto events = db_.prepare(
            "DELETE FROM outbox WHERE seq IN (SELECT seq FROM outbox WHERE finished_at IS NOT NULL AND finished_at < ? "
            "LIMIT ?) RETURNING seq");
        events.bind(1, to_millis(before)).bind(2, static_cast<std::int64_t>(batch));
        while (events.step()) ++removed;
        auto log = db_.prepare(
            "DELETE FROM webhook_deliveries WHERE (tenant, webhook_id, event_id, attempt) IN (SELECT tenant, "
            "webhook_id, "
            "event_id, attempt FROM webhook_deliveries WHERE at < ? LIMIT ?) RETURNING attempt");
        log.bind(1, to_millis(before)).bind(2, static_cast<std::int64_t>(batch));
        while (log.step()) ++removed;
        return removed;
    }

    void insert_delivery(const Delivery& d) override {
        db_.prepare(
               "INSERT INTO webhook_deliveries(tenant, webhook_id, event_id, event_type, attempt, at, "
               "status_code, error, duration_ms) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?) "
               "ON CONFLICT(tenant, webhook_id, event_id, attempt) DO UPDATE SET event_type = excluded.event_type, at "
               "= excluded.at, status_code = excluded.status_code, error = excluded.error, duration_ms = "
               "excluded.duration_ms")
            .bind(1, d.tenant)
            .bind(2, d.webhook_id)
            .bind(3, d.event_id)
            .bind(4, d.event_type)
            .bind(5, std::int64_t{d.attempt})
            .bind(6, to_millis(d.at))
            .bind(7, std::int64_t{d.status_code})
            .bind(8, d.error)
            .bind(9, d.duration_ms)
            .run();
    }

    std::vector<Delivery> deliveries(std::string_view tenant, std::string_view webhook_id, std::size_t limit) override {
        auto st = db_.prepare(
            "SELECT tenant, webhook_id, event_id, event_type, attempt, at, status_code, error, duration_ms "
            "FROM webhook_deliveries WHERE tenant = ? AND webhook_id = ? ORDER BY at DESC, attempt DESC LIMIT ?");
        st.bind(1, tenant).bind(2, webhook_id).bind(3, static_cast<std::int64_t>(limit));
        std::vector<Delivery> out;
        while (st.step())
            out.push_back(Delivery{st.text(0), st.text(1), st.text(2), st.text(3), static_cast<int>(st.integer(4)),
                                   from_millis(st.integer(5)), static_cast<int>(st.integer(6)), st.text(7),
                                   st.integer(8)});
        return out;
    }

    OutboxBacklog outbox_backlog() override {
        auto st = db_.prepare("SELECT count(*), min(created_at) FROM outbox WHERE state = 'pending'");
        OutboxBacklog out;
        if (!st.step()) return out;
        out.pending = st.integer(0);
        if (const auto oldest = st.optional_integer(1)) out.oldest = from_millis(*oldest);
        return out;
    }

    std::vector<std::pair<std::string, std::int64_t>> pending_reviews_by_tenant() override {
        // One index range per tenant (reviews_by_state), so the cost follows the pending reviews.
        auto st = db_.prepare(
            "SELECT t.id, (SELECT count(*) FROM reviews r WHERE r.tenant = t.id AND r.state = 'pending') "
            "FROM tenants t ORDER BY t.id");
        std::vector<std::pair<std::string, std::int64_t>> out;
        while (st.step()) out.emplace_back(st.text(0), st.integer(1));
        return out;
    }

    std::vector<packager::SigningKeyRecord> signing_keys(std::string_view tenant) override {
        auto st = db_.prepare(
            "SELECT tenant, key_id, public_pem, active, created_at FROM signing_keys WHERE tenant = ? ORDER BY "
            "created_at DESC, key_id");
        st.bind(1, tenant);
        std::vector<packager::SigningKeyRecord> out;
        while (st.step())
            out.push_back({st.text(0), st.text(1), st.text(2), st.integer(3) != 0, from_millis(st.integer(4))});
        return out;
    }

    void insert_signing_key(const packager::SigningKeyRecord& k) override {
        db_.prepare("UPDATE signing_keys SET active = 0 WHERE tenant = ?").bind(1, k.tenant).run();
        db_.prepare("INSERT INTO signing_keys(tenant, key_id, public_pem, active, created_at) VALUES(?, ?, ?, ?, ?)")
            .bind(1, k.tenant)
            .bind(2, k.key_id)
            .bind(3, k.public_pem)
            .bind(4, std::int64_t{k.active ? 1 : 0})
            .bind(5, to_millis(k.created_at))
            .run();
    }

    std::optional<packager::Package> package(std::string_view tenant, std::string_view name) override {
        auto st = db_.prepare(std::string(package_columns) + " WHERE tenant = ? AND name = ?");
        st.bind(1, tenant).bind(2, name);
        if (!st.step()) return std::nullopt;
        return read_package(st);
    }

    std::vector<packager::Package> packages(std::string_view tenant) override {
        auto st = db_.prepare(std::string(package_columns) + " WHERE tenant = ? AND deleted = 0 ORDER BY name");
        st.bind(1, tenant);
        std::vector<packager::Package> out;
        while (st.step()) out.push_back(read_package(st));
        return out;
    }

    void upsert_package(const packager::Package& p) override {
        db_.prepare(
               "INSERT INTO packages(tenant, name, source_sandbox, kind, description, campaigns, deleted, "
               "last_version, "
               "created_at, created_by, updated_at, updated_by, revision) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, "
               "?) "
               "ON CONFLICT(tenant, name) DO UPDATE SET source_sandbox = excluded.source_sandbox, kind = "
               "excluded.kind, "
               "description = excluded.description, campaigns = excluded.campaigns, deleted = excluded.deleted, "
               "last_version = excluded.last_version, created_at = excluded.created_at, created_by = "
               "excluded.created_by, "
               "updated_at = excluded.updated_at, updated_by = excluded.updated_by, revision = excluded.revision")
            .bind(1, p.tenant)
            .bind(2, p.name)
            .bind(3, p.source_sandbox)
            .bind(4, packager::to_string(p.kind))
            .bind(5, p.description)
            .bind(6, strings_json(p.campaigns))
            .bind(7, std::int64_t{p.deleted ? 1 : 0})
            .bind(8, p.last_version)
            .bind(9, to_millis(p.created_at))
            .bind(10, p.created_by)
            .bind(11, to_millis(p.updated_at))
            .bind(12, p.updated_by)
            .bind(13, p.revision)
            .run();
    }

    std::vector<packager::PackageVersion> package_versions(std::string_view tenant, std::string_view package) override {
        auto st = db_.prepare(std::string(version_columns) + " WHERE tenant = ? AND package = ? ORDER BY version");
        st.bind(1, tenant).bind(2, package);
        std::vector<packager::PackageVersion> out;
        while (st.step()) out.push_back(read_version(st));
        return out;
    }

    std::vector<packager::PackageVersion> unfinished_versions() override {
        auto st =
            db_.prepare(std::string(version_columns) + " WHERE state = 'publishing' ORDER BY tenant, package, version");
        std::vector<packager::PackageVersion> out;
        while (st.step()) out.push_back(read_version(st));
        return out;
    }

    void upsert_package_version(const packager::PackageVersion& v) override {
        db_.prepare(
               "INSERT INTO package_versions(tenant, package, version, state, commit_id, tag, digest, created_at, "
               "created_by, review_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
               "ON CONFLICT(tenant, package, version) DO UPDATE SET state = excluded.state, commit_id = "
               "excluded.commit_id, tag = excluded.tag, digest = excluded.digest, created_at = excluded.created_at, "
               "created_by = excluded.created_by, review_id = excluded.review_id")
            .bind(1, v.tenant)
            .bind(2, v.package)
            .bind(3, v.version)
            .bind(4, packager::to_string(v.state))
            .bind(5, v.commit)
            .bind(6, v.tag)
            .bind(7, v.digest)
            .bind(8, to_millis(v.created_at))
            .bind(9, v.created_by)
            .bind(10, v.review_id)
            .run();
    }

    void delete_package_version(std::string_view tenant, std::string_view package, std::int64_t version) override {
        db_.prepare("DELETE FROM package_versions WHERE tenant = ? AND package = ? AND version = ?")
            .bind(1, tenant)
            .bind(2, package)
            .bind(3, version)
            .run();
    }

    std::vector<pipelines::Pipeline> pipelines(std::string_view tenant) override { return list_pipelines(db_, tenant); }
    std::optional<pipelines::Pipeline> pipeline(std::string_view tenant, std::string_view name) override {
        return find_pipeline(db_, tenant, name);
    }
    std::optional<pipelines::Pipeline> pipeline_of_sandbox(std::string_view tenant, std::string_view sandbox) override {
        return find_pipeline_of_sandbox(db_, tenant, sandbox);
    }
    void upsert_pipeline(const pipelines::Pipeline& p) override { write_pipeline(db_, p); }
    void delete_pipeline(std::string_view tenant, std::string_view name) override {
        remove_pipeline(db_, tenant, name);
    }
    std::optional<pipelines::Promotion> promotion(std::string_view tenant, std::string_view id) override {
        return find_promotion(db_, tenant, id);
    }
    std::vector<pipelines::Promotion> promotions(std::string_view tenant, std::size_t limit) override {
        return list_promotions(db_, tenant, limit);
    }
    void upsert_promotion(const pipelines::Promotion& p) override { write_promotion(db_, p); }
    std::vector<std::pair<std::string, std::string>> due_promotions(Timestamp now, std::size_t limit) override {
        return list_due_promotions(db_, now, limit);
    }
    std::vector<pipelines::FreezeWindow> freeze_windows(std::string_view tenant, std::string_view sandbox) override {
        return list_freeze_windows(db_, tenant, sandbox);
    }
    void insert_freeze_window(const pipelines::FreezeWindow& w) override { insert_freeze(db_, w); }
    void delete_freeze_window(std::string_view tenant, std::string_view sandbox, std::string_view id) override {
        remove_freeze(db_, tenant, sandbox, id);
    }
    std::vector<pipelines::Subscription> subscriptions(std::string_view tenant) override {
        return list_subscriptions(db_, tenant);
    }
    std::optional<pipelines::Subscription> subscription(std::string_view tenant, std::string_view id) override {
        return find_subscription(db_, tenant, id);
    }
    void upsert_subscription(const pipelines::Subscription& s) override { write_subscription(db_, s); }
    void delete_subscription(std::string_view tenant, std::string_view id) override {
        remove_subscription(db_, tenant, id);
    }
    std::vector<std::pair<std::string, std::string>> active_subscriptions(std::size_t limit) override {
        return list_active_subscriptions(db_, limit);
    }

    std::optional<ImportRecord> import_record(std::string_view tenant, std::string_view id) override {
        return find_import(db_, tenant, id);
    }
    std::vector<ImportRecord> imports(std::string_view tenant, std::string_view sandbox, std::size_t limit) override {
        return list_imports(db_, tenant, sandbox, limit);
    }
    std::optional<ImportRecord> last_applied_import(std::string_view tenant, std::string_view sandbox,
                                                    std::string_view package) override {
        return sql::last_applied_import(db_, tenant, sandbox, package);
    }
    void upsert_import(const ImportRecord& record) override { write_import(db_, record); }
    void insert_import_touch(std::string_view tenant, std::string_view import_id, const ImportTouch& touch) override {
        insert_touch(db_, tenant, import_id, touch);
    }
    std::vector<ImportTouch> import_touches(std::string_view tenant, std::string_view import_id) override {
        return list_touches(db_, tenant, import_id);
    }
    std::vector<ImportOrigin> import_origins(std::string_view tenant, std::string_view sandbox) override {
        return list_origins(db_, tenant, sandbox);
    }
    std::optional<ImportOrigin> import_origin(std::string_view tenant, std::string_view sandbox, ObjectKind kind,
                                              std::string_view object_id) override {
        return find_origin(db_, tenant, sandbox, kind, object_id);
    }
    void upsert_import_origin(const ImportOrigin& origin) override { write_origin(db_, origin); }
    void delete_import_origin(std::string_view tenant, std::string_view sandbox, ObjectKind kind,
                              std::string_view object_id) override {
        delete_origin(db_, tenant, sandbox, kind, object_id);
    }
    std::vector<DriftMark> drift_marks(std::string_view tenant, std::string_view sandbox) override {
        return list_drift_marks(db_, tenant, sandbox);
    }
    void upsert_drift_mark(const DriftMark& mark) override { write_drift_mark(db_, mark); }
    std::vector<std::pair<std::string, std::string>> sandboxes_with_origins(std::size_t limit) override {
        return list_sandboxes_with_origins(db_, limit);
    }
    std::optional<IdempotentResult> idempotent_result(std::string_view tenant, std::string_view token,
                                                      std::string_view key) override {
        return find_idempotent(db_, tenant, token, key);
    }
    void insert_idempotent_result(const IdempotentResult& result) override { insert_idempotent(db_, result); }
    std::optional<StoredPlan> stored_plan(std::string_view tenant, std::string_view sandbox,
                                          std::string_view digest) override {
        return find_plan(db_, tenant, sandbox, digest);
    }
    void upsert_stored_plan(const StoredPlan& plan, Timestamp forget_before) override {
        write_plan(db_, plan, forget_before);
    }

    std::optional<AuditRecord> last_audit(std::string_view tenant) override {
        auto st = db_.prepare(std::string(audit_columns) + " WHERE tenant = ? ORDER BY seq DESC LIMIT 1");
        st.bind(1, tenant);
        if (!st.step()) return std::nullopt;
        return read_audit(st);
    }

    void insert_audit(const AuditRecord& r) override {
        db_.prepare(
               "INSERT INTO audit(tenant, seq, at, actor, action, target, request_id, details, prev_hash, hash) "
               "VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
            .bind(1, r.tenant)
            .bind(2, r.seq)
            .bind(3, to_millis(r.at))
            .bind(4, r.actor)
            .bind(5, r.action)
            .bind(6, r.target)
            .bind(7, r.request_id)
            .bind(8, r.details)
            .bind(9, r.prev_hash)
            .bind(10, r.hash)
            .run();
    }

    std::vector<AuditRecord> audit_page(std::string_view tenant, std::int64_t after_seq, std::size_t limit) override {
        auto st = db_.prepare(std::string(audit_columns) + " WHERE tenant = ? AND seq > ? ORDER BY seq LIMIT ?");
        st.bind(1, tenant).bind(2, after_seq).bind(3, static_cast<std::int64_t>(limit));
        std::vector<AuditRecord> out;
        while (st.step()) out.push_back(read_audit(st));
        return out;
    }

private:
    static constexpr std::string_view sandbox_columns =
        "SELECT tenant, id, type, require_approval, description, created_at, updated_at, revision FROM sandboxes";
    static constexpr std::string_view token_columns =
        "SELECT id, tenant, user_id, name, hash, created_at, expires_at, revoked_at FROM tokens";
    static constexpr std::string_view audit_columns =
        "SELECT tenant, seq, at, actor, action, target, request_id, details, prev_hash, hash FROM audit";

    static Tenant read_tenant(const Statement& st) {
        return Tenant{st.text(0), st.text(1), from_millis(st.integer(2))};
    }

    static Sandbox read_sandbox(const Statement& st) {
        Sandbox s;
        s.tenant = st.text(0);
        s.id = st.text(1);
        s.type = parse_stored(parse_sandbox_type(st.text(2)), "sandbox type");
        s.require_approval = parse_stored(parse_approval_requirement(st.text(3)), "approval requirement");
        s.description = st.text(4);
        s.created_at = from_millis(st.integer(5));
        s.updated_at = from_millis(st.integer(6));
        s.revision = st.integer(7);
        return s;
    }

    static User read_user(const Statement& st) {
        User u;
        u.tenant = st.text(0);
        u.id = st.text(1);
        u.name = st.text(2);
        u.created_at = from_millis(st.integer(3));
        u.updated_at = from_millis(st.integer(4));
        u.revision = st.integer(5);
        const boost::json::value permissions = boost::json::parse(st.text(6));
        for (const auto& p : permissions.as_array()) u.permissions.emplace_back(p.as_string());
        return u;
    }

    static Token read_token(const Statement& st) {
        Token t;
        t.id = st.text(0);
        t.tenant = st.text(1);
        t.user = st.text(2);
        t.name = st.text(3);
        t.hash = st.text(4);
        t.created_at = from_millis(st.integer(5));
        t.expires_at = time_or_null(st.optional_integer(6));
        t.revoked_at = time_or_null(st.optional_integer(7));
        return t;
    }

    static AuditRecord read_audit(const Statement& st) {
        AuditRecord r;
        r.tenant = st.text(0);
        r.seq = st.integer(1);
        r.at = from_millis(st.integer(2));
        r.actor = st.text(3);
        r.action = st.text(4);
        r.target = st.text(5);
        r.request_id = st.text(6);
        r.details = st.text(7);
        r.prev_hash = st.text(8);
        r.hash = st.text(9);
        return r;
    }

    static constexpr std::string_view package_columns =
        "SELECT tenant, name, source_sandbox, kind, description, campaigns, deleted, last_version, created_at, "
        "created_by, updated_at, updated_by, revision FROM packages";
    static constexpr std::string_view version_columns =
        "SELECT tenant, package, version, state, commit_id, tag, digest, created_at, created_by, review_id FROM "
        "package_versions";

    static packager::Package read_package(const Statement& st) {
        packager::Package p;
        p.tenant = st.text(0);
        p.name = st.text(1);
        p.source_sandbox = st.text(2);
        p.kind = parse_stored(packager::parse_package_kind(st.text(3)), "package kind");
        p.description = st.text(4);
        const boost::json::value campaigns = boost::json::parse(st.text(5));
        for (const auto& c : campaigns.as_array()) p.campaigns.emplace_back(c.as_string());
        p.deleted = st.integer(6) != 0;
        p.last_version = st.integer(7);
        p.created_at = from_millis(st.integer(8));
        p.created_by = st.text(9);
        p.updated_at = from_millis(st.integer(10));
        p.updated_by = st.text(11);
        p.revision = st.integer(12);
        return p;
    }

    static packager::PackageVersion read_version(const Statement& st) {
        return packager::PackageVersion{
            st.text(0),
            st.text(1),
            st.integer(2),
            parse_stored(packager::parse_version_state(st.text(3)), "package version state"),
            st.text(4),
            st.text(5),
            st.text(6),
            st.text(8),
            from_millis(st.integer(7)),
            st.text(9)};
    }

    static Webhook read_webhook(const Statement& st) {
        Webhook w;
        w.tenant = st.text(0);
        w.id = st.text(1);
        w.url = st.text(2);
        const boost::json::value events = boost::json::parse(st.text(3));
        for (const auto& e : events.as_array()) w.events.emplace_back(e.as_string());
        w.secret = st.text(4);
        w.created_at = from_millis(st.integer(5));
        w.created_by = st.text(6);
        return w;
    }

    // SQLite has one writer, so a claim needs no row lock; PostgreSQL nodes skip the rows another
    // node is claiming at the same moment instead of waiting for them.
    std::vector<OutboxItem> read_due_outbox(Timestamp now, std::size_t limit, bool claim,
                                            const std::vector<std::string>& skip) {
        std::string sql =
            "SELECT seq, tenant, webhook_id, event_id, event_type, payload, created_at, attempts, "
            "next_attempt_at, last_error FROM outbox WHERE state = 'pending' AND next_attempt_at <= ?";
        if (!skip.empty()) {
            sql += " AND webhook_id NOT IN (?";
            for (std::size_t i = 1; i < skip.size(); ++i) sql += ", ?";
            sql += ")";
        }
        sql += " ORDER BY next_attempt_at, seq LIMIT ?";
        if (claim && db_.dialect() == Dialect::postgres) sql += " FOR UPDATE SKIP LOCKED";
        auto st = db_.prepare(sql);
        int index = 1;
        st.bind(index++, to_millis(now));
        for (const auto& webhook : skip) st.bind(index++, webhook);
        st.bind(index, static_cast<std::int64_t>(limit));
        std::vector<OutboxItem> out;
        while (st.step()) {
            OutboxItem o;
            o.seq = st.integer(0);
            o.tenant = st.text(1);
            o.webhook_id = st.text(2);
            o.event_id = st.text(3);
            o.event_type = st.text(4);
            o.payload = st.text(5);
            o.created_at = from_millis(st.integer(6));
            o.attempts = static_cast<int>(st.integer(7));
            o.next_attempt_at = from_millis(st.integer(8));
            o.last_error = st.text(9);
            out.push_back(std::move(o));
        }
        return out;
    }

    bool exists(const char* sql, std::string_view a, std::string_view b, std::string_view c) {
        auto st = db_.prepare(sql);
        st.bind(1, a).bind(2, b).bind(3, c);
        return st.step();
    }

    std::vector<RoleGrant> roles_of(std::string_view tenant, std::string_view user) {
        auto st =
            db_.prepare("SELECT sandbox, role FROM user_roles WHERE tenant = ? AND user_id = ? ORDER BY sandbox, role");
        st.bind(1, tenant).bind(2, user);
        std::vector<RoleGrant> out;
        while (st.step()) out.push_back(RoleGrant{st.text(0), parse_stored(parse_role(st.text(1)), "role")});
        return out;
    }

    void insert_roles(const User& u) {
        for (const RoleGrant& g : u.roles) {
            db_.prepare(
                   "INSERT INTO user_roles(tenant, user_id, sandbox, role) VALUES(?, ?, ?, ?) ON CONFLICT DO NOTHING")
                .bind(1, u.tenant)
                .bind(2, u.id)
                .bind(3, g.sandbox)
                .bind(4, to_string(g.role))
                .run();
        }
    }

    Connection& db_;
};

}  // namespace

std::unique_ptr<Tx> make_tx(Connection& db) { return std::make_unique<SqlTx>(db); }

}  // namespace ferry::sql
