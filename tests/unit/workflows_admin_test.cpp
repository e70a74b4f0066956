// The administration use cases of service/workflows (tenants, sandboxes, users, tokens, the
// signing key, webhooks, sessions, refusals, policies, segments, templates, creating and deleting
// campaigns) over a temporary SQLite store and a manual clock, with no HTTP: each records its
// action in the tenant's audit chain through the Journal, and refuses what it must.

#include "core/error.hpp"
#include "core/time.hpp"
#include "store/sqlite/sqlite_store.hpp"
#include "tenancy/sessions.hpp"
#include "use_case_store.hpp"
#include "workflows/objects.hpp"
#include "workflows/policies.hpp"
#include "workflows/sessions.hpp"
#include "workflows/tenants.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <filesystem>
#include <functional>

using namespace ferry;
namespace json = boost::json;
using workflows::Actor;

namespace {

// Keys without files: the public record only.
class FakeKeys final : public keys::KeyStore {
public:
    packager::SigningKeyRecord create(const std::string& tenant, Timestamp now) const override {
        packager::SigningKeyRecord r;
        r.tenant = tenant;
        r.key_id = "key-" + std::to_string(++made_);
        r.public_pem = "pem";
        r.created_at = now;
        return r;
    }
    std::string private_pem(const std::string&, const std::string&) const override { return {}; }

private:
    mutable int made_ = 0;
};

class WorkflowsAdmin : public ::testing::Test {
protected:
    void SetUp() override {
        dir_ = test::make_temp_dir("ferry-workflows-admin");
        store_ = test::open_acme_store(dir_, clock_.now());
        store_->write([&](Tx& tx) {
            User u;
            u.tenant = "acme";
            u.id = "adm";
            u.name = "Admin";
            u.roles = {RoleGrant{std::string(all_sandboxes), Role::admin}};
            u.created_at = u.updated_at = clock_.now();
            tx.insert_user(u);
        });
    }
    void TearDown() override {
        store_.reset();
        std::filesystem::remove_all(dir_);
    }

    Actor admin() {
        Principal p;
        p.tenant = "acme";
        p.user = "adm";
        p.token_id = "tok_adm";
        p.roles = {RoleGrant{std::string(all_sandboxes), Role::admin}};
        return Actor::of(p, clock_.now(), "req-adm");
    }

    Actor operator_() {
        Principal p;
        p.is_operator = true;
        return Actor::of(p, clock_.now(), "req-op");
    }

    template <class F>
    auto write(F&& f) {
        return store_->write([&](Tx& tx) { return f(tx); });
    }

    // The tenant's last audit record, with its details parsed.
    AuditRecord last(const std::string& tenant = "acme") {
        const auto r = store_->read([&](Tx& tx) { return tx.last_audit(tenant); });
        EXPECT_TRUE(r.has_value());
        return r.value_or(AuditRecord{});
    }
    json::object details(const AuditRecord& r) { return json::parse(r.details).as_object(); }
    std::int64_t seq(const std::string& tenant = "acme") {
        const auto r = store_->read([&](Tx& tx) { return tx.last_audit(tenant); });
        return r ? r->seq : 0;
    }

    // The code of the Error the write throws, or "" when it throws none.
    std::string refusal(const std::function<void(Tx&)>& f) {
        try {
            store_->write(f);
        } catch (const Error& e) {
            return e.code();
        }
        return "";
    }

    std::filesystem::path dir_;
    ManualClock clock_{from_millis(1'800'000'000'000)};
    std::unique_ptr<Store> store_;
};

}  // namespace

TEST_F(WorkflowsAdmin, ATenantStartsWithItsAdministratorAndIsRecordedOnce) {
    const FakeKeys keys;
    Tenant t{"globex", "Globex", clock_.now()};
    const auto key = keys.create("globex", clock_.now());
    const std::string secret = write([&](Tx& tx) { return workflows::create_tenant(tx, operator_(), t, key); });
    EXPECT_FALSE(secret.empty());
    const AuditRecord r = last("globex");
    EXPECT_EQ(r.action, "tenant.create");
    EXPECT_EQ(r.target, "tenants/globex");
    EXPECT_EQ(r.actor, "operator");
    EXPECT_EQ(details(r).at("name"), "Globex");
    EXPECT_TRUE(store_->read([](Tx& tx) { return tx.user("globex", "admin").has_value(); }));
    EXPECT_EQ(store_->read([](Tx& tx) { return tx.tokens("globex", "admin").size(); }), 1U);

    EXPECT_EQ(refusal([&](Tx& tx) { workflows::create_tenant(tx, operator_(), t, std::nullopt); }), "already_exists");
    EXPECT_EQ(seq("globex"), 1);
}

