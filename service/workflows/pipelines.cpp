#include "workflows/pipelines.hpp"

#include "core/crypto.hpp"
#include "core/fields.hpp"
#include "workflows/journal.hpp"

#include <algorithm>
#include <regex>
#include <set>

namespace ferry::workflows {

namespace json = boost::json;
using pipelines::FreezeKind;
using pipelines::FreezeWindow;
using pipelines::Pipeline;
using pipelines::Stage;

namespace {

constexpr std::size_t max_stages = 10;
constexpr std::int64_t max_soak_seconds = 365LL * 24 * 3600;

bool valid_name(const std::string& name) {
    static const std::regex pattern("[a-z0-9][a-z0-9-]{0,62}");
    return std::regex_match(name, pattern);
}

std::vector<Stage> read_stages(Tx& tx, const Actor& actor, const json::array& array, const std::string& pipeline) {
    if (array.empty() || array.size() > max_stages)
        throw Error::invalid_field("stages", "a pipeline has 1 to 10 stages");
    std::vector<Stage> out;
    std::set<std::string> seen;
    for (std::size_t i = 0; i < array.size(); ++i) {
        const std::string path = "stages[" + std::to_string(i) + "]";
        if (!array[i].is_object()) throw Error::invalid_field(path, path + " must be an object");
        Fields f(array[i].as_object(), path);
        Stage s;
        s.sandbox = f.required_string("sandbox", 64);
        s.soak_seconds = f.optional_integer("soak_seconds", 0, max_soak_seconds).value_or(0);
        s.health_gate = f.optional_bool("health_gate").value_or(false);
        f.finish();
        if (!tx.sandbox(actor.tenant, s.sandbox))
            throw Error::invalid_field(path + ".sandbox", "no sandbox " + s.sandbox + " in this tenant");
        if (!seen.insert(s.sandbox).second)
            throw Error::invalid_field(path + ".sandbox", s.sandbox + " is already a stage of this pipeline");
        if (const auto other = tx.pipeline_of_sandbox(actor.tenant, s.sandbox); other && other->name != pipeline)
            throw Error::conflict("sandbox_in_pipeline", s.sandbox + " is already a stage of pipeline " + other->name,
                                  {{"sandbox", s.sandbox}, {"pipeline", other->name}});
        out.push_back(std::move(s));
    }
    return out;
}

std::string describe(const FreezeWindow& w) {
    return w.kind == FreezeKind::once
               ? format_rfc3339(w.start) + " to " + format_rfc3339(w.end)
               : std::string(pipelines::weekday_name(w.from.day)) + " " + pipelines::format_clock(w.from.minute) +
                     " to " + std::string(pipelines::weekday_name(w.to.day)) + " " +
                     pipelines::format_clock(w.to.minute) + " " + w.time_zone;
}

pipelines::WeeklyTime read_weekly(Fields& f, std::string_view key) {
    const json::object* o = f.optional_object(key);
    const std::string path = f.path_of(key);
    if (o == nullptr) throw Error::invalid_field(path, path + " is required for a weekly window: {day, time}");
    Fields w(*o, path);
    const std::string day = w.required_string("day", 16);
    const std::string time = w.required_string("time", 5);
    w.finish();
    const auto d = pipelines::parse_weekday(day);
    if (!d) throw Error::invalid_field(path + ".day", "day is monday ... sunday");
    const auto m = pipelines::parse_clock(time);
    if (!m) throw Error::invalid_field(path + ".time", "time is HH:MM, 00:00 to 23:59");
    return pipelines::WeeklyTime{*d, *m};
}

}  // namespace

bool has_user_permission(Tx& tx, const Actor& actor, std::string_view permission) {
    if (actor.kind != Actor::Kind::person && actor.kind != Actor::Kind::token) return false;
    if (actor.user.empty()) return false;
    const auto u = tx.user(actor.tenant, actor.user);
    return u && std::find(u->permissions.begin(), u->permissions.end(), permission) != u->permissions.end();
}

Pipeline create_pipeline(Tx& tx, const Actor& actor, const json::object& body) {
    Fields f(body);
    Pipeline p;
    p.tenant = actor.tenant;
    p.name = f.required_string("name", 63);
    p.description = f.optional_text("description", 2000).value_or("");
    const json::array& stages = f.required_array("stages");
    f.finish();
    if (!valid_name(p.name))
        throw Error::invalid_field("name",
                                   "a pipeline name is 1 to 63 of a-z, 0-9 and -, starting with a letter or digit");
    if (tx.pipeline(actor.tenant, p.name))
        throw Error::conflict("already_exists", "a pipeline named " + p.name + " exists", {{"pipeline", p.name}});
    p.stages = read_stages(tx, actor, stages, p.name);
    p.created_at = p.updated_at = actor.at;
    p.created_by = p.updated_by = actor.name();
    tx.upsert_pipeline(p);
    json::array sandboxes;
    for (const auto& s : p.stages) sandboxes.emplace_back(s.sandbox);
    Journal(tx, actor).record(p.tenant, "pipeline.create", "pipelines/" + p.name, {{"stages", std::move(sandboxes)}});
    return p;
}

Pipeline edit_pipeline(Tx& tx, const Actor& actor, Pipeline p, const json::object& body) {
    Fields f(body);
    if (const auto d = f.optional_text("description", 2000)) p.description = *d;
    const json::array* stages = f.optional_array("stages");
    f.finish();
    if (stages) p.stages = read_stages(tx, actor, *stages, p.name);
    p.updated_at = actor.at;
    p.updated_by = actor.name();
    ++p.revision;
    tx.upsert_pipeline(p);
    json::array sandboxes;
    for (const auto& s : p.stages) sandboxes.emplace_back(s.sandbox);
    Journal(tx, actor).record(p.tenant, "pipeline.update", "pipelines/" + p.name, {{"stages", std::move(sandboxes)}});
    return p;
}

void delete_pipeline(Tx& tx, const Actor& actor, const Pipeline& p) {
    tx.delete_pipeline(p.tenant, p.name);
    Journal(tx, actor).record(p.tenant, "pipeline.delete", "pipelines/" + p.name);
}

FreezeWindow add_freeze_window(Tx& tx, const Actor& actor, const std::string& sandbox, const json::object& body) {
    Fields f(body);
    FreezeWindow w;
    w.tenant = actor.tenant;
    w.sandbox = sandbox;
    w.id = "frz_" + crypto::random_base62(16);
    const std::string kind = f.required_string("kind", 16);
    w.reason = f.optional_text("reason", 500).value_or("");
    if (kind == "once") {
        w.kind = FreezeKind::once;
        const std::string start = f.required_string("start", 40);
        const std::string end = f.required_string("end", 40);
        f.finish();
        const auto s = parse_rfc3339(start);
        if (!s) throw Error::invalid_field("start", "start must be an RFC 3339 time");
        const auto e = parse_rfc3339(end);
        if (!e) throw Error::invalid_field("end", "end must be an RFC 3339 time");
        if (*e <= *s) throw Error::invalid_field("end", "end must be after start");
        w.start = *s;
        w.end = *e;
    } else if (kind == "weekly") {
        w.kind = FreezeKind::weekly;
        w.from = read_weekly(f, "from");
        w.to = read_weekly(f, "to");
        w.time_zone = f.required_string("time_zone", 64);
        f.finish();
        if (!pipelines::known_time_zone(w.time_zone))
            throw Error::invalid_field("time_zone", "time_zone must be a zone of the tz database, e.g. Europe/Paris");
        if (w.from.day == w.to.day && w.from.minute == w.to.minute)
            throw Error::invalid_field("to", "a weekly window ends at another moment of the week than it starts");
    } else {
        throw Error::invalid_field("kind", "kind is once or weekly");
    }
    w.created_at = actor.at;
    w.created_by = actor.name();
    tx.insert_freeze_window(w);
    Journal(tx, actor).record(w.tenant, "freeze.create", sandbox + "/freeze-windows/" + w.id,
                              {{"kind", pipelines::to_string(w.kind)}, {"window", describe(w)}, {"reason", w.reason}});
    return w;
}

void remove_freeze_window(Tx& tx, const Actor& actor, const std::string& sandbox, const std::string& id) {
    const auto windows = tx.freeze_windows(actor.tenant, sandbox);
    const auto found = std::find_if(windows.begin(), windows.end(), [&](const auto& w) { return w.id == id; });
    if (found == windows.end()) throw Error::not_found("freeze window");
    tx.delete_freeze_window(actor.tenant, sandbox, id);
    Journal(tx, actor).record(actor.tenant, "freeze.delete", sandbox + "/freeze-windows/" + id,
                              {{"window", describe(*found)}, {"reason", found->reason}});
}

std::optional<pipelines::ActiveFreeze> freeze_in_force(Tx& tx, const std::string& tenant, const std::string& sandbox,
                                                       Timestamp now) {
    return pipelines::active_freeze(tx.freeze_windows(tenant, sandbox), now);
}

Error frozen_error(const std::string& sandbox, const pipelines::ActiveFreeze& freeze) {
    return Error::conflict("frozen",
                           sandbox + " is in a freeze window until " + format_rfc3339(freeze.ends_at) +
                               (freeze.reason.empty() ? "" : " (" + freeze.reason + ")"),
                           {{"window", freeze.window},
                            {"reason", freeze.reason},
                            {"ends_at", format_rfc3339(freeze.ends_at)},
                            {"sandbox", sandbox}});
}

void require_unfrozen(Tx& tx, const Actor& actor, const std::string& sandbox,
                      const std::optional<std::string>& bypass_reason, std::string_view action,
                      const std::string& target) {
    const auto freeze = freeze_in_force(tx, actor.tenant, sandbox, actor.at);
    if (!freeze) return;
    if (!bypass_reason) throw frozen_error(sandbox, *freeze);
    if (!has_user_permission(tx, actor, bypass_pipeline))
        throw Error(ErrorKind::forbidden, "bypass_not_permitted",
                    "going through a freeze window needs the bypass_pipeline permission");
    Journal(tx, actor).record(
        actor.tenant, std::string(action) + ".bypass_freeze", target,
        {{"window", freeze->window}, {"ends_at", format_rfc3339(freeze->ends_at)}, {"reason", *bypass_reason}});
}

}  // namespace ferry::workflows
