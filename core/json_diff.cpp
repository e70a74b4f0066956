#include "core/json_diff.hpp"

#include <boost/json/object.hpp>

#include <set>

namespace ferry {

namespace {

void diff(const boost::json::value& a, const boost::json::value& b, const std::string& path, boost::json::array& out) {
    if (a.is_object() && b.is_object()) {
        std::set<std::string> keys;
        for (const auto& kv : a.get_object()) keys.emplace(kv.key());
        for (const auto& kv : b.get_object()) keys.emplace(kv.key());
        for (const auto& key : keys) {
            const auto* x = a.get_object().if_contains(key);
            const auto* y = b.get_object().if_contains(key);
            const std::string sub = path.empty() ? key : path + "." + key;
            diff(x ? *x : boost::json::value(nullptr), y ? *y : boost::json::value(nullptr), sub, out);
        }
        return;
    }
    if (a != b) out.push_back(boost::json::object{{"field", path}, {"from", a}, {"to", b}});
}

}  // namespace

boost::json::array json_diff(const boost::json::value& from, const boost::json::value& to) {
    boost::json::array out;
    diff(from, to, "", out);
    return out;
}

}  // namespace ferry