TEST_F(WorkflowsAdmin, TheSigningKeyRotationIsRecordedWithTheNewKey) {
    const FakeKeys keys;
    const auto record = write([&](Tx& tx) { return workflows::rotate_signing_key(tx, admin(), keys); });
    const AuditRecord r = last();
    EXPECT_EQ(r.action, "signing_key.rotate");
    EXPECT_EQ(r.target, "signing-key");
    EXPECT_EQ(details(r).at("key_id").as_string(), record.key_id);
    EXPECT_EQ(details(r).at("token_id"), "tok_adm");
}

TEST_F(WorkflowsAdmin, SandboxesAreCreatedEditedAndDeletedOnlyWhenEmpty) {
    Sandbox s;
    s.id = "dev";
    s.type = SandboxType::development;
    write([&](Tx& tx) { return workflows::create_sandbox(tx, admin(), s); });
    EXPECT_EQ(last().action, "sandbox.create");
    EXPECT_EQ(last().target, "sandboxes/dev");
    EXPECT_EQ(details(last()).at("type"), "development");
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::create_sandbox(tx, admin(), s); }), "already_exists");

    const auto dev = [&] { return *store_->read([](Tx& tx) { return tx.sandbox("acme", "dev"); }); };
    workflows::SandboxEdit type_change;
    type_change.type = "production";
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::edit_sandbox(tx, admin(), dev(), type_change); }), "invalid_field");
    workflows::SandboxEdit edit;
    edit.require_approval = "always";
    const Sandbox edited = write([&](Tx& tx) { return workflows::edit_sandbox(tx, admin(), dev(), edit); });
    EXPECT_EQ(edited.require_approval, ApprovalRequirement::always);
    EXPECT_EQ(edited.revision, 2);
    EXPECT_EQ(last().action, "sandbox.update");
    EXPECT_EQ(details(last()).at("require_approval"), "always");

    Segment seg;
    seg.sandbox = "dev";
    seg.name = "Everyone";
    write([&](Tx& tx) { return workflows::create_segment(tx, admin(), seg, std::nullopt); });
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::delete_sandbox(tx, admin(), dev()); }), "sandbox_not_empty");

    write([&](Tx& tx) { workflows::delete_sandbox(tx, admin(), *tx.sandbox("acme", "prod")); });
    EXPECT_EQ(last().action, "sandbox.delete");
    EXPECT_EQ(last().target, "sandboxes/prod");
    EXPECT_TRUE(details(last()).at("grants_removed_from").is_array());
}

TEST_F(WorkflowsAdmin, UsersKeepAnAdministrator) {
    const json::array roles = json::parse(R"([{"sandbox":"prod","role":"editor"}])").as_array();
    User u;
    u.id = "ed";
    u.name = "Ed";
    u.permissions = workflows::user_permissions(json::parse(R"(["bypass_approval"])").as_array());
    write([&](Tx& tx) { return workflows::create_user(tx, admin(), u, &roles); });
    EXPECT_EQ(last().action, "user.create");
    EXPECT_EQ(last().target, "users/ed");
    EXPECT_EQ(details(last()).at("roles").at(0).at("role"), "editor");
    EXPECT_EQ(details(last()).at("permissions").at(0), "bypass_approval");
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::create_user(tx, admin(), u, &roles); }), "already_exists");
    const json::array nowhere = json::parse(R"([{"sandbox":"nowhere","role":"editor"}])").as_array();
    u.id = "other";
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::create_user(tx, admin(), u, &nowhere); }), "invalid_field");
    EXPECT_THROW(workflows::user_permissions(json::parse(R"(["root"])").as_array()), Error);

    const auto user = [&](const char* id) { return *store_->read([&](Tx& tx) { return tx.user("acme", id); }); };
    workflows::UserEdit demote;
    demote.roles = &roles;
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::edit_user(tx, admin(), user("adm"), demote); }), "last_admin");
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::delete_user(tx, admin(), user("adm")); }), "last_admin");

    workflows::UserEdit rename;
    rename.name = "Edward";
    EXPECT_EQ(write([&](Tx& tx) { return workflows::edit_user(tx, admin(), user("ed"), rename); }).name, "Edward");
    EXPECT_EQ(last().action, "user.update");
    EXPECT_EQ(details(last()).at("name"), "Edward");

    write([&](Tx& tx) { workflows::delete_user(tx, admin(), user("ed")); });
    EXPECT_EQ(last().action, "user.delete");
    EXPECT_EQ(last().target, "users/ed");
}

