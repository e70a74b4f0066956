#include "scheduler/scheduler.hpp"

#include "audit/chain.hpp"
#include "campaigns/lifecycle.hpp"
#include "campaigns/timing.hpp"
#include "observability/log.hpp"
#include "webhooks/events.hpp"

#include <boost/json/serialize.hpp>

namespace ferry {

namespace {

constexpr std::size_t batch = 256;
constexpr int max_steps_per_campaign = 8;

void audit(Tx& tx, const Campaign& c, std::string_view action, Timestamp at, boost::json::object details) {
    AuditRecord r;
    r.tenant = c.tenant;
    r.at = at;
    r.actor = "scheduler";
    r.action = std::string(action);
    r.target = c.sandbox + "/campaigns/" + c.id;
    r.request_id = "scheduler";
    r.details = boost::json::serialize(details);
    audit_chain::link(r, tx.last_audit(r.tenant));
    tx.insert_audit(r);
}

}  // namespace

Scheduler::Scheduler(Store& store, const Clock& clock, std::chrono::milliseconds tick)
    : store_(store), clock_(clock), tick_(tick) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
    thread_ = std::thread([this] {
        std::unique_lock lock(wake_mutex_);
        while (!stopping_) {
            lock.unlock();
            try {
                run_once();
            } catch (const std::exception& e) {
                log::error("scheduler pass failed", {{"error", e.what()}});
            }
            lock.lock();
            wake_.wait_for(lock, tick_, [this] { return stopping_; });
        }
    });
}

void Scheduler::stop() {
    {
        std::lock_guard lock(wake_mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

std::size_t Scheduler::run_once() {
    std::lock_guard pass(pass_mutex_);
    // One node at a time runs a pass (with PostgreSQL the lock is shared by every node). Waiting
    // for it, rather than skipping, keeps "run a pass now" (the test clock) meaning what it says.
    const std::unique_ptr<Lease> only_node = store_.lock("scheduler");
    const Timestamp now = clock_.now();
    std::size_t applied = 0;
    for (;;) {
        const auto due = store_.read([&](Tx& tx) { return tx.campaigns_due(now, batch); });
        std::size_t progressed = 0;
        for (const CampaignRef& ref : due) {
            const std::size_t n = store_.write([&](Tx& tx) { return advance(tx, ref, now); });
            applied += n;
            if (n > 0) ++progressed;
        }
        // Stop when nothing more is due, or when what is due cannot move (logged in advance()).
        if (due.size() < batch || progressed == 0) break;
    }
    return applied;
}

std::size_t Scheduler::advance(Tx& tx, const CampaignRef& ref, Timestamp now) {
    auto found = tx.campaign(ref.tenant, ref.sandbox, ref.id);
    if (!found) return 0;
    Campaign c = std::move(*found);
    std::size_t steps = 0;
    for (int i = 0; i < max_steps_per_campaign; ++i) {
        const auto event = next_due(c);
        if (!event || event->at > now) break;
        if (event->action == CampaignAction::purge_due) {
            tx.delete_campaign(c.tenant, c.sandbox, c.id);
            // The campaign is gone; the audit log keeps a tombstone of what it was.
            audit(tx, c, "campaign.purged", now, {{"id", c.id}, {"key", c.key}, {"name", c.spec.name},
                                                  {"archived_since", format_rfc3339(c.updated_at)}});
            return steps + 1;
        }
        // Decided as of the moment the event fell due, not as of this (possibly late) pass.
        const Transition t = transition(c.status, event->action, facts_of(c, event->at, false));
        if (!t.allowed) {
            log::error("scheduler cannot apply a due event",
                       {{"campaign", c.id}, {"status", to_string(c.status)}, {"event", to_string(event->action)}});
            break;
        }
        const CampaignStatus from = c.status;
        c.status = t.to;
        c.status_changed_at = event->at;
        if (c.status == CampaignStatus::active && !c.activated_at) c.activated_at = event->at;
        audit(tx, c, audit_name(event->action), now,
              {{"from", to_string(from)}, {"to", to_string(c.status)}, {"due_at", format_rfc3339(event->at)}});
        webhooks::emit(tx, c.tenant, "campaign.status_changed",
                       {{"campaign", c.id}, {"key", c.key}, {"sandbox", c.sandbox}, {"from", to_string(from)},
                        {"to", to_string(c.status)}, {"by", "scheduler"}},
                       now);
        ++steps;
    }
    if (steps > 0) {
        c.updated_at = now;
        c.updated_by = "scheduler";
        ++c.revision;
        tx.update_campaign(c);
    }
    return steps;
}

}  // namespace ferry
