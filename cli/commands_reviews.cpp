// The approval gate: reviews (queues, content and diff, decisions) and approval policies.

#include "context.hpp"

#include <boost/json/serialize.hpp>

#include <iostream>
#include <memory>
#include <optional>

namespace ferry::cli {

namespace json = boost::json;

namespace {

struct ReviewArgs {
    std::string id;
    std::string comment;
    bool mine = false;
    std::string state;
    Paging paging;
};

struct PolicyArgs {
    std::string id;
    std::string file;
};

std::string review_path(const Context& ctx, const std::string& id, std::string_view suffix = "") {
    return ctx.tenant_path("/reviews/" + url_escape(id) + std::string(suffix));
}

Colour state_colour(const std::string& state) {
    if (state == "approved") return Colour::green;
    if (state == "pending") return Colour::yellow;
    if (state == "changes_requested") return Colour::red;
    return Colour::dim;
}

std::string subject_text(const json::value& review) {
    return text_of(review, "subject.kind") + " " + text_of(review, "subject.sandbox") + "/" +
           text_of(review, "subject.name");
}

// Text indented under a heading, line by line.
void print_indented(const std::string& text, const std::string& pad = "  ") {
    std::size_t start = 0;
    while (start <= text.size()) {
        const auto end = text.find('\n', start);
        std::cout << pad << text.substr(start, end == std::string::npos ? std::string::npos : end - start) << "\n";
        if (end == std::string::npos) break;
        start = end + 1;
    }
}

// The content under review as its recipients get it: each channel's message with its template's
// subject and body in place of the template's id, and the audience by its segment's name.
void print_rendered_content(Context& ctx, const json::value& review, const json::value& content) {
    const Style& style = ctx.out_style();
    const std::string sandbox = text_of(review, "subject.sandbox");
    const auto fetch = [&](const std::string& kind, const std::string& id) -> std::optional<json::value> {
        const Response r = ctx.get(ctx.sandbox_path(sandbox, "/" + kind + "/" + url_escape(id)));
        if (!r.ok()) return std::nullopt;
        return r.json();
    };

    std::cout << "\n" << style.paint("Content under review, as recipients get it", Colour::bold) << "\n";
    Fields f = fields_of(content, {"name", "description", "channels"});
    std::string audience = "everyone (no segment)";
    if (const std::string segment = text_of(content, "audience.segment"); segment != "-") {
        const auto found = fetch("segments", segment);
        audience = found ? text_of(*found, "name") + " (segment " + text_of(*found, "key") + ")" : segment;
    }
    f.emplace_back("audience", audience);
    const std::string start = text_of(content, "schedule.start");
    const std::string end = text_of(content, "schedule.end");
    f.emplace_back("schedule", start == "-" && end == "-" ? "at activation, no end" : start + " -> " + end);
    if (const std::string recurrence = text_of(content, "schedule.recurrence"); recurrence != "-")
        f.emplace_back("recurrence", recurrence);
    print_fields(std::cout, f, style);

    const json::value* channels = content.is_object() ? content.as_object().if_contains("content") : nullptr;
    if (channels == nullptr || !channels->is_object()) return;
    for (const auto& [channel, entry] : channels->as_object()) {
        json::value message = entry;
        std::string origin = "inline";
        if (const std::string id = text_of(entry, "template"); id != "-") {
            const auto found = fetch("templates", id);
            if (found) {
                message = *found;
                origin = "template " + text_of(*found, "key") + ", " + text_of(*found, "name");
            } else {
                origin = "template " + id + " (cannot be read)";
            }
        }
        std::cout << "\n" << style.paint(std::string(channel), Colour::cyan) << "  (" << origin << ")\n";
        const auto line = [&](const char* label, const char* field) {
            if (const std::string v = text_of(message, field); v != "-")
                std::cout << "  " << label << ": " << v << "\n";
        };
        line("Subject", "subject");
        line("Title", "title");
        if (text_of(message, "url") != "-")
            std::cout << "  " << (text_of(message, "method") == "-" ? "POST" : text_of(message, "method")) << " "
                      << text_of(message, "url") << "\n";
        line("Authorization", "auth_header");
        if (const std::string body = text_of(message, "body"); body != "-") {
            std::cout << "\n";
            print_indented(body);
        }
    }
}

void print_review(Context& ctx, const json::value& review) {
    const Style& style = ctx.out_style();
    Fields f = fields_of(review, {"id", "state", "scope"});
    f.emplace_back("subject", subject_text(review));
    for (auto& field : fields_of(
             review, {"digest", "requested_by", "requested_at", "last_editor", "decided_by", "decided_at", "comment"}))
        f.push_back(std::move(field));
    for (auto& [name, value] : f)
        if (name == "state") value = style.paint(value, state_colour(value));
    print_fields(std::cout, f, style);

    std::cout << "\n" << style.paint("Requirements", Colour::bold) << "\n";
    Table required({"SOURCE", "NAME", "REQUIRED", "COUNTED", "SATISFIED"});
    for (const auto& r : review.at("required").as_array()) {
        required.add({text_of(r, "source"), text_of(r, "name"), text_of(r, "required"), text_of(r, "counted"),
                      text_of(r, "satisfied")});
        required.colour_last(4, text_of(r, "satisfied") == "true" ? Colour::green : Colour::yellow);
    }
    required.print(std::cout, style);

    if (!review.at("approvals").as_array().empty()) {
        std::cout << "\n" << style.paint("Approvals", Colour::bold) << "\n";
        table_of(review.at("approvals").as_array(),
                 {{"USER", "user"}, {"AT", "at"}, {"COUNTS", "counts"}, {"COMMENT", "comment"}})
            .print(std::cout, style);
    }
    if (const auto* diff = review.as_object().if_contains("diff"); diff != nullptr && diff->is_array()) {
        std::cout << "\n" << style.paint("Changes from the live version", Colour::bold) << "\n";
        for (const auto& d : diff->as_array())
            std::cout << "  " << text_of(d, "field") << ": " << style.paint(json::serialize(d.at("from")), Colour::red)
                      << " -> " << style.paint(json::serialize(d.at("to")), Colour::green) << "\n";
    }
    if (const auto* content = review.as_object().if_contains("content"); content != nullptr && content->is_object())
        print_rendered_content(ctx, review, *content);
}

void print_decision(const Context& ctx, const Response& r) {
    if (ctx.print_json(r)) return;
    const json::value review = r.json();
    const std::string state = text_of(review, "state");
    std::cout << "review " << text_of(review, "id") << ": " << ctx.out_style().paint(state, state_colour(state))
              << "\n";
}

void add_reviews(CLI::App& root, Commands& commands) {
    CLI::App* reviews = commands.group(root, "reviews", "reviews: requests for approval of campaigns and packages");

    auto list = std::make_shared<ReviewArgs>();
    CLI::App* ls =
        commands.leaf(*reviews, "ls", "list reviews, newest first (pending ones by default)", [list](Context& ctx) {
            const json::value body = ctx.list(
                with_query(ctx.tenant_path("/reviews"), {{"state", list->state}, {"assigned", list->mine ? "me" : ""}}),
                list->paging);
            if (ctx.print_json(body)) return 0;
            Table table(ctx.wide() ? std::vector<std::string>{"ID", "STATE", "SCOPE", "SUBJECT", "REQUESTED BY",
                                                              "REQUESTED AT", "LAST EDITOR", "DECIDED BY", "DIGEST"}
                                   : std::vector<std::string>{"ID", "STATE", "SCOPE", "SUBJECT", "REQUESTED BY",
                                                              "REQUESTED AT"});
            for (const auto& review : items_of(body)) {
                table.add({text_of(review, "id"), text_of(review, "state"), text_of(review, "scope"),
                           subject_text(review), text_of(review, "requested_by"), text_of(review, "requested_at"),
                           text_of(review, "last_editor"), text_of(review, "decided_by"), text_of(review, "digest")});
                table.colour_last(1, state_colour(text_of(review, "state")));
            }
            table.print(std::cout, ctx.out_style());
            return 0;
        });
    ls->add_flag("--mine", list->mine, "only the reviews waiting for you");
    ls->add_option("--state", list->state, "pending (default), approved, changes_requested, withdrawn, voided or all")
        ->check(CLI::IsMember({"pending", "approved", "changes_requested", "withdrawn", "voided", "all"}));
    add_paging_options(ls, list->paging, false);

    auto show = std::make_shared<ReviewArgs>();
    CLI::App* s = commands.leaf(*reviews, "show", "show a review: requirements, approvals, content and diff",
                                [show](Context& ctx) {
                                    const Response r = ctx.expect_ok(ctx.get(review_path(ctx, show->id)));
                                    if (ctx.print_json(r)) return 0;
                                    print_review(ctx, r.json());
                                    return 0;
                                });
    s->add_option("id", show->id, "review id (rev_...)")->required();

    auto approve = std::make_shared<ReviewArgs>();
    CLI::App* a = commands.leaf(*reviews, "approve", "approve the content under review", [approve](Context& ctx) {
        json::object body;
        if (!approve->comment.empty()) body["comment"] = approve->comment;
        print_decision(ctx, ctx.expect_ok(ctx.post(review_path(ctx, approve->id, "/approve"), body)));
        return 0;
    });
    a->add_option("id", approve->id, "review id")->required();
    a->add_option("-m,--message", approve->comment, "a comment");

    auto changes = std::make_shared<ReviewArgs>();
    CLI::App* c =
        commands.leaf(*reviews, "request-changes", "send the work back to its author", [changes](Context& ctx) {
            print_decision(ctx, ctx.expect_ok(ctx.post(review_path(ctx, changes->id, "/request-changes"),
                                                       json::object{{"comment", changes->comment}})));
            return 0;
        });
    c->add_option("id", changes->id, "review id")->required();
    c->add_option("-m,--message", changes->comment, "what needs to change")->required();

    auto withdraw = std::make_shared<ReviewArgs>();
    CLI::App* w = commands.leaf(*reviews, "withdraw", "withdraw a review you submitted", [withdraw](Context& ctx) {
        print_decision(ctx, ctx.expect_ok(ctx.post(review_path(ctx, withdraw->id, "/withdraw"))));
        return 0;
    });
    w->add_option("id", withdraw->id, "review id")->required();
}

void print_policy(const Context& ctx, const json::value& policy) {
    Fields f = fields_of(policy, {"id", "name", "scope", "active", "required_approvals", "approvers.role",
                                  "approvers.users", "updated_at", "updated_by"});
    f.emplace_back("conditions", text_of(policy, "conditions"));
    print_fields(std::cout, f, ctx.out_style());
}

void add_policies(CLI::App& root, Commands& commands) {
    CLI::App* policies = commands.group(root, "policies", "approval policies (tenant admin)");

    auto paging = std::make_shared<Paging>();
    CLI::App* l = commands.leaf(*policies, "ls", "list approval policies, oldest first", [paging](Context& ctx) {
        const json::value body = ctx.list(ctx.tenant_path("/approval-policies"), *paging);
        if (ctx.print_json(body)) return 0;
        Table table(ctx.wide() ? std::vector<std::string>{"ID", "NAME", "SCOPE", "ACTIVE", "APPROVALS", "APPROVERS",
                                                          "CONDITIONS"}
                               : std::vector<std::string>{"ID", "NAME", "SCOPE", "ACTIVE", "APPROVALS", "APPROVERS"});
        for (const auto& p : items_of(body)) {
            const std::string approvers = text_of(p, "approvers.role") != "-" ? "role " + text_of(p, "approvers.role")
                                                                              : text_of(p, "approvers.users");
            table.add({text_of(p, "id"), text_of(p, "name"), text_of(p, "scope"), text_of(p, "active"),
                       text_of(p, "required_approvals"), approvers, text_of(p, "conditions")});
            table.colour_last(3, text_of(p, "active") == "true" ? Colour::green : Colour::dim);
        }
        table.print(std::cout, ctx.out_style());
        return 0;
    });
    add_paging_options(l, *paging, false);

    auto get = std::make_shared<PolicyArgs>();
    CLI::App* g = commands.leaf(*policies, "get", "show one policy", [get](Context& ctx) {
        const Response r = ctx.expect_ok(ctx.get(ctx.tenant_path("/approval-policies/" + url_escape(get->id))));
        if (ctx.print_json(r)) return 0;
        print_policy(ctx, r.json());
        return 0;
    });
    g->add_option("id", get->id, "policy id")->required();

    auto create = std::make_shared<PolicyArgs>();
    CLI::App* c = commands.leaf(
        *policies, "create", "create a policy from a JSON file (docs/approvals.md)", [create](Context& ctx) {
            const Response r =
                ctx.expect_ok(ctx.post(ctx.tenant_path("/approval-policies"), read_json_object(create->file)));
            if (ctx.print_json(r)) return 0;
            print_policy(ctx, r.json());
            return 0;
        });
    c->add_option("-f,--file", create->file, "the policy as JSON ('-': stdin)")->required();

    for (const std::string action : {"activate", "deactivate"}) {
        auto args = std::make_shared<PolicyArgs>();
        CLI::App* a = commands.leaf(
            *policies, action, action == "activate" ? "make a policy apply" : "stop a policy applying",
            [args, action](Context& ctx) {
                const Response r = ctx.expect_ok(
                    ctx.post(ctx.tenant_path("/approval-policies/" + url_escape(args->id) + "/actions/" + action)));
                if (ctx.print_json(r)) return 0;
                print_policy(ctx, r.json());
                return 0;
            });
        a->add_option("id", args->id, "policy id")->required();
    }
}

}  // namespace

void add_review_commands(CLI::App& root, Commands& commands) {
    add_reviews(root, commands);
    add_policies(root, commands);
}

}  // namespace ferry::cli