TEST_F(WorkflowsAdmin, TokensAreIssuedForExistingUsersAndRevokedOnce) {
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::create_token(tx, admin(), "nobody", "ci", std::nullopt); }),
              "not_found");
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::create_token(tx, admin(), "adm", "ci", clock_.now()); }),
              "invalid_field");
    const auto issued = write([&](Tx& tx) { return workflows::create_token(tx, admin(), "adm", "ci", std::nullopt); });
    EXPECT_FALSE(issued.secret.empty());
    EXPECT_EQ(last().action, "token.create");
    EXPECT_EQ(last().target, "users/adm/tokens/" + issued.token.id);
    EXPECT_EQ(details(last()).at("name"), "ci");

    EXPECT_EQ(refusal([&](Tx& tx) { workflows::revoke_token(tx, admin(), "someone", issued.token.id); }), "not_found");
    write([&](Tx& tx) { workflows::revoke_token(tx, admin(), "adm", issued.token.id); });
    EXPECT_EQ(last().action, "token.revoke");
    const auto after = seq();
    write([&](Tx& tx) { workflows::revoke_token(tx, admin(), "adm", issued.token.id); });
    EXPECT_EQ(seq(), after);  // revoking twice records nothing
}

TEST_F(WorkflowsAdmin, WebhooksAreRecordedWithTheirUrl) {
    Webhook w;
    w.url = "https://hooks.example.com/ferry";
    w.events = {"review.requested"};
    w.secret = "0123456789abcdef";
    const Webhook made = write([&](Tx& tx) { return workflows::create_webhook(tx, admin(), w); });
    EXPECT_EQ(made.created_by, "adm");
    EXPECT_EQ(last().action, "webhook.create");
    EXPECT_EQ(last().target, "webhooks/" + made.id);
    EXPECT_EQ(details(last()).at("url").as_string(), w.url);
    write([&](Tx& tx) { workflows::delete_webhook(tx, admin(), made); });
    EXPECT_EQ(last().action, "webhook.delete");
    EXPECT_FALSE(store_->read([&](Tx& tx) { return tx.webhook("acme", made.id).has_value(); }));
}

TEST_F(WorkflowsAdmin, ASignInLinkOpensOneSessionRecordedByItsUser) {
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::create_sign_in_link(tx, admin(), "nobody"); }), "not_found");
    const auto link = write([&](Tx& tx) { return workflows::create_sign_in_link(tx, admin(), "adm"); });
    EXPECT_EQ(last().action, "user.sign_in_link");
    EXPECT_EQ(last().target, "users/adm");

    const Actor anonymous = Actor::of(Principal{}, clock_.now(), "req-sign-in");
    const auto opened = write([&](Tx& tx) { return workflows::sign_in_with_link(tx, anonymous, link.code); });
    EXPECT_EQ(opened.session.user, "adm");
    EXPECT_EQ(opened.session.hash, sessions::hash(opened.secret));
    const AuditRecord r = last();
    EXPECT_EQ(r.action, "session.create");
    EXPECT_EQ(r.actor, "adm");
    EXPECT_EQ(r.request_id, "req-sign-in");
    EXPECT_EQ(details(r).at("with"), "link");
    EXPECT_EQ(details(r).at("session_id").as_string(), opened.session.id);
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::sign_in_with_link(tx, anonymous, link.code); }), "sign_in_failed");
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::sign_in_with_token(tx, anonymous, "not-a-token"); }), "sign_in_failed");

    write([&](Tx& tx) { workflows::end_session(tx, admin(), "acme", opened.session.id, "adm", "signed out"); });
    EXPECT_EQ(last().action, "session.end");
    EXPECT_EQ(details(last()).at("reason"), "signed out");
    EXPECT_FALSE(store_->read([&](Tx& tx) { return tx.session_by_hash(opened.session.hash).has_value(); }));
}

