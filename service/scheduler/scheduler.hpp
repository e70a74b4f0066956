#pragma once
// Applies the time-driven rows of the lifecycle: scheduled -> active at start, one-shot active ->
// completed 3 days after activation, recurring -> completed at end, publishing -> live, archived
// and untouched for 30 days -> purged. Each campaign advances in its own transaction, as of the
// time each event fell due, so a pass after downtime catches up on everything in order.

#include "core/time.hpp"
#include "observability/metrics.hpp"
#include "packager/git_store.hpp"
#include "store/store.hpp"

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace ferry {

class Scheduler {
public:
    // `metrics`, when given, receives each pass's lag, duration and transitions.
    // `git`, when given, lets a pass apply due promotions (workflows::advance_promotions) too.
    Scheduler(Store& store, const Clock& clock, std::chrono::milliseconds tick, Metrics* metrics = nullptr,
              packager::VersionStore* git = nullptr);
    ~Scheduler();
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // Runs passes every tick on a thread of its own until stop().
    void start();
    void stop();

    // Applies every transition due by now, and looks for drift; returns how many it applied.
    // Thread-safe: passes are serialized.
    std::size_t run_once() { return run_pass(std::chrono::steady_clock::now(), true); }

private:
    // A pass that was due at `due`: its lag is how much later it could start. Drift is looked for
    // at most every drift_every_ (it reads every edited imported object), or when `look_for_drift`.
    std::size_t run_pass(std::chrono::steady_clock::time_point due, bool look_for_drift = false);
    std::size_t advance(Tx& tx, const CampaignRef& ref, Timestamp now);

    Store& store_;
    const Clock& clock_;
    std::chrono::milliseconds tick_;
    Metrics* metrics_;
    packager::VersionStore* git_;
    std::chrono::steady_clock::duration drift_every_ = std::chrono::seconds(30);
    std::chrono::steady_clock::time_point next_drift_{};
    std::mutex pass_mutex_;
    std::mutex wake_mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::thread thread_;
};

}  // namespace ferry
