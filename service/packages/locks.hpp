#pragma once
// One mutex per name (tenant/package), created on first use: serializes the publishers of a package.

#include <map>
#include <optional>
#include <utility>
#include <memory>
#include <mutex>
#include <set>
#include <string>

namespace ferry::packages {

class Locks {
public:
    std::mutex& get(const std::string& name) {
        std::lock_guard guard(mutex_);
        auto& m = locks_[name];
        if (!m) m = std::make_unique<std::mutex>();
        return *m;
    }

private:
    std::mutex mutex_;
    std::map<std::string, std::unique_ptr<std::mutex>> locks_;
};

// Names held by running requests (an Idempotency-Key being applied): a second claim of a held
// name fails at once instead of waiting, and the name is free again when its claim ends.
class Claims {
public:
    class Claim {
    public:
        Claim(Claims& owner, std::string name) : owner_(&owner), name_(std::move(name)) {}
        Claim(Claim&& other) noexcept : owner_(std::exchange(other.owner_, nullptr)), name_(std::move(other.name_)) {}
        Claim(const Claim&) = delete;
        Claim& operator=(const Claim&) = delete;
        Claim& operator=(Claim&&) = delete;
        ~Claim() {
            if (owner_ == nullptr) return;
            std::lock_guard guard(owner_->mutex_);
            owner_->held_.erase(name_);
        }

    private:
        Claims* owner_;
        std::string name_;
    };

    std::optional<Claim> try_claim(const std::string& name) {
        std::lock_guard guard(mutex_);
        if (!held_.insert(name).second) return std::nullopt;
        return std::optional<Claim>(std::in_place, *this, name);
    }

private:
    std::mutex mutex_;
    std::set<std::string> held_;
};

}  // namespace ferry::packages
