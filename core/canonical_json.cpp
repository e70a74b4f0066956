#include "core/canonical_json.hpp"

#include "core/crypto.hpp"

#include <boost/json/serialize.hpp>

#include <algorithm>
#include <vector>

namespace ferry {

namespace {

void write(const boost::json::value& v, std::string& out) {
    switch (v.kind()) {
        case boost::json::kind::object: {
            const auto& object = v.get_object();
            std::vector<const boost::json::key_value_pair*> members;
            members.reserve(object.size());
            for (const auto& kv : object) members.push_back(&kv);
            std::sort(members.begin(), members.end(), [](const auto* a, const auto* b) { return a->key() < b->key(); });
            out.push_back('{');
            for (std::size_t i = 0; i < members.size(); ++i) {
                if (i > 0) out.push_back(',');
                out += boost::json::serialize(boost::json::value(members[i]->key()));
                out.push_back(':');
                write(members[i]->value(), out);
            }
            out.push_back('}');
            break;
        }
        case boost::json::kind::array: {
            out.push_back('[');
            const auto& array = v.get_array();
            for (std::size_t i = 0; i < array.size(); ++i) {
                if (i > 0) out.push_back(',');
                write(array[i], out);
            }
            out.push_back(']');
            break;
        }
        default: out += boost::json::serialize(v);
    }
}

}  // namespace

std::string canonical_json(const boost::json::value& value) {
    std::string out;
    write(value, out);
    return out;
}

std::string content_digest(const boost::json::value& value) {
    return "sha256:" + crypto::sha256_hex(canonical_json(value));
}

}  // namespace ferry
