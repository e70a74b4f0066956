#pragma once
// The HTTP handlers, one group per resource. Each is thin: decode the request, call one use case
// of service/workflows/ (which records what it did), encode the answer.

#include "api/context.hpp"
#include "core/error.hpp"
#include "http/message.hpp"

namespace ferry::api {

http::Response get_healthz(Context& ctx);
http::Response get_readyz(Context& ctx);
http::Response get_metrics(Context& ctx);
http::Response get_openapi(Context& ctx);
http::Response get_me(Context& ctx);

http::Response create_sign_in_link(Context& ctx);
http::Response create_session(Context& ctx);
http::Response get_session(Context& ctx);
http::Response delete_session(Context& ctx);

http::Response create_tenant(Context& ctx);
http::Response list_tenants(Context& ctx);
http::Response get_tenant(Context& ctx);

http::Response list_sandboxes(Context& ctx);
http::Response create_sandbox(Context& ctx);
http::Response get_sandbox(Context& ctx);
http::Response update_sandbox(Context& ctx);
http::Response delete_sandbox(Context& ctx);

http::Response list_users(Context& ctx);
http::Response create_user(Context& ctx);
http::Response get_user(Context& ctx);
http::Response update_user(Context& ctx);
http::Response delete_user(Context& ctx);

http::Response list_tokens(Context& ctx);
http::Response create_token(Context& ctx);
http::Response revoke_token(Context& ctx);

http::Response list_segments(Context& ctx);
http::Response create_segment(Context& ctx);
http::Response get_segment(Context& ctx);
http::Response update_segment(Context& ctx);
http::Response segment_action(Context& ctx);

http::Response list_templates(Context& ctx);
http::Response create_template(Context& ctx);
http::Response get_template(Context& ctx);
http::Response update_template(Context& ctx);
http::Response template_action(Context& ctx);

http::Response list_campaigns(Context& ctx);
http::Response create_campaign(Context& ctx);
http::Response bulk_campaigns(Context& ctx);
http::Response get_campaign(Context& ctx);
http::Response update_campaign(Context& ctx);
http::Response delete_campaign(Context& ctx);
http::Response campaign_action(Context& ctx);
http::Response get_campaign_draft(Context& ctx);
http::Response put_campaign_draft(Context& ctx);
http::Response delete_campaign_draft(Context& ctx);
http::Response list_campaign_versions(Context& ctx);
http::Response post_execution_event(Context& ctx);
http::Response get_calendar(Context& ctx);
http::Response get_in_app_priority(Context& ctx);
http::Response put_in_app_priority(Context& ctx);

http::Response list_policies(Context& ctx);
http::Response create_policy(Context& ctx);
http::Response get_policy(Context& ctx);
http::Response update_policy(Context& ctx);
http::Response delete_policy(Context& ctx);
http::Response policy_action(Context& ctx);

http::Response list_reviews(Context& ctx);
http::Response get_review(Context& ctx);
http::Response approve_review(Context& ctx);
http::Response request_review_changes(Context& ctx);
http::Response withdraw_review(Context& ctx);

http::Response list_webhooks(Context& ctx);
http::Response create_webhook(Context& ctx);
http::Response delete_webhook(Context& ctx);
http::Response list_webhook_deliveries(Context& ctx);

http::Response list_packages(Context& ctx);
http::Response create_package(Context& ctx);
http::Response get_package(Context& ctx);
http::Response update_package(Context& ctx);
http::Response delete_package(Context& ctx);
http::Response publish_version(Context& ctx);
http::Response list_versions(Context& ctx);
http::Response get_version(Context& ctx);
http::Response diff_versions(Context& ctx);
http::Response export_version(Context& ctx);
http::Response get_signing_key(Context& ctx);
http::Response rotate_signing_key(Context& ctx);
// POST .../campaigns/{campaign}/actions/add-to-package, dispatched by campaign_action.
http::Response add_to_package(Context& ctx, const boost::json::object& body);

http::Response advance_test_clock(Context& ctx);

http::Response list_audit(Context& ctx);
http::Response verify_audit(Context& ctx);

http::Response plan_import(Context& ctx);
http::Response apply_import(Context& ctx);
http::Response list_imports(Context& ctx);

http::Response list_pipelines(Context& ctx);
http::Response create_pipeline(Context& ctx);
http::Response get_pipeline(Context& ctx);
http::Response update_pipeline(Context& ctx);
http::Response delete_pipeline(Context& ctx);
http::Response get_pipeline_matrix(Context& ctx);
http::Response create_promotion(Context& ctx);
http::Response list_promotions(Context& ctx);
http::Response get_promotion(Context& ctx);
http::Response retry_promotion(Context& ctx);
http::Response cancel_promotion(Context& ctx);
http::Response list_freeze_windows(Context& ctx);
http::Response create_freeze_window(Context& ctx);
http::Response delete_freeze_window(Context& ctx);

// Drift and sync subscriptions (api/sync.cpp, docs/sync.md).
http::Response list_drift(Context& ctx);
http::Response adopt_drift(Context& ctx);
http::Response create_subscription(Context& ctx);
http::Response list_subscriptions(Context& ctx);
http::Response get_subscription(Context& ctx);
http::Response pause_subscription(Context& ctx);
http::Response resume_subscription(Context& ctx);
http::Response delete_subscription(Context& ctx);
http::Response post_figure_batch(Context& ctx);
http::Response get_campaign_report(Context& ctx);
http::Response get_sandbox_overview(Context& ctx);
http::Response get_import(Context& ctx);
http::Response rollback_import(Context& ctx);

// Git's smart HTTP protocol, read-only (api/git.cpp).
http::Response git_info_refs(Context& ctx);
http::Response git_upload_pack(Context& ctx);

}  // namespace ferry::api
