// `ferry samples load DIR -s S`: loads a sample data set (fixtures/sample/README.md) into a
// sandbox through the API, as a user would: segments and templates first, then campaigns with
// their key references turned into the ids just created, each moved to its `fixture_status` with
// the lifecycle actions.

#include "context.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <set>
#include <thread>

namespace ferry::cli {

namespace json = boost::json;

namespace {

struct SamplesArgs {
    std::string dir;
    std::string sandbox;
};

// How long an orchestrated campaign may stay `publishing` (the scheduler's next pass ends it).
constexpr std::chrono::seconds publishing_timeout{60};
constexpr std::chrono::milliseconds publishing_poll{200};

// The actions that take a new draft to each status a sample may ask for.
const std::map<std::string, std::vector<std::string>>& steps_to() {
    static const std::map<std::string, std::vector<std::string>> steps{
        {"draft", {}},
        {"active", {"activate"}},
        {"scheduled", {"activate"}},
        {"paused", {"activate", "pause"}},
        {"stopped", {"activate", "stop"}},
        {"archived", {"activate", "archive"}},
    };
    return steps;
}

// One file of the set: a JSON array of objects.
json::array read_set_file(const std::filesystem::path& path) {
    const std::string text = read_input(path.string());
    boost::system::error_code ec;
    json::value value = json::parse(text, ec);
    if (ec) throw Failure(ExitCode::error, path.string() + " is not valid JSON: " + ec.message());
    if (!value.is_array()) throw Failure(ExitCode::error, path.string() + " must hold a JSON array");
    for (const auto& item : value.as_array())
        if (!item.is_object()) throw Failure(ExitCode::error, path.string() + " must hold an array of JSON objects");
    return std::move(value.as_array());
}

std::string key_of(const json::value& object) {
    const auto* key = object.as_object().if_contains("key");
    return key != nullptr && key->is_string() ? std::string(key->as_string()) : "";
}

// A campaign of the set, checked before anything is sent: its references resolve within the set
// and its fixture_status is one the loader can reach.
struct SampleCampaign {
    std::string key;
    std::string want;
    json::object body;  // the CampaignInput to send, references still by key
};

std::string string_member(const json::object& object, std::string_view name, const std::string& where) {
    const auto* v = object.if_contains(name);
    if (v == nullptr || !v->is_string())
        throw Failure(ExitCode::error, where + ": " + std::string(name) + " must be a string");
    return std::string(v->as_string());
}

SampleCampaign check_campaign(const json::value& item, std::size_t index, const std::set<std::string>& segment_keys,
                              const std::set<std::string>& template_keys) {
    SampleCampaign c{key_of(item), "draft", item.as_object()};
    const std::string where = "campaigns.json: campaign " + (c.key.empty() ? "#" + std::to_string(index + 1) : c.key);
    if (c.body.contains("fixture_status")) c.want = string_member(c.body, "fixture_status", where);
    if (steps_to().count(c.want) == 0)
        throw Failure(ExitCode::error,
                      where + ": fixture_status must be draft, active, scheduled, paused, stopped or archived, not '" +
                          c.want + "'");
    c.body.erase("fixture_status");
    if (const auto* audience = c.body.if_contains("audience"); audience != nullptr && audience->is_object())
        if (audience->as_object().contains("segment_key")) {
            const std::string key = string_member(audience->as_object(), "segment_key", where + ": audience");
            if (segment_keys.count(key) == 0)
                throw Failure(ExitCode::error, where + ": audience.segment_key " + key + " is not in segments.json");
        }
    if (const auto* content = c.body.if_contains("content"); content != nullptr && content->is_object())
        for (const auto& [channel, entry] : content->as_object())
            if (entry.is_object() && entry.as_object().contains("template_key")) {
                const std::string key =
                    string_member(entry.as_object(), "template_key", where + ": content." + std::string(channel));
                if (template_keys.count(key) == 0)
                    throw Failure(ExitCode::error, where + ": content." + std::string(channel) + ".template_key " +
                                                       key + " is not in templates.json");
            }
    return c;
}

// The body with `segment_key` and `template_key` replaced by the ids created for those keys.
json::object with_ids(json::object body, const std::map<std::string, std::string>& segment_ids,
                      const std::map<std::string, std::string>& template_ids) {
    if (auto* audience = body.if_contains("audience"); audience != nullptr && audience->is_object())
        if (auto* key = audience->as_object().if_contains("segment_key")) {
            const std::string id = segment_ids.at(std::string(key->as_string()));
            audience->as_object().erase("segment_key");
            audience->as_object()["segment"] = id;
        }
    if (auto* content = body.if_contains("content"); content != nullptr && content->is_object())
        for (auto& [channel, entry] : content->as_object())
            if (entry.is_object())
                if (auto* key = entry.as_object().if_contains("template_key")) {
                    const std::string id = template_ids.at(std::string(key->as_string()));
                    entry.as_object().erase("template_key");
                    entry.as_object()["template"] = id;
                }
    return body;
}

class Loader {
public:
    Loader(Context& ctx, std::string sandbox) : ctx_(ctx), sandbox_(std::move(sandbox)) {}

