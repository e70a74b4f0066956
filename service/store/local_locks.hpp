#pragma once
// Named locks inside one process: the single-node (SQLite) form of Store::lock and try_lock.

#include "store/store.hpp"

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>

namespace ferry {

class LocalLocks {
public:
    std::unique_ptr<Lease> lock(std::string_view name) {
        std::unique_lock guard(mutex_);
        std::string key(name);
        freed_.wait(guard, [&] { return held_.count(key) == 0; });
        held_.insert(key);
        return std::make_unique<Held>(*this, std::move(key));
    }

    std::unique_ptr<Lease> try_lock(std::string_view name) {
        std::lock_guard guard(mutex_);
        std::string key(name);
        if (!held_.insert(key).second) return nullptr;
        return std::make_unique<Held>(*this, std::move(key));
    }

private:
    class Held final : public Lease {
    public:
        Held(LocalLocks& owner, std::string name) : owner_(owner), name_(std::move(name)) {}
        ~Held() override {
            {
                std::lock_guard guard(owner_.mutex_);
                owner_.held_.erase(name_);
            }
            owner_.freed_.notify_all();
        }
        Held(const Held&) = delete;
        Held& operator=(const Held&) = delete;

    private:
        LocalLocks& owner_;
        std::string name_;
    };

    std::mutex mutex_;
    std::condition_variable freed_;
    std::set<std::string, std::less<>> held_;
};

}  // namespace ferry
