#include "canonical.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <vector>

namespace ferry::packager {

namespace {

void indent(std::string& out, int depth) { out.append(static_cast<std::size_t>(depth) * 2, ' '); }

void write(const boost::json::value& v, std::string& out, int depth) {
    if (v.is_object() && !v.get_object().empty()) {
        std::vector<const boost::json::key_value_pair*> members;
        for (const auto& kv : v.get_object()) members.push_back(&kv);
        std::sort(members.begin(), members.end(), [](const auto* a, const auto* b) { return a->key() < b->key(); });
        out += "{\n";
        for (std::size_t i = 0; i < members.size(); ++i) {
            indent(out, depth + 1);
            out += boost::json::serialize(boost::json::value(members[i]->key()));
            out += ": ";
            write(members[i]->value(), out, depth + 1);
            out += i + 1 < members.size() ? ",\n" : "\n";
        }
        indent(out, depth);
        out += "}";
        return;
    }
    if (v.is_array() && !v.get_array().empty()) {
        const auto& array = v.get_array();
        out += "[\n";
        for (std::size_t i = 0; i < array.size(); ++i) {
            indent(out, depth + 1);
            write(array[i], out, depth + 1);
            out += i + 1 < array.size() ? ",\n" : "\n";
        }
        indent(out, depth);
        out += "]";
        return;
    }
    out += boost::json::serialize(v);  // scalars, {} and []
}

}  // namespace

std::string canonical_file(const boost::json::value& value) {
    std::string out;
    write(value, out, 0);
    out.push_back('\n');
    return out;
}

}  // namespace ferry::packager
