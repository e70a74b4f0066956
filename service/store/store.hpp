#pragma once
// The one storage interface. Handlers and domain code see only Store and Tx; SQLite (and later
// PostgreSQL) implement them. A write is acknowledged only once it is durable.

#include "approval/policy.hpp"
#include "approval/review.hpp"
#include "audit/record.hpp"
#include "campaigns/in_app_priority.hpp"
#include "campaigns/model.hpp"
#include "imports/model.hpp"
#include "packager/package.hpp"
#include "pipelines/model.hpp"
#include "tenancy/model.hpp"
#include "webhooks/model.hpp"

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace ferry {

// Storage failed in a way the caller cannot fix (I/O error, database locked for too long).
// A page of the campaign list: filters, then (updated_at, id) descending, after a cursor.
struct CampaignQuery {
    std::string tenant;
    std::string sandbox;
    std::vector<CampaignStatus> statuses;  // empty: any
    std::optional<CampaignType> type;
    std::optional<Channel> channel;
    std::optional<std::string> tag;
    std::optional<Timestamp> created_after;
    std::optional<Timestamp> created_before;
    std::optional<std::string> name_contains;  // ignoring case and accents (core/search_text.hpp)
    std::size_t limit = 50;
    // `total` counts matches up to this many; beyond, it says "at least count_cap".
    std::size_t count_cap = 10000;
    // The last item of the previous page; the next page starts strictly after it.
    std::optional<std::pair<Timestamp, std::string>> after;
};

struct CampaignPage {
    std::vector<Campaign> items;
    std::int64_t total = 0;     // matching the filters, all pages (at most the query's count_cap)
    bool total_capped = false;  // more match than count_cap
    bool more = false;
};

// The webhook outbox's backlog, across tenants: events not yet delivered nor given up.
struct OutboxBacklog {
    std::int64_t pending = 0;
    std::optional<Timestamp> oldest;  // when the oldest pending event was made (wall time)
};

struct CampaignRef {
    std::string tenant;
    std::string sandbox;
    std::string id;
};

class StoreError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A read or read-write transaction. Methods throw StoreError on storage failure.
class Tx {
public:
    virtual ~Tx() = default;

    virtual std::optional<std::string> meta(std::string_view key) = 0;
    virtual void set_meta(std::string_view key, std::string_view value) = 0;

    virtual std::optional<Tenant> tenant(std::string_view id) = 0;
    virtual std::vector<Tenant> tenants() = 0;
    // Also gives the tenant its review key.
    virtual void insert_tenant(const Tenant& tenant) = 0;
    // The tenant's secret key (hex) for review digests: write-only secrets enter a digest only
    // through an HMAC under it. Never shown; throws StoreError if the tenant has none.
    virtual std::string review_key(std::string_view tenant) = 0;

    virtual std::optional<Sandbox> sandbox(std::string_view tenant, std::string_view id) = 0;
    virtual std::vector<Sandbox> sandboxes(std::string_view tenant) = 0;
    virtual void insert_sandbox(const Sandbox& sandbox) = 0;
    // Writes every field and stores sandbox.revision as given.
    virtual void update_sandbox(const Sandbox& sandbox) = 0;
    // Deletes the sandbox and every role grant on it; returns the users who lost a grant (their
    // revision is bumped, so their ETags change).
    virtual std::vector<std::string> delete_sandbox(std::string_view tenant, std::string_view id) = 0;

    virtual std::optional<User> user(std::string_view tenant, std::string_view id) = 0;
    virtual std::vector<User> users(std::string_view tenant) = 0;
    virtual void insert_user(const User& user) = 0;
    virtual void update_user(const User& user) = 0;
    virtual void delete_user(std::string_view tenant, std::string_view id) = 0;

    virtual std::optional<Token> token_by_hash(std::string_view hash) = 0;
    virtual std::optional<Token> token(std::string_view tenant, std::string_view id) = 0;
    virtual std::vector<Token> tokens(std::string_view tenant, std::string_view user) = 0;
    virtual void insert_token(const Token& token) = 0;
    virtual void revoke_token(std::string_view tenant, std::string_view id, Timestamp at) = 0;

    // Console sessions and sign-in links, found by the hash of their secret across tenants (like
    // tokens). Deleting a user deletes theirs.
    virtual std::optional<BrowserSession> session_by_hash(std::string_view hash) = 0;
    virtual void insert_session(const BrowserSession& session) = 0;
    virtual void touch_session(std::string_view tenant, std::string_view id, Timestamp at) = 0;
    virtual void delete_session(std::string_view tenant, std::string_view id) = 0;
    // Removes the tenant's sessions that ended before `now` (absolute or idle limit); returns how many.
    virtual std::size_t delete_ended_sessions(std::string_view tenant, Timestamp now, Timestamp idle_before) = 0;
    virtual std::optional<SignInLink> sign_in_link_by_hash(std::string_view hash) = 0;
    virtual void insert_sign_in_link(const SignInLink& link) = 0;
    // Marks the link used; false when it was used already (another request won).
    virtual bool use_sign_in_link(std::string_view tenant, std::string_view hash, Timestamp at) = 0;

    // True when campaigns, segments or templates live in the sandbox.
    virtual bool sandbox_has_objects(std::string_view tenant, std::string_view sandbox) = 0;

    virtual std::optional<Segment> segment(std::string_view tenant, std::string_view sandbox, std::string_view id) = 0;
    virtual std::vector<Segment> segments(std::string_view tenant, std::string_view sandbox, bool include_archived) = 0;
    virtual bool segment_key_exists(std::string_view tenant, std::string_view sandbox, std::string_view key) = 0;
    virtual void insert_segment(const Segment& segment) = 0;
    virtual void update_segment(const Segment& segment) = 0;
    // Only the rollback of the import that created it deletes a segment.
    virtual void delete_segment(std::string_view tenant, std::string_view sandbox, std::string_view id) = 0;

    virtual std::optional<Template> template_(std::string_view tenant, std::string_view sandbox,
                                              std::string_view id) = 0;
    virtual std::vector<Template> templates(std::string_view tenant, std::string_view sandbox,
                                            bool include_archived) = 0;
    virtual bool template_key_exists(std::string_view tenant, std::string_view sandbox, std::string_view key) = 0;
    virtual void insert_template(const Template& t) = 0;
    virtual void update_template(const Template& t) = 0;
    virtual void delete_template(std::string_view tenant, std::string_view sandbox, std::string_view id) = 0;

    virtual std::optional<Campaign> campaign(std::string_view tenant, std::string_view sandbox,
                                             std::string_view id) = 0;
    virtual bool campaign_key_exists(std::string_view tenant, std::string_view sandbox, std::string_view key) = 0;
    virtual void insert_campaign(const Campaign& campaign) = 0;
    // Writes every field; the derived indexes (tags, channels, references, due time) follow.
    virtual void update_campaign(const Campaign& campaign) = 0;
    virtual void delete_campaign(std::string_view tenant, std::string_view sandbox, std::string_view id) = 0;
    virtual CampaignPage campaigns(const CampaignQuery& query) = 0;
    // Campaigns whose live spec or draft version refers to the segment or template.
    virtual std::vector<std::string> campaigns_using(std::string_view tenant, std::string_view sandbox, ObjectKind kind,
                                                     std::string_view id) = 0;
    // Campaigns, of any tenant, whose next automatic transition is due at or before `now`.
    virtual std::vector<CampaignRef> campaigns_due(Timestamp now, std::size_t limit) = 0;
    // Campaigns in these statuses whose calendar span overlaps [from, to).
    virtual std::vector<Campaign> campaigns_in_window(std::string_view tenant, std::string_view sandbox,
                                                      const std::vector<CampaignStatus>& statuses, Timestamp from,
                                                      Timestamp to) = 0;
    // The campaigns of the sandbox's in-app order (live, with the in_app channel in their live
    // spec), each with its stored rank, in no particular order (in_app_order sorts them). Writing
    // a campaign keeps its place: it enters at the end of its level, leaves when it is no longer
    // in the order, and moves to the end of its new level when its level changes.
    virtual std::vector<InAppEntry> in_app_entries(std::string_view tenant, std::string_view sandbox) = 0;
    // Ranks these campaigns of the sandbox's in-app order 1, 2, 3... in the order given.
    virtual void rank_in_app(std::string_view tenant, std::string_view sandbox,
                             const std::vector<std::string>& ids) = 0;
    virtual void insert_campaign_version(const Campaign& campaign, const CampaignVersion& version) = 0;
    // Newest first.
    virtual std::vector<CampaignVersion> campaign_versions(std::string_view tenant, std::string_view sandbox,
                                                           std::string_view id) = 0;

    virtual std::vector<approval::Policy> policies(std::string_view tenant) = 0;
    virtual std::optional<approval::Policy> policy(std::string_view tenant, std::string_view id) = 0;
    virtual void insert_policy(const approval::Policy& policy) = 0;
    virtual void update_policy(const approval::Policy& policy) = 0;
    virtual void delete_policy(std::string_view tenant, std::string_view id) = 0;

    virtual std::optional<approval::Review> review(std::string_view tenant, std::string_view id) = 0;
    // The pending review of a campaign (or of its draft version), if any.
    virtual std::optional<approval::Review> pending_review(std::string_view tenant, std::string_view sandbox,
                                                           std::string_view subject_id) = 0;
    // Newest first.
    virtual std::vector<approval::Review> reviews(std::string_view tenant, std::optional<approval::ReviewState> state,
                                                  std::size_t limit) = 0;
    virtual void insert_review(const approval::Review& review) = 0;
    virtual void update_review(const approval::Review& review) = 0;
    virtual std::vector<approval::Approval> approvals(std::string_view tenant, std::string_view review_id) = 0;
    virtual void insert_approval(std::string_view tenant, std::string_view review_id, const approval::Approval& a) = 0;
    // Takes back an approval whose publication failed (workflows/publish): never a decision that stood.
    virtual void delete_approval(std::string_view tenant, std::string_view review_id, std::string_view user) = 0;

    virtual std::vector<Webhook> webhooks(std::string_view tenant) = 0;
    virtual std::optional<Webhook> webhook(std::string_view tenant, std::string_view id) = 0;
    virtual void insert_webhook(const Webhook& webhook) = 0;
    // Deletes the webhook; its undelivered events are dropped with it.
    virtual void delete_webhook(std::string_view tenant, std::string_view id) = 0;
    virtual void insert_outbox(const OutboxItem& item) = 0;
    // Pending items, of any tenant, due at or before `now`, oldest first; none of the webhooks in
    // `skip` (those that have as many deliveries under way as they may).
    virtual std::vector<OutboxItem> due_outbox(Timestamp now, std::size_t limit,
                                               const std::vector<std::string>& skip = {}) = 0;
    // The same items, claimed for delivery by `node`: their next attempt moves to `hold_until`, so
    // no other node picks them up meanwhile (rows other nodes are claiming are skipped).
    // update_outbox ends a claim. A node that dies holding claims releases them when it starts
    // again (release_outbox_claims); if it never does, the items are retried once the hold is over.
    virtual std::vector<OutboxItem> claim_outbox(Timestamp now, std::size_t limit, Timestamp hold_until,
                                                 std::string_view node, const std::vector<std::string>& skip = {}) = 0;
    // Makes the items `node` had claimed due at `now` again; returns how many.
    virtual std::size_t release_outbox_claims(std::string_view node, Timestamp now) = 0;
    virtual void update_outbox(const OutboxItem& item) = 0;
    virtual void insert_delivery(const Delivery& delivery) = 0;
    // Deletes, across tenants, at most `batch` delivered or dead outbox items finished before
    // `before` and at most `batch` delivery log entries older than it; returns how many rows.
    virtual std::size_t prune_webhook_history(Timestamp before, std::size_t batch) = 0;
    // Newest first.
    virtual std::vector<Delivery> deliveries(std::string_view tenant, std::string_view webhook_id,
                                             std::size_t limit) = 0;
    virtual OutboxBacklog outbox_backlog() = 0;

    // Pending reviews of every tenant (0 for a tenant with none), for /metrics.
    virtual std::vector<std::pair<std::string, std::int64_t>> pending_reviews_by_tenant() = 0;

    virtual std::vector<packager::SigningKeyRecord> signing_keys(std::string_view tenant) = 0;  // newest first
    virtual void insert_signing_key(const packager::SigningKeyRecord& key) = 0;

    // Including deleted ones (tombstones), so that numbering continues.
    virtual std::optional<packager::Package> package(std::string_view tenant, std::string_view name) = 0;
    virtual std::vector<packager::Package> packages(std::string_view tenant) = 0;  // not deleted
    virtual void upsert_package(const packager::Package& package) = 0;
    virtual std::vector<packager::PackageVersion> package_versions(std::string_view tenant,
                                                                   std::string_view package) = 0;
    // Every version still being published, of any tenant (for recovery at start).
    virtual std::vector<packager::PackageVersion> unfinished_versions() = 0;
    virtual void upsert_package_version(const packager::PackageVersion& version) = 0;
    virtual void delete_package_version(std::string_view tenant, std::string_view package, std::int64_t version) = 0;

    // Promotion pipelines (docs/pipelines.md). A pipeline is written with its stages' membership
    // (a sandbox belongs to at most one pipeline: the caller checks, the primary key insists).
    virtual std::vector<pipelines::Pipeline> pipelines(std::string_view tenant) = 0;
    virtual std::optional<pipelines::Pipeline> pipeline(std::string_view tenant, std::string_view name) = 0;
    virtual std::optional<pipelines::Pipeline> pipeline_of_sandbox(std::string_view tenant,
                                                                   std::string_view sandbox) = 0;
    virtual void upsert_pipeline(const pipelines::Pipeline& pipeline) = 0;
    virtual void delete_pipeline(std::string_view tenant, std::string_view name) = 0;
    virtual std::optional<pipelines::Promotion> promotion(std::string_view tenant, std::string_view id) = 0;
    // Newest first.
    virtual std::vector<pipelines::Promotion> promotions(std::string_view tenant, std::size_t limit) = 0;
    virtual void upsert_promotion(const pipelines::Promotion& promotion) = 0;
    // (tenant, id) of the promotions of every tenant that the scheduler should look at by `now`.
    virtual std::vector<std::pair<std::string, std::string>> due_promotions(Timestamp now, std::size_t limit) = 0;
    virtual std::vector<pipelines::FreezeWindow> freeze_windows(std::string_view tenant, std::string_view sandbox) = 0;
    virtual void insert_freeze_window(const pipelines::FreezeWindow& window) = 0;
    virtual void delete_freeze_window(std::string_view tenant, std::string_view sandbox, std::string_view id) = 0;
    // Sync subscriptions (docs/sync.md); one per package and sandbox (the caller checks, the
    // unique key insists).
    virtual std::vector<pipelines::Subscription> subscriptions(std::string_view tenant) = 0;
    virtual std::optional<pipelines::Subscription> subscription(std::string_view tenant, std::string_view id) = 0;
    virtual void upsert_subscription(const pipelines::Subscription& subscription) = 0;
    virtual void delete_subscription(std::string_view tenant, std::string_view id) = 0;
    // (tenant, id) of every subscription of every tenant that is not paused, for the scheduler.
    virtual std::vector<std::pair<std::string, std::string>> active_subscriptions(std::size_t limit) = 0;

    virtual std::optional<ImportRecord> import_record(std::string_view tenant, std::string_view id) = 0;
    // Newest first.
    virtual std::vector<ImportRecord> imports(std::string_view tenant, std::string_view sandbox, std::size_t limit) = 0;
    // The newest import of the package into the sandbox that is still applied.
    virtual std::optional<ImportRecord> last_applied_import(std::string_view tenant, std::string_view sandbox,
                                                            std::string_view package) = 0;
    virtual void upsert_import(const ImportRecord& record) = 0;
    virtual void insert_import_touch(std::string_view tenant, std::string_view import_id, const ImportTouch& touch) = 0;
    virtual std::vector<ImportTouch> import_touches(std::string_view tenant, std::string_view import_id) = 0;
    virtual std::vector<ImportOrigin> import_origins(std::string_view tenant, std::string_view sandbox) = 0;
    virtual std::optional<ImportOrigin> import_origin(std::string_view tenant, std::string_view sandbox,
                                                      ObjectKind kind, std::string_view object_id) = 0;
    virtual void upsert_import_origin(const ImportOrigin& origin) = 0;
    virtual void delete_import_origin(std::string_view tenant, std::string_view sandbox, ObjectKind kind,
                                      std::string_view object_id) = 0;
    // Drift bookkeeping (docs/sync.md), per imported object of a sandbox.
    virtual std::vector<DriftMark> drift_marks(std::string_view tenant, std::string_view sandbox) = 0;
    virtual void upsert_drift_mark(const DriftMark& mark) = 0;
    // Every sandbox of every tenant that holds imported objects: (tenant, sandbox).
    virtual std::vector<std::pair<std::string, std::string>> sandboxes_with_origins(std::size_t limit) = 0;
    virtual std::optional<IdempotentResult> idempotent_result(std::string_view tenant, std::string_view token,
                                                              std::string_view key) = 0;
    virtual void insert_idempotent_result(const IdempotentResult& result) = 0;
    virtual std::optional<StoredPlan> stored_plan(std::string_view tenant, std::string_view sandbox,
                                                  std::string_view digest) = 0;
    // Keeps the plan; plans older than `forget_before` are dropped.
    virtual void upsert_stored_plan(const StoredPlan& plan, Timestamp forget_before) = 0;

    virtual std::optional<AuditRecord> last_audit(std::string_view tenant) = 0;
    virtual void insert_audit(const AuditRecord& record) = 0;
    // Records with seq > after_seq, oldest first, at most limit.
    virtual std::vector<AuditRecord> audit_page(std::string_view tenant, std::int64_t after_seq, std::size_t limit) = 0;
};

// A named lock, held until this object is destroyed. With PostgreSQL it is shared by every node
// of the deployment (an advisory lock, released by the server if the node dies).
class Lease {
public:
    virtual ~Lease() = default;
};

class Store {
public:
    virtual ~Store() = default;

    // Waits for the named lock (e.g. one package's publishers).
    virtual std::unique_ptr<Lease> lock(std::string_view name) = 0;
    // Takes the named lock only if it is free; nullptr when another holder has it.
    virtual std::unique_ptr<Lease> try_lock(std::string_view name) = 0;

    // Runs fn in a read transaction with a consistent snapshot.
    virtual void read_tx(const std::function<void(Tx&)>& fn) = 0;

    // Runs fn in a write transaction and returns once it is durable. If fn throws, nothing of it
    // is written and the exception reaches the caller. Writes of concurrent callers may share one
    // commit (group commit); each caller's changes stay all-or-nothing.
    virtual void write_tx(const std::function<void(Tx&)>& fn) = 0;

    // Cheap liveness probe for /readyz.
    virtual bool healthy() = 0;

    template <class F>
    auto read(F&& fn) -> std::invoke_result_t<F, Tx&> {
        return run(&Store::read_tx, std::forward<F>(fn));
    }

    template <class F>
    auto write(F&& fn) -> std::invoke_result_t<F, Tx&> {
        return run(&Store::write_tx, std::forward<F>(fn));
    }

private:
    template <class F>
    auto run(void (Store::*method)(const std::function<void(Tx&)>&), F&& fn) -> std::invoke_result_t<F, Tx&> {
        using R = std::invoke_result_t<F, Tx&>;
        if constexpr (std::is_void_v<R>) {
            (this->*method)([&](Tx& tx) { fn(tx); });
        } else {
            std::optional<R> result;
            (this->*method)([&](Tx& tx) { result.emplace(fn(tx)); });
            return std::move(*result);
        }
    }
};

}  // namespace ferry
