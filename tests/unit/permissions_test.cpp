#include "tenancy/permissions.hpp"

#include <gtest/gtest.h>

using namespace ferry;

namespace {

Principal user(std::string tenant, std::vector<RoleGrant> roles) {
    Principal p;
    p.tenant = std::move(tenant);
    p.user = "someone";
    p.roles = std::move(roles);
    return p;
}

Principal op() {
    Principal p;
    p.is_operator = true;
    return p;
}

}  // namespace

TEST(Permissions, PublicAndAuthenticatedAllowEveryone) {
    EXPECT_EQ(authorize(op(), Permission::public_access, "", ""), Decision::allow);
    EXPECT_EQ(authorize(user("acme", {}), Permission::authenticated, "", ""), Decision::allow);
}

TEST(Permissions, OperatorCreatesAndReadsTenantsOnly) {
    EXPECT_EQ(authorize(op(), Permission::operator_only, "", ""), Decision::allow);
    EXPECT_EQ(authorize(op(), Permission::tenant_read, "acme", ""), Decision::allow);
    EXPECT_EQ(authorize(op(), Permission::tenant_member, "acme", ""), Decision::forbidden);
    EXPECT_EQ(authorize(op(), Permission::tenant_admin, "acme", ""), Decision::forbidden);
    EXPECT_EQ(authorize(op(), Permission::sandbox_read, "acme", "dev"), Decision::forbidden);
    EXPECT_EQ(authorize(user("acme", {{"*", Role::admin}}), Permission::operator_only, "", ""), Decision::forbidden);
}

TEST(Permissions, AnotherTenantIsAlwaysNotFound) {
    const Principal admin = user("acme", {{"*", Role::admin}});
    for (const Permission p :
         {Permission::tenant_read, Permission::tenant_member, Permission::tenant_admin, Permission::sandbox_read,
          Permission::sandbox_edit, Permission::sandbox_review, Permission::sandbox_import})
        EXPECT_EQ(authorize(admin, p, "globex", "dev"), Decision::not_found) << to_string(p);
}

TEST(Permissions, SandboxWithoutAnyRoleIsInvisible) {
    const Principal editor = user("acme", {{"dev", Role::editor}});
    EXPECT_EQ(authorize(editor, Permission::sandbox_read, "acme", "dev"), Decision::allow);
    EXPECT_EQ(authorize(editor, Permission::sandbox_read, "acme", "prod"), Decision::not_found);
    EXPECT_EQ(authorize(editor, Permission::sandbox_edit, "acme", "prod"), Decision::not_found);
    // Even where the route needs the tenant administrator, an invisible sandbox stays invisible.
    EXPECT_EQ(authorize(editor, Permission::tenant_admin, "acme", "prod"), Decision::not_found);
    EXPECT_EQ(authorize(editor, Permission::tenant_admin, "acme", "dev"), Decision::forbidden);
}

TEST(Permissions, VisibleButNotPermittedIsForbidden) {
    const Principal viewer = user("acme", {{"dev", Role::viewer}});
    EXPECT_EQ(authorize(viewer, Permission::sandbox_edit, "acme", "dev"), Decision::forbidden);
    EXPECT_EQ(authorize(viewer, Permission::tenant_admin, "acme", ""), Decision::forbidden);
}

TEST(Permissions, RoleMatrix) {
    struct Row {
        Role role;
        bool read, edit, review, import, report;
    };
    for (const Row& r :
         {Row{Role::admin, true, true, true, true, true}, Row{Role::editor, true, true, false, false, true},
          Row{Role::reviewer, true, false, true, false, false}, Row{Role::viewer, true, false, false, false, false},
          Row{Role::importer, true, false, false, true, false},
          Row{Role::reporter, false, false, false, false, true}}) {
        EXPECT_EQ(role_allows(r.role, Permission::sandbox_report), r.report) << to_string(r.role);
        EXPECT_EQ(role_allows(r.role, Permission::sandbox_read), r.read) << to_string(r.role);
        EXPECT_EQ(role_allows(r.role, Permission::sandbox_edit), r.edit) << to_string(r.role);
        EXPECT_EQ(role_allows(r.role, Permission::sandbox_review), r.review) << to_string(r.role);
        EXPECT_EQ(role_allows(r.role, Permission::sandbox_import), r.import) << to_string(r.role);
    }
}

TEST(Permissions, StarGrantsCoverEverySandboxButOnlyAdminOnStarIsTenantAdmin) {
    const Principal star_editor = user("acme", {{"*", Role::editor}});
    EXPECT_EQ(authorize(star_editor, Permission::sandbox_edit, "acme", "anything"), Decision::allow);
    EXPECT_EQ(authorize(star_editor, Permission::tenant_admin, "acme", ""), Decision::forbidden);
    const Principal dev_admin = user("acme", {{"dev", Role::admin}});
    EXPECT_EQ(authorize(dev_admin, Permission::sandbox_edit, "acme", "dev"), Decision::allow);
    EXPECT_EQ(authorize(dev_admin, Permission::tenant_admin, "acme", ""), Decision::forbidden);
    EXPECT_TRUE(is_tenant_admin(user("acme", {{"*", Role::admin}})));
    EXPECT_FALSE(is_tenant_admin(dev_admin));
}

TEST(Permissions, AReporterReportsAndReadsNothing) {
    const Principal engine = user("acme", {{"dev", Role::reporter}});
    EXPECT_EQ(authorize(engine, Permission::sandbox_report, "acme", "dev"), Decision::allow);
    EXPECT_EQ(authorize(engine, Permission::sandbox_read, "acme", "dev"), Decision::forbidden);
    EXPECT_EQ(authorize(engine, Permission::sandbox_edit, "acme", "dev"), Decision::forbidden);
    EXPECT_EQ(authorize(engine, Permission::tenant_member, "acme", ""), Decision::forbidden);
    EXPECT_EQ(authorize(engine, Permission::tenant_read, "acme", ""), Decision::forbidden);
    EXPECT_EQ(authorize(engine, Permission::sandbox_report, "acme", "prod"), Decision::not_found);
    EXPECT_EQ(authorize(engine, Permission::sandbox_report, "globex", "dev"), Decision::not_found);
    // A user who also holds another role reads what that role reads.
    const Principal both = user("acme", {{"dev", Role::reporter}, {"prod", Role::viewer}});
    EXPECT_EQ(authorize(both, Permission::tenant_member, "acme", ""), Decision::allow);
    EXPECT_EQ(authorize(both, Permission::sandbox_read, "acme", "dev"), Decision::forbidden);
    EXPECT_EQ(authorize(both, Permission::sandbox_read, "acme", "prod"), Decision::allow);
    const Principal viewer = user("acme", {{"dev", Role::viewer}});
    EXPECT_EQ(authorize(viewer, Permission::sandbox_report, "acme", "dev"), Decision::forbidden);
}
