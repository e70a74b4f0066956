#pragma once
// One mutex per name (tenant/package), created on first use: serializes the publishers of a package.

#include <map>
#include <memory>
#include <mutex>
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

}  // namespace ferry::packages
