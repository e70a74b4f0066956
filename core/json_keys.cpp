#include "core/json_keys.hpp"

#include <boost/json/basic_parser_impl.hpp>

#include <set>
#include <vector>

namespace ferry {

namespace {

// A SAX handler that only follows where it is (the path) and the keys of each open object.
class KeyChecker {
public:
    static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);
    static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);

    std::optional<std::string> duplicate;

    bool on_document_begin(boost::system::error_code&) { return true; }
    bool on_document_end(boost::system::error_code&) { return true; }
    bool on_object_begin(boost::system::error_code&) {
        enter();
        frames_.push_back(Frame{true, {}, {}, 0});
        return true;
    }
    bool on_object_end(std::size_t, boost::system::error_code&) {
        frames_.pop_back();
        return true;
    }
    bool on_array_begin(boost::system::error_code&) {
        enter();
        frames_.push_back(Frame{false, {}, {}, 0});
        return true;
    }
    bool on_array_end(std::size_t, boost::system::error_code&) {
        frames_.pop_back();
        return true;
    }
    bool on_key_part(boost::json::string_view s, std::size_t, boost::system::error_code&) {
        key_.append(s.data(), s.size());
        return true;
    }
    bool on_key(boost::json::string_view s, std::size_t, boost::system::error_code& ec) {
        key_.append(s.data(), s.size());
        Frame& f = frames_.back();
        if (!f.keys.insert(key_).second) {
            duplicate = path() + (path().empty() ? "" : ".") + key_;
            // Stop at the first one: the rest of the text is not needed.
            ec = boost::json::error::extra_data;
            return false;
        }
        f.key = std::move(key_);
        key_.clear();
        return true;
    }
    bool on_string_part(boost::json::string_view, std::size_t, boost::system::error_code&) { return true; }
    bool on_string(boost::json::string_view, std::size_t, boost::system::error_code&) { return value(); }
    bool on_number_part(boost::json::string_view, boost::system::error_code&) { return true; }
    bool on_int64(std::int64_t, boost::json::string_view, boost::system::error_code&) { return value(); }
    bool on_uint64(std::uint64_t, boost::json::string_view, boost::system::error_code&) { return value(); }
    bool on_double(double, boost::json::string_view, boost::system::error_code&) { return value(); }
    bool on_bool(bool, boost::system::error_code&) { return value(); }
    bool on_null(boost::system::error_code&) { return value(); }
    bool on_comment_part(boost::json::string_view, boost::system::error_code&) { return true; }
    bool on_comment(boost::json::string_view, boost::system::error_code&) { return true; }

private:
    struct Frame {
        bool object;
        std::set<std::string, std::less<>> keys;
        std::string key;    // in an object: the key of the value being read
        std::size_t index;  // in an array: the index of the value being read
    };

    // A scalar ends the value at the current place of its container.
    bool value() {
        if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
        return true;
    }
    // A container begins: it is the value at the current place of its parent, which moves on.
    void enter() {
        if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
    }
    std::string path() const {
        std::string out;
        for (std::size_t i = 0; i + 1 < frames_.size(); ++i) {
            const Frame& f = frames_[i];
            // An array's index has moved past the container that is open inside it.
            if (f.object)
                out += (out.empty() ? "" : ".") + f.key;
            else
                out += "[" + std::to_string(f.index - 1) + "]";
        }
        return out;
    }

    std::vector<Frame> frames_;
    std::string key_;
};

}  // namespace

std::optional<std::string> first_duplicate_key(std::string_view json_text, std::size_t max_depth) {
    boost::json::parse_options options;
    options.max_depth = max_depth;
    boost::json::basic_parser<KeyChecker> parser(options);
    boost::system::error_code ec;
    parser.write_some(false, json_text.data(), json_text.size(), ec);
    return parser.handler().duplicate;
}

}  // namespace ferry