    int run(const std::filesystem::path& dir) {
        // Everything is read and checked before the first request: a broken set loads nothing.
        const json::array segments = read_set_file(dir / "segments.json");
        const json::array templates = read_set_file(dir / "templates.json");
        const json::array campaign_items = read_set_file(dir / "campaigns.json");
        std::set<std::string> segment_keys;
        std::set<std::string> template_keys;
        for (const auto& s : segments) segment_keys.insert(key_of(s));
        for (const auto& t : templates) template_keys.insert(key_of(t));
        std::vector<SampleCampaign> campaigns;
        for (std::size_t i = 0; i < campaign_items.size(); ++i)
            campaigns.push_back(check_campaign(campaign_items[i], i, segment_keys, template_keys));

        progress("loading " + dir.string() + " into " + sandbox_ + "...");
        for (const auto& s : segments) create("segment", key_of(s), s.as_object(), segment_ids_);
        for (const auto& t : templates) create("template", key_of(t), t.as_object(), template_ids_);

        // First every campaign is created and takes its first step; orchestrated ones then
        // publish (one scheduler pass) all at once, and take the steps after that once live.
        std::vector<Created> created;
        for (const auto& c : campaigns) {
            const json::value answer = checked(
                ctx_.post(ctx_.sandbox_path(sandbox_, "/campaigns"), with_ids(c.body, segment_ids_, template_ids_)),
                "creating campaign " + c.key);
            Created done{c.key, text_of(answer, "id"), text_of(answer, "status"), steps_to().at(c.want), c.want};
            created_campaigns_.emplace(done.key, done.id);
            if (!done.steps.empty()) take_step(done);
            created.push_back(std::move(done));
        }
        for (auto& c : created) {
            wait_while_publishing(c);
            while (!c.steps.empty()) {
                take_step(c);
                wait_while_publishing(c);
            }
        }

        std::map<std::string, int> by_status;
        for (const auto& c : created) {
            ++by_status[c.status];
            if (c.status != c.want)
                std::cerr << "ferry: warning: campaign " << c.key << " is " << c.status << ", not " << c.want
                          << " (its schedule decides: a start already past goes live at once)\n";
        }
        if (ctx_.machine_output()) {
            json::object out{{"sandbox", sandbox_}};
            json::object s, t, c;
            for (const auto& [key, id] : segment_ids_) s[key] = json::object{{"id", id}};
            for (const auto& [key, id] : template_ids_) t[key] = json::object{{"id", id}};
            for (const auto& done : created) c[done.key] = json::object{{"id", done.id}, {"status", done.status}};
            out["segments"] = std::move(s);
            out["templates"] = std::move(t);
            out["campaigns"] = std::move(c);
            ctx_.print_json(json::value(std::move(out)));
            return 0;
        }
        std::string statuses;
        for (const auto& [status, n] : by_status)
            statuses += (statuses.empty() ? "" : ", ") + status + " " + std::to_string(n);
        Table table({"KIND", "CREATED", "STATUSES"});
        table.add({"segments", std::to_string(segment_ids_.size()), "-"});
        table.add({"templates", std::to_string(template_ids_.size()), "-"});
        table.add({"campaigns", std::to_string(created.size()), statuses.empty() ? "-" : statuses});
        table.print(std::cout, ctx_.out_style());
        return 0;
    }

private:
    struct Created {
        std::string key;
        std::string id;
        std::string status;
        std::vector<std::string> steps;  // still to take, in order
        std::string want;
    };

