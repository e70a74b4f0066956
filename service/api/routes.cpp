#include "api/routes.hpp"

#include "api/handlers.hpp"

namespace ferry::api {

std::vector<http::Route> routes(bool test_clock) {
    using P = Permission;
    const std::string t = "/v1/tenants/{tenant}";
    const std::string s = t + "/sandboxes/{sandbox}";
    std::vector<http::Route> table{
        {"GET", "/healthz", P::public_access, get_healthz, "liveness"},
        {"GET", "/readyz", P::public_access, get_readyz, "readiness"},
        {"GET", "/metrics", P::public_access, get_metrics, "Prometheus metrics"},
        {"GET", "/openapi.json", P::public_access, get_openapi, "this API's OpenAPI document"},
        {"GET", "/v1/me", P::authenticated, get_me, "who the token belongs to"},
        {"POST", "/v1/sessions", P::public_access, create_session,
         "sign in to the console with a sign-in link's code or a personal token (sets the session cookie)"},
        {"GET", "/v1/session", P::authenticated, get_session, "the console session of the cookie, with its CSRF token"},
        {"DELETE", "/v1/session", P::authenticated, delete_session, "sign out: end the cookie's session"},

        {"POST", "/v1/tenants", P::operator_only, create_tenant, "create a tenant and its admin"},
        {"GET", "/v1/tenants", P::operator_only, list_tenants, "list tenants"},
        {"GET", t, P::tenant_read, get_tenant, "get a tenant"},

        {"GET", t + "/sandboxes", P::tenant_member, list_sandboxes, "list the sandboxes the caller can see"},
        {"POST", t + "/sandboxes", P::tenant_admin, create_sandbox, "create a sandbox"},
        {"GET", t + "/sandboxes/{sandbox}", P::sandbox_read, get_sandbox, "get a sandbox"},
        {"PATCH", t + "/sandboxes/{sandbox}", P::tenant_admin, update_sandbox, "edit a sandbox"},
        {"DELETE", t + "/sandboxes/{sandbox}", P::tenant_admin, delete_sandbox, "delete a sandbox"},

        {"GET", t + "/users", P::tenant_admin, list_users, "list users"},
        {"POST", t + "/users", P::tenant_admin, create_user, "create a user"},
        {"GET", t + "/users/{user}", P::tenant_admin, get_user, "get a user"},
        {"PATCH", t + "/users/{user}", P::tenant_admin, update_user, "edit a user's name or roles"},
        {"DELETE", t + "/users/{user}", P::tenant_admin, delete_user, "delete a user and their tokens"},
        {"POST", t + "/users/{user}/sign-in-links", P::tenant_admin, create_sign_in_link,
         "a one-time console sign-in link for the user, valid 15 minutes"},

        {"GET", t + "/users/{user}/tokens", P::tenant_admin, list_tokens, "list a user's tokens"},
        {"POST", t + "/users/{user}/tokens", P::tenant_admin, create_token, "create a token (shown once)"},
        {"DELETE", t + "/users/{user}/tokens/{token}", P::tenant_admin, revoke_token, "revoke a token"},

        {"GET", t + "/audit", P::tenant_admin, list_audit, "page through the audit log"},
        {"GET", t + "/audit/verify", P::tenant_admin, verify_audit, "verify the audit hash chain"},

        {"GET", s + "/segments", P::sandbox_read, list_segments, "list segments"},
        {"POST", s + "/segments", P::sandbox_edit, create_segment, "create a segment"},
        {"GET", s + "/segments/{segment}", P::sandbox_read, get_segment, "get a segment"},
        {"PATCH", s + "/segments/{segment}", P::sandbox_edit, update_segment, "edit a segment"},
        {"POST", s + "/segments/{segment}/actions/{action}", P::sandbox_edit, segment_action,
         "archive (with the campaigns using it) or unarchive a segment"},

        {"GET", s + "/templates", P::sandbox_read, list_templates, "list templates"},
        {"POST", s + "/templates", P::sandbox_edit, create_template, "create a template"},
        {"GET", s + "/templates/{template}", P::sandbox_read, get_template, "get a template"},
        {"PATCH", s + "/templates/{template}", P::sandbox_edit, update_template, "edit a template"},
        {"POST", s + "/templates/{template}/actions/{action}", P::sandbox_edit, template_action,
         "archive or unarchive a template"},

        {"GET", s + "/campaigns", P::sandbox_read, list_campaigns, "list campaigns (filters, cursor pages)"},
        {"POST", s + "/campaigns", P::sandbox_edit, create_campaign, "create a campaign (a draft)"},
        {"POST", s + "/campaigns/bulk", P::sandbox_edit, bulk_campaigns, "one action over many campaigns"},
        {"GET", s + "/campaigns/{campaign}", P::sandbox_read, get_campaign, "get a campaign"},
        {"PATCH", s + "/campaigns/{campaign}", P::sandbox_edit, update_campaign,
         "edit a draft, tags, or start a live campaign's draft version"},
        {"DELETE", s + "/campaigns/{campaign}", P::sandbox_edit, delete_campaign, "delete a never-activated draft"},
        {"POST", s + "/campaigns/{campaign}/actions/{action}", P::sandbox_edit, campaign_action, "a lifecycle action"},
        {"GET", s + "/campaigns/{campaign}/draft", P::sandbox_read, get_campaign_draft,
         "the draft version of a live campaign"},
        {"PUT", s + "/campaigns/{campaign}/draft", P::sandbox_edit, put_campaign_draft,
         "create or replace the draft version of a live campaign"},
        {"DELETE", s + "/campaigns/{campaign}/draft", P::sandbox_edit, delete_campaign_draft,
         "discard the draft version"},
        {"GET", s + "/campaigns/{campaign}/versions", P::sandbox_read, list_campaign_versions,
         "history of live versions"},
        {"POST", s + "/campaigns/{campaign}/execution-events", P::sandbox_edit, post_execution_event,
         "the delivery engine reports a failure or a warning"},
        {"GET", s + "/calendar", P::sandbox_read, get_calendar, "active and scheduled campaigns of an ISO week"},
        {"GET", s + "/in-app-priority", P::sandbox_read, get_in_app_priority,
         "the live in-app campaigns in the order they win: level, then exact rank"},
        {"PUT", s + "/in-app-priority", P::sandbox_edit, put_in_app_priority,
         "set the exact order of the live in-app campaigns (at once, not reviewed)"},

        {"GET", t + "/approval-policies", P::tenant_admin, list_policies, "list approval policies"},
        {"POST", t + "/approval-policies", P::tenant_admin, create_policy, "create an approval policy"},
        {"GET", t + "/approval-policies/{policy}", P::tenant_admin, get_policy, "get an approval policy"},
        {"PATCH", t + "/approval-policies/{policy}", P::tenant_admin, update_policy, "edit an inactive policy"},
        {"DELETE", t + "/approval-policies/{policy}", P::tenant_admin, delete_policy, "delete an inactive policy"},
        {"POST", t + "/approval-policies/{policy}/actions/{action}", P::tenant_admin, policy_action,
         "activate, deactivate or duplicate a policy"},

        {"GET", t + "/reviews", P::tenant_member, list_reviews, "reviews, e.g. those waiting for me"},
        {"GET", t + "/reviews/{review}", P::tenant_member, get_review, "a review: content, diff, approvals"},
        {"POST", t + "/reviews/{review}/approve", P::tenant_member, approve_review, "approve (eligible reviewers)"},
        {"POST", t + "/reviews/{review}/request-changes", P::tenant_member, request_review_changes,
         "send it back to draft (a veto)"},
        {"POST", t + "/reviews/{review}/withdraw", P::tenant_member, withdraw_review, "withdraw (the submitter)"},

        {"GET", t + "/packages", P::tenant_member, list_packages, "packages of the sandboxes the caller can see"},
        {"POST", t + "/packages", P::tenant_member, create_package, "create a package (editor on its source sandbox)"},
        {"GET", t + "/packages/{package}", P::tenant_member, get_package, "a package: root campaigns and dependencies"},
        {"PATCH", t + "/packages/{package}", P::tenant_member, update_package,
         "edit a package's description or campaigns"},
        {"DELETE", t + "/packages/{package}", P::tenant_member, delete_package,
         "delete a package (its numbering stays)"},
        {"GET", t + "/packages/{package}/versions", P::tenant_member, list_versions, "published versions"},
        {"POST", t + "/packages/{package}/versions", P::tenant_member, publish_version, "publish the next version"},
        {"GET", t + "/packages/{package}/versions/{version}", P::tenant_member, get_version,
         "a version: manifest, objects, verification"},
        {"GET", t + "/packages/{package}/versions/{version}/diff", P::tenant_member, diff_versions,
         "objects added, removed, changed since ?from="},
        {"GET", t + "/packages/{package}/versions/{version}/export", P::tenant_member, export_version,
         "one JSON document for offline verification"},
        {"GET", t + "/signing-key", P::tenant_member, get_signing_key, "the tenant's public signing key(s)"},
        {"POST", t + "/signing-key/rotate", P::tenant_admin, rotate_signing_key,
         "a new signing key; the old public keys stay for verification"},

        {"POST", s + "/imports/plan", P::sandbox_read, plan_import,
         "plan importing a package version: what would be created, updated, kept; no writes"},
        {"POST", s + "/imports", P::sandbox_import, apply_import,
         "apply an import (a plan by digest, or the plan's body); Idempotency-Key honoured"},
        {"GET", s + "/imports", P::sandbox_read, list_imports, "imports into the sandbox, newest first"},
        {"GET", s + "/imports/{import}", P::sandbox_read, get_import, "an import: status, items, who, when"},
        {"POST", s + "/imports/{import}/rollback", P::sandbox_import, rollback_import,
         "put every object the import touched back as it was (409 if edited since)"},

        {"GET", t + "/pipelines", P::tenant_member, list_pipelines, "promotion pipelines, by name"},
        {"POST", t + "/pipelines", P::tenant_admin, create_pipeline, "create a pipeline: ordered stages"},
        {"GET", t + "/pipelines/{pipeline}", P::tenant_member, get_pipeline, "a pipeline"},
        {"PATCH", t + "/pipelines/{pipeline}", P::tenant_admin, update_pipeline,
         "edit a pipeline's description or stages"},
        {"DELETE", t + "/pipelines/{pipeline}", P::tenant_admin, delete_pipeline, "delete a pipeline"},
        {"GET", t + "/pipelines/{pipeline}/matrix", P::tenant_member, get_pipeline_matrix,
         "the environment matrix: each package's version in each stage"},
        {"POST", s + "/promotions", P::sandbox_import, create_promotion,
         "promote a package version into this stage, now or at a given time"},
        {"GET", t + "/promotions", P::tenant_member, list_promotions,
         "promotions into sandboxes the caller sees, newest first"},
        {"GET", t + "/promotions/{promotion}", P::tenant_member, get_promotion,
         "a promotion: status, why it waits, plan, history"},
        {"POST", t + "/promotions/{promotion}/retry", P::tenant_member, retry_promotion,
         "try a waiting promotion again now (new options, break-glass)"},
        {"POST", t + "/promotions/{promotion}/cancel", P::tenant_member, cancel_promotion,
         "cancel a promotion that has not applied"},
        {"GET", s + "/freeze-windows", P::sandbox_read, list_freeze_windows,
         "the sandbox's freeze windows and the freeze in force"},
        {"POST", s + "/freeze-windows", P::tenant_admin, create_freeze_window, "add a freeze window"},
        {"DELETE", s + "/freeze-windows/{window}", P::tenant_admin, delete_freeze_window, "remove a freeze window"},

        {"GET", t + "/webhooks", P::tenant_admin, list_webhooks, "list webhooks"},
        {"POST", t + "/webhooks", P::tenant_admin, create_webhook, "subscribe a URL to events"},
        {"DELETE", t + "/webhooks/{webhook}", P::tenant_admin, delete_webhook, "delete a webhook"},
        {"GET", t + "/webhooks/{webhook}/deliveries", P::tenant_admin, list_webhook_deliveries,
         "delivery attempts, newest first"},
    };
    if (test_clock)
        table.push_back({"POST", "/v1/operator/clock", P::operator_only, advance_test_clock,
                         "move the test clock forward and run the scheduler (--test-clock only)"});
    return table;
}

}  // namespace ferry::api
