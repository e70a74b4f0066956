#pragma once
// How pipelines (with their stages' membership), promotions and freeze windows map to SQL rows
// and back (SQLite and PostgreSQL). Each row keeps the object's JSON form (pipelines/json.hpp)
// beside the columns that queries filter on.

#include "pipelines/model.hpp"
#include "store/sql/connection.hpp"

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ferry::sql {

std::vector<pipelines::Pipeline> list_pipelines(Connection& db, std::string_view tenant);
std::optional<pipelines::Pipeline> find_pipeline(Connection& db, std::string_view tenant, std::string_view name);
std::optional<pipelines::Pipeline> find_pipeline_of_sandbox(Connection& db, std::string_view tenant,
                                                            std::string_view sandbox);
void write_pipeline(Connection& db, const pipelines::Pipeline& p);
void remove_pipeline(Connection& db, std::string_view tenant, std::string_view name);

std::optional<pipelines::Promotion> find_promotion(Connection& db, std::string_view tenant, std::string_view id);
std::vector<pipelines::Promotion> list_promotions(Connection& db, std::string_view tenant, std::size_t limit);
void write_promotion(Connection& db, const pipelines::Promotion& p);
std::vector<std::pair<std::string, std::string>> list_due_promotions(Connection& db, Timestamp now, std::size_t limit);

std::vector<pipelines::Subscription> list_subscriptions(Connection& db, std::string_view tenant);
std::optional<pipelines::Subscription> find_subscription(Connection& db, std::string_view tenant, std::string_view id);
void write_subscription(Connection& db, const pipelines::Subscription& s);
void remove_subscription(Connection& db, std::string_view tenant, std::string_view id);
std::vector<std::pair<std::string, std::string>> list_active_subscriptions(Connection& db, std::size_t limit);

std::vector<pipelines::FreezeWindow> list_freeze_windows(Connection& db, std::string_view tenant,
                                                         std::string_view sandbox);
void insert_freeze(Connection& db, const pipelines::FreezeWindow& w);
void remove_freeze(Connection& db, std::string_view tenant, std::string_view sandbox, std::string_view id);

}  // namespace ferry::sql
