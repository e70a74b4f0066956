#pragma once
// How segments, templates and campaigns map to SQL rows and back (SQLite and PostgreSQL).

#include "campaigns/model.hpp"
#include "store/sql/connection.hpp"
#include "store/store.hpp"

#include <string_view>
#include <vector>

namespace ferry::sql {

inline constexpr std::string_view segment_columns =
    "tenant, sandbox, id, key, name, description, rule, archived, created_at, created_by, updated_at, updated_by, "
    "revision";
inline constexpr std::string_view template_columns =
    "tenant, sandbox, id, key, name, channel, subject, body, archived, created_at, created_by, updated_at, "
    "updated_by, revision";
inline constexpr std::string_view campaign_columns =
    "tenant, sandbox, id, key, type, status, status_before_archive, spec, draft, tags, alerts, provenance, "
    "live_version, activated_at, submitted_by, status_changed_at, created_at, created_by, updated_at, updated_by, "
    "revision, spec_edited_by, bypass";
inline constexpr std::string_view policy_columns =
    "tenant, id, name, scope, conditions, approvers, required, active, created_at, created_by, updated_at, "
    "updated_by, revision";
inline constexpr std::string_view review_columns =
    "tenant, id, scope, sandbox, subject_kind, subject_id, subject_name, digest, state, requested_by, last_editor, "
    "requested_at, decided_at, decided_by, comment";

Segment read_segment(const Statement& st);
Template read_template(const Statement& st);
Campaign read_campaign(const Statement& st);

void write_segment(Connection& db, const Segment& s, bool insert);
void write_template(Connection& db, const Template& t, bool insert);
// Inserts or updates the row, then refreshes tags, channels and references.
void write_campaign(Connection& db, const Campaign& c, bool insert);

// Sets name_folded (the name as search compares it) on campaigns written before the column
// existed, in batches; both backends run it once after their migrations, in the caller's
// transaction. Returns how many it filled.
std::size_t fill_folded_names(Connection& db);

approval::Policy read_policy(const Statement& st);
void write_policy(Connection& db, const approval::Policy& p, bool insert);
approval::Review read_review(const Statement& st);
void write_review(Connection& db, const approval::Review& r, bool insert);

CampaignPage query_campaigns(Connection& db, const CampaignQuery& q);

}  // namespace ferry::sql
