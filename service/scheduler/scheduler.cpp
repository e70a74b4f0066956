#include "scheduler/scheduler.hpp"

#include "observability/log.hpp"
#include "workflows/campaigns.hpp"
#include "workflows/promotions.hpp"
#include "workflows/reports.hpp"
#include "workflows/sync.hpp"

#include <algorithm>

namespace ferry {

namespace {

constexpr std::size_t batch = 256;

}  // namespace

Scheduler::Scheduler(Store& store, const Clock& clock, std::chrono::milliseconds tick, Metrics* metrics,
                     packager::VersionStore* git)
    : store_(store), clock_(clock), tick_(tick), metrics_(metrics), git_(git) {}

Scheduler::~Scheduler() { stop(); }

void Scheduler::start() {
    thread_ = std::thread([this] {
        std::unique_lock lock(wake_mutex_);
        // A pass is due a tick after the previous one was due (or started, if that was later): one
        // that starts late, after a pass longer than a tick or while another node held the
        // scheduler's lock, shows as lag, and runs at once rather than a whole tick later.
        auto due = std::chrono::steady_clock::now();
        while (!stopping_) {
            lock.unlock();
            const auto begun = std::chrono::steady_clock::now();
            try {
                run_pass(due);
            } catch (const std::exception& e) {
                log::error("scheduler pass failed", {{"error", e.what()}});
            }
            lock.lock();
            due = std::max(due, begun) + tick_;
            wake_.wait_until(lock, due, [this] { return stopping_; });
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

std::size_t Scheduler::run_pass(std::chrono::steady_clock::time_point due, bool look_for_drift) {
    std::lock_guard pass(pass_mutex_);
    // One node at a time runs a pass (with PostgreSQL the lock is shared by every node). Waiting
    // for it, rather than skipping, keeps "run a pass now" (the test clock) meaning what it says.
    const std::unique_ptr<Lease> only_node = store_.lock("scheduler");
    const auto started = std::chrono::steady_clock::now();
    const Timestamp now = clock_.now();
    std::size_t applied = 0;
    for (;;) {
        const auto found = store_.read([&](Tx& tx) { return tx.campaigns_due(now, batch); });
        std::size_t progressed = 0;
        for (const CampaignRef& ref : found) {
            const std::size_t n = store_.write([&](Tx& tx) { return advance(tx, ref, now); });
            applied += n;
            if (n > 0) ++progressed;
        }
        // Stop when nothing more is due, or when what is due cannot move (logged in advance()).
        if (found.size() < batch || progressed == 0) break;
    }
    // Promotions due by now: scheduled ones whose time came, waiting ones whose window or soak
    // time ended, applied ones whose campaigns may have gone live.
    if (git_ != nullptr) {
        // Subscriptions first: the promotions they record are attempted at once.
        const workflows::PromotionServices services{store_, *git_, {}};
        applied += workflows::advance_subscriptions(services, now);
        applied += workflows::advance_promotions(services, now);
    }
    if (look_for_drift || std::chrono::steady_clock::now() >= next_drift_) {
        next_drift_ = std::chrono::steady_clock::now() + drift_every_;
        workflows::detect_drift(store_, now);
    }
    // Delivery figures older than 30 days are kept by the day (docs/reports.md); not a transition.
    workflows::roll_up_figures(store_, now);
    if (metrics_ != nullptr)
        metrics_->scheduler_pass(std::max(0.0, std::chrono::duration<double>(started - due).count()), applied,
                                 std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
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