TEST_F(WorkflowsAdmin, APersonalTokenOpensASessionThatEndsWithIt) {
    const auto issued = write([&](Tx& tx) {
        return workflows::create_token(tx, admin(), "adm", "console", clock_.now() + std::chrono::hours(1));
    });
    const Actor anonymous = Actor::of(Principal{}, clock_.now(), "req-sign-in");
    const auto opened = write([&](Tx& tx) { return workflows::sign_in_with_token(tx, anonymous, issued.secret); });
    EXPECT_EQ(opened.session.token_id, issued.token.id);
    EXPECT_EQ(opened.session.expires_at, *issued.token.expires_at);
    EXPECT_EQ(last().action, "session.create");
    EXPECT_EQ(details(last()).at("with"), "token");
    EXPECT_EQ(details(last()).at("token_id").as_string(), issued.token.id);
}

TEST_F(WorkflowsAdmin, RefusalsAreRecordedOnlyInAnExistingTenant) {
    const Actor anonymous = Actor::of(Principal{}, clock_.now(), "req-x");
    write([&](Tx& tx) {
        workflows::record_refusal(tx, anonymous, "acme", "auth.failed", "GET /v1/tenants/acme", "unknown token");
        workflows::record_refusal(tx, anonymous, "nowhere", "auth.failed", "GET /", "unknown token");
    });
    EXPECT_EQ(last().action, "auth.failed");
    EXPECT_EQ(last().actor, "anonymous");
    EXPECT_EQ(details(last()).at("reason"), "unknown token");
    EXPECT_EQ(seq("nowhere"), 0);

    Actor nobody;
    nobody.at = clock_.now();
    AuthThrottle::Summary s{"acme", "192.0.2.1", 7, clock_.now(), clock_.now()};
    write([&](Tx& tx) { workflows::record_repeated_failures(tx, nobody, s); });
    EXPECT_EQ(last().target, "repeated");
    EXPECT_EQ(last().request_id, "");
    EXPECT_EQ(details(last()).at("count"), 7);
}

TEST_F(WorkflowsAdmin, PoliciesChangeOnlyWhileInactive) {
    const json::object body = json::parse(R"({"name":"one reviewer","scope":"campaign","conditions":{"all":[]},
        "approvers":{"role":"reviewer"},"active":true})")
                                  .as_object();
    const approval::Policy p = write([&](Tx& tx) { return workflows::create_policy(tx, admin(), body); });
    EXPECT_EQ(last().action, "policy.create");
    EXPECT_EQ(last().target, "approval-policies/" + p.id);
    EXPECT_EQ(details(last()).at("policy").at("name"), "one reviewer");
    EXPECT_EQ(refusal([&](Tx& tx) {
                  workflows::create_policy(tx, admin(), json::object{{"name", "x"}});
              }),
              "invalid_field");

    const json::object rename{{"name", "two"}};
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::edit_policy(tx, admin(), p, rename); }), "policy_active");
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::delete_policy(tx, admin(), p); }), "policy_active");
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::set_policy_active(tx, admin(), p, true); }), "invalid_transition");

    const approval::Policy off = write([&](Tx& tx) { return workflows::set_policy_active(tx, admin(), p, false); });
    EXPECT_EQ(last().action, "policy.deactivate");
    const approval::Policy renamed = write([&](Tx& tx) { return workflows::edit_policy(tx, admin(), off, rename); });
    EXPECT_EQ(renamed.name, "two");
    EXPECT_EQ(last().action, "policy.update");

    const approval::Policy copy = write([&](Tx& tx) { return workflows::duplicate_policy(tx, admin(), renamed); });
    EXPECT_EQ(copy.name, "two (copy)");
    EXPECT_FALSE(copy.active);
    EXPECT_EQ(last().action, "policy.duplicate");
    EXPECT_EQ(last().target, "approval-policies/" + copy.id);
    EXPECT_EQ(details(last()).at("from_policy").as_string(), p.id);

    write([&](Tx& tx) { workflows::delete_policy(tx, admin(), renamed); });
    EXPECT_EQ(last().action, "policy.delete");
    EXPECT_EQ(details(last()).at("name"), "two");
}

