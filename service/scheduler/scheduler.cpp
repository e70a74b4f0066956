#include "scheduler/scheduler.hpp"

#include "observability/log.hpp"
#include "workflows/campaigns.hpp"

namespace ferry {

namespace {

constexpr std::size_t batch = 256;

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
    const workflows::DueResult r = workflows::apply_due_events(tx, workflows::Actor::scheduler(now), ref);
    if (r.stuck)
        log::error("scheduler cannot apply a due event",
                   {{"campaign", ref.id}, {"status", to_string(r.stuck_status)}, {"event", to_string(*r.stuck)}});
    return r.applied;
}

}  // namespace ferry
