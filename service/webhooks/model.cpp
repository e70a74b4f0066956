#include "webhooks/model.hpp"

#include <algorithm>

namespace ferry {

std::string_view to_string(OutboxState s) {
    switch (s) {
        case OutboxState::pending: return "pending";
        case OutboxState::delivered: return "delivered";
        case OutboxState::dead: return "dead";
    }
    return "pending";
}

bool is_event_type(std::string_view s) {
    return std::find(std::begin(event_types), std::end(event_types), s) != std::end(event_types);
}

}  // namespace ferry