TEST_F(WorkflowsAdmin, SegmentsAndTemplatesAreKeyedEditedAndArchived) {
    Segment s;
    s.sandbox = "prod";
    s.name = "VIP";
    const Segment first = write([&](Tx& tx) { return workflows::create_segment(tx, admin(), s, std::nullopt); });
    const Segment second = write([&](Tx& tx) { return workflows::create_segment(tx, admin(), s, std::nullopt); });
    EXPECT_NE(first.key, second.key);
    EXPECT_EQ(last().action, "segment.create");
    EXPECT_EQ(last().target, "prod/segments/" + second.id);
    EXPECT_EQ(details(last()).at("key").as_string(), second.key);

    workflows::SegmentEdit rekey;
    rekey.key = "other";
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::edit_segment(tx, admin(), first, rekey); }), "invalid_field");
    const auto archived = write([&](Tx& tx) { return workflows::set_segment_archived(tx, admin(), first, true); });
    EXPECT_TRUE(archived.segment.archived);
    EXPECT_EQ(last().action, "segment.archive");
    EXPECT_TRUE(details(last()).at("archived_campaigns").as_array().empty());
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::set_segment_archived(tx, admin(), archived.segment, true); }),
              "invalid_transition");
    workflows::SegmentEdit rename;
    rename.name = "Very";
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::edit_segment(tx, admin(), archived.segment, rename); }), "archived");
    EXPECT_EQ(write([&](Tx& tx) { return workflows::edit_segment(tx, admin(), second, rename); }).name, "Very");
    EXPECT_EQ(last().action, "segment.update");

    Template t;
    t.sandbox = "prod";
    t.name = "Welcome";
    t.channel = Channel::sms;
    t.body = "Hi";
    const Template made = write([&](Tx& tx) { return workflows::create_template(tx, admin(), t, "welcome"); });
    EXPECT_EQ(made.key, "welcome");
    EXPECT_EQ(last().action, "template.create");
    EXPECT_EQ(last().target, "prod/templates/" + made.id);
    workflows::TemplateEdit channel;
    channel.channel = "email";
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::edit_template(tx, admin(), made, channel); }), "invalid_field");
    const json::value subject = "Hello";
    workflows::TemplateEdit with_subject;
    with_subject.subject = &subject;
    EXPECT_EQ(refusal([&](Tx& tx) { workflows::edit_template(tx, admin(), made, with_subject); }), "invalid_field");
    workflows::TemplateEdit body;
    body.body = "Hello";
    const Template edited = write([&](Tx& tx) { return workflows::edit_template(tx, admin(), made, body); });
    EXPECT_EQ(last().action, "template.update");
    write([&](Tx& tx) { return workflows::set_template_archived(tx, admin(), edited, true); });
    EXPECT_EQ(last().action, "template.archive");
    EXPECT_EQ(last().target, "prod/templates/" + made.id);
}

TEST_F(WorkflowsAdmin, CampaignsAreCreatedAgainstTheirSandboxAndDeletedWhereTheLifecycleAllows) {
    Campaign draft;
    draft.sandbox = "prod";
    draft.type = CampaignType::action;
    json::object spec = json::parse(R"({"name":"Launch","channels":["email"],
        "content":{"email":{"subject":"Hi","body":"Hello"}}})")
                            .as_object();
    json::object unknown_segment = spec;
    unknown_segment["audience"] = json::object{{"segment", "seg_nope"}};
    std::string field;
    try {
        store_->write([&](Tx& tx) { workflows::create_campaign(tx, admin(), draft, unknown_segment, std::nullopt); });
    } catch (const Error& e) {
        field = std::string(e.details().at("field").as_string());
    }
    EXPECT_EQ(field, "audience.segment");
    EXPECT_EQ(seq(), 0);

    const Campaign c =
        write([&](Tx& tx) { return workflows::create_campaign(tx, admin(), draft, spec, std::nullopt); });
    EXPECT_EQ(c.status, CampaignStatus::draft);
    EXPECT_EQ(c.spec_edited_by, "adm");
    EXPECT_EQ(last().action, "campaign.create");
    EXPECT_EQ(last().target, "prod/campaigns/" + c.id);
    EXPECT_EQ(details(last()).at("key").as_string(), c.key);

    write([&](Tx& tx) { workflows::delete_campaign(tx, admin(), *tx.sandbox("acme", "prod"), c); });
    EXPECT_EQ(last().action, "campaign.delete");
    EXPECT_EQ(details(last()).at("name"), "Launch");
    EXPECT_FALSE(store_->read([&](Tx& tx) { return tx.campaign("acme", "prod", c.id).has_value(); }));
}
