#include "tenancy/auth_throttle.hpp"

namespace ferry {

AuthThrottle::Failure AuthThrottle::fail(std::string_view address, std::string_view tenant, Timestamp now) {
    std::lock_guard lock(mutex_);
    auto it = windows_.find(address);
    if (it == windows_.end()) it = windows_.emplace(std::string(address), Window{now, 0}).first;
    Window& w = it->second;
    if (now - w.start >= window) w = Window{now, 0};
    ++w.failures;

    Failure f;
    f.limited = w.failures > limit_;
    f.retry_after = std::chrono::ceil<std::chrono::seconds>(w.start + window - now);
    if (f.retry_after < std::chrono::seconds(1)) f.retry_after = std::chrono::seconds(1);

    auto [u, first] = unwritten_.try_emplace({std::string(address), std::string(tenant)}, Unwritten{now, now, 0});
    if (first || now - u->second.since >= window) {
        // The first failure of a window is audited at once; an older window with a count left is
        // summarized by take_ended before this one replaces it.
        if (!first && u->second.count > 0)
            pending_.push_back(
                Summary{std::string(tenant), std::string(address), u->second.count, u->second.since, u->second.until});
        u->second = Unwritten{now, now, 0};
        f.audit = true;
    } else {
        ++u->second.count;
        u->second.until = now;
    }
    return f;
}

std::vector<AuthThrottle::Summary> AuthThrottle::take_ended(Timestamp now) {
    std::lock_guard lock(mutex_);
    std::vector<Summary> out = std::move(pending_);
    pending_.clear();
    for (auto it = unwritten_.begin(); it != unwritten_.end();) {
        if (now - it->second.since < window) {
            ++it;
            continue;
        }
        if (it->second.count > 0)
            out.push_back(
                Summary{it->first.second, it->first.first, it->second.count, it->second.since, it->second.until});
        it = unwritten_.erase(it);
    }
    for (auto it = windows_.begin(); it != windows_.end();)
        it = now - it->second.start >= window ? windows_.erase(it) : std::next(it);
    return out;
}

std::string_view address_of(std::string_view remote) {
    if (!remote.empty() && remote.front() == '[') {
        const std::size_t end = remote.find(']');
        return end == std::string_view::npos ? remote : remote.substr(1, end - 1);
    }
    const std::size_t colon = remote.rfind(':');
    return colon == std::string_view::npos ? remote : remote.substr(0, colon);
}

}  // namespace ferry