    // The answer's JSON when it is a success; otherwise says what was being done and what is
    // left behind, then the server's error, and exits 1.
    json::value checked(const Response& r, const std::string& what) {
        if (r.ok()) return r.json();
        std::cerr << "ferry: samples load: " << what << " failed; already created in " << sandbox_
                  << " (left as they are): " << segment_ids_.size() << " segment(s), " << template_ids_.size()
                  << " template(s), " << created_campaigns_.size() << " campaign(s)\n";
        fail_with(ctx_, r);
    }

    void create(const std::string& kind, const std::string& key, const json::object& body,
                std::map<std::string, std::string>& ids) {
        const json::value answer = checked(ctx_.post(ctx_.sandbox_path(sandbox_, "/" + kind + "s"), body),
                                           "creating " + kind + " " + (key.empty() ? "(without a key)" : key));
        ids[key.empty() ? text_of(answer, "key") : key] = text_of(answer, "id");
    }

    void take_step(Created& c) {
        const std::string action = c.steps.front();
        c.steps.erase(c.steps.begin());
        const json::value answer =
            checked(ctx_.post(ctx_.sandbox_path(sandbox_, "/campaigns/" + url_escape(c.id) + "/actions/" + action)),
                    action + " of campaign " + c.key);
        c.status = text_of(answer, "status");
    }

    void wait_while_publishing(Created& c) {
        const auto deadline = std::chrono::steady_clock::now() + publishing_timeout;
        while (c.status == "publishing") {
            if (std::chrono::steady_clock::now() > deadline)
                throw Failure(ExitCode::error, "samples load: campaign " + c.key + " is still publishing after " +
                                                   std::to_string(publishing_timeout.count()) +
                                                   " s; is ferryd's scheduler running?");
            std::this_thread::sleep_for(publishing_poll);
            const json::value now = checked(ctx_.get(ctx_.sandbox_path(sandbox_, "/campaigns/" + url_escape(c.id))),
                                            "reading campaign " + c.key);
            c.status = text_of(now, "status");
        }
        if (c.status == "failed")
            throw Failure(ExitCode::error, "samples load: campaign " + c.key + " failed to publish");
    }

    Context& ctx_;
    std::string sandbox_;
    std::map<std::string, std::string> segment_ids_;
    std::map<std::string, std::string> template_ids_;
    std::map<std::string, std::string> created_campaigns_;
};

}  // namespace

void add_sample_commands(CLI::App& root, Commands& commands) {
    CLI::App* samples = commands.group(root, "samples", "sample data sets: ferry samples load fixtures/sample -s dev");
    auto args = std::make_shared<SamplesArgs>();
    CLI::App* load = commands.leaf(
        *samples, "load",
        "load a sample data set into a sandbox: segments.json, templates.json, campaigns.json (references by key, "
        "each campaign moved to its fixture_status); prints what it created",
        [args](Context& ctx) { return Loader(ctx, ctx.sandbox(args->sandbox)).run(args->dir); });
    load->add_option("dir", args->dir, "the data set's directory, e.g. fixtures/sample")->required();
    add_sandbox_option(load, args->sandbox, "the sandbox to load it into");
}

}  // namespace ferry::cli
