#include "jq_filter.hpp"

#include "exit_codes.hpp"

extern "C" {
#include <jq.h>
#include <jv.h>
}

#include <memory>

namespace ferry::cli {

namespace {

struct JqState {
    jq_state* state = jq_init();
    ~JqState() { jq_teardown(&state); }
    JqState() = default;
    JqState(const JqState&) = delete;
    JqState& operator=(const JqState&) = delete;
};

// jv values are reference counted: every function consumes its arguments, jv_copy adds a reference.
std::string take_string(jv value) {
    std::string text(jv_string_value(value), static_cast<std::size_t>(jv_string_length_bytes(jv_copy(value))));
    jv_free(value);
    return text;
}

void collect_error(void* data, jv message) {
    auto* errors = static_cast<std::string*>(data);
    if (jv_get_kind(message) == JV_KIND_STRING)
        *errors += (errors->empty() ? "" : "; ") + take_string(message);
    else
        jv_free(message);
}

}  // namespace

std::vector<std::string> run_jq(const std::string& program, const std::string& json_text) {
    JqState jq;
    if (jq.state == nullptr) throw Failure(ExitCode::error, "--jq: jq could not be initialised");
    std::string errors;
    jq_set_error_cb(jq.state, collect_error, &errors);
    if (jq_compile(jq.state, program.c_str()) == 0)
        throw UsageError("--jq: " + (errors.empty() ? std::string("the program does not compile") : errors));

    jv input = jv_parse_sized(json_text.data(), static_cast<int>(json_text.size()));
    if (!jv_is_valid(input)) {
        jv_free(input);
        throw Failure(ExitCode::error, "--jq: the answer is not JSON");
    }
    jq_start(jq.state, input, 0);
    std::vector<std::string> results;
    for (jv result = jq_next(jq.state);; result = jq_next(jq.state)) {
        if (!jv_is_valid(result)) {
            if (jv_invalid_has_msg(jv_copy(result))) {
                jv message = jv_invalid_get_msg(result);
                const std::string text = jv_get_kind(message) == JV_KIND_STRING
                                             ? take_string(message)
                                             : take_string(jv_dump_string(message, 0));
                throw Failure(ExitCode::error, "--jq: " + text);
            }
            jv_free(result);
            break;
        }
        if (jv_get_kind(result) == JV_KIND_STRING)
            results.push_back(take_string(result));
        else
            results.push_back(take_string(jv_dump_string(result, 0)));
    }
    return results;
}

}  // namespace ferry::cli
