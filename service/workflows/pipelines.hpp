#pragma once
// Pipelines and freeze windows as use cases (docs/pipelines.md): a tenant admin creates, edits
// and deletes a pipeline and a sandbox's freeze windows (audited); the freeze in force is checked
// by imports, promotions and activations. Bodies are decoded here (422 naming the field).

#include "core/error.hpp"
#include "pipelines/freeze.hpp"
#include "pipelines/model.hpp"
#include "store/store.hpp"
#include "workflows/actor.hpp"

#include <boost/json/object.hpp>

#include <optional>
#include <string>
#include <string_view>

namespace ferry::workflows {

// The user permission that lets a promotion skip a stage, its soak time and health gate, and lets
// imports, promotions and activations through a freeze window (always audited).
inline constexpr std::string_view bypass_pipeline = "bypass_pipeline";
bool has_user_permission(Tx& tx, const Actor& actor, std::string_view permission);

pipelines::Pipeline create_pipeline(Tx& tx, const Actor& actor, const boost::json::object& body);
pipelines::Pipeline edit_pipeline(Tx& tx, const Actor& actor, pipelines::Pipeline pipeline,
                                  const boost::json::object& body);
void delete_pipeline(Tx& tx, const Actor& actor, const pipelines::Pipeline& pipeline);

pipelines::FreezeWindow add_freeze_window(Tx& tx, const Actor& actor, const std::string& sandbox,
                                          const boost::json::object& body);
void remove_freeze_window(Tx& tx, const Actor& actor, const std::string& sandbox, const std::string& id);
std::optional<pipelines::ActiveFreeze> freeze_in_force(Tx& tx, const std::string& tenant, const std::string& sandbox,
                                                       Timestamp now);

// 409 frozen (details: window, reason, ends_at) when the sandbox is in a freeze window, unless
// `bypass_reason` is given by a user holding bypass_pipeline: then `<action>.bypass_freeze` is
// audited on `target` and the caller goes on. 403 bypass_not_permitted for a reason without it.
void require_unfrozen(Tx& tx, const Actor& actor, const std::string& sandbox,
                      const std::optional<std::string>& bypass_reason, std::string_view action,
                      const std::string& target);

// The error a frozen sandbox answers with.
Error frozen_error(const std::string& sandbox, const pipelines::ActiveFreeze& freeze);

}  // namespace ferry::workflows
