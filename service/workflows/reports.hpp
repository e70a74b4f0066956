#pragma once
// Delivery figures and campaign reports (docs/reports.md): a delivery engine's batch added into
// hourly buckets, idempotently by the batch's id; a campaign's 24-hour and full reports; a
// sandbox's overview; and the roll-up of hours into days after 30 days.

#include "reports/figures.hpp"
#include "store/store.hpp"
#include "workflows/actor.hpp"

#include <boost/json/object.hpp>

#include <string>
#include <string_view>

namespace ferry::workflows {

// The answer to a batch: 201 and what was added the first time; the same answer again for a
// retry with the same id and body. Throws Error: 422 for a bad batch or an id reused with another
// body, 404 for a campaign that is not in the sandbox; then nothing is stored.
struct BatchAnswer {
    int status = 201;
    std::string body;  // JSON
};
BatchAnswer ingest_figures(Tx& tx, const Actor& actor, std::string_view sandbox, const boost::json::object& body);

enum class ReportPeriod { last_24_hours, full };

// The campaign's report: the last 24 hours by the hour (the current hour last), or its whole
// life by the day (from the day of its first figures, or of its creation, to today).
boost::json::object campaign_report(Tx& tx, const Campaign& c, ReportPeriod period, Timestamp now);

// The sandbox's figures over [from, to) by the day, with the `top` campaigns by messages sent;
// archived campaigns do not count.
boost::json::object sandbox_overview(Tx& tx, std::string_view tenant, std::string_view sandbox, Timestamp from,
                                     Timestamp to, std::size_t top);

// Rolls hourly buckets older than 30 days (reports::roll_up_before) into days; returns how many
// hourly buckets went. Run by the scheduler.
std::size_t roll_up_figures(Store& store, Timestamp now);

}  // namespace ferry::workflows
