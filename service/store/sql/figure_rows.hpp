#pragma once
// How delivery figures (reports/figures.hpp) map to SQL rows and back (SQLite and PostgreSQL):
// buckets that batches add into, summed by the reports' queries, and the batches' answers.

#include "reports/figures.hpp"
#include "store/sql/connection.hpp"

#include <optional>
#include <string_view>
#include <vector>

namespace ferry::sql {

std::optional<reports::BatchRecord> find_figure_batch(Connection& db, std::string_view tenant, std::string_view sandbox,
                                                      std::string_view id);
void insert_figure_batch(Connection& db, const reports::BatchRecord& batch);
void add_figures(Connection& db, const std::vector<reports::Bucket>& buckets);
std::vector<reports::Bucket> campaign_figures(Connection& db, std::string_view tenant, std::string_view sandbox,
                                              std::string_view campaign, Timestamp from, Timestamp to,
                                              reports::Grain grain);
std::vector<reports::Bucket> sandbox_figures(Connection& db, std::string_view tenant, std::string_view sandbox,
                                             Timestamp from, Timestamp to);
std::size_t roll_up_figures(Connection& db, Timestamp before);

}  // namespace ferry::sql
