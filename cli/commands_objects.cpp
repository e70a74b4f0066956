// Segments (audiences) and templates (reusable content for one channel) of a sandbox: list, show
// and create. Campaigns refer to them by id.

#include "context.hpp"

#include <iostream>
#include <memory>

namespace ferry::cli {

namespace json = boost::json;

namespace {

struct ObjectArgs {
    std::string sandbox;
    std::string id;
    std::string file;
    std::string query;
    bool include_archived = false;
    Paging paging;
};

// What differs between segments and templates: their path, their columns and their fields.
struct Kind {
    std::string plural;       // "segments": the command and the path under the sandbox
    std::string singular;     // "segment"
    std::string id_prefix;    // "seg_"
    std::string description;  // of the command group
    std::vector<std::pair<std::string, std::string>> columns;
    std::vector<std::string> fields;  // shown as "key: value" lines
    std::string content;              // shown below them, whole: a segment's rule, a template's body
};

const Kind segments{
    "segments",
    "segment",
    "seg_",
    "segments (audiences) of a sandbox",
    {{"ID", "id"}, {"KEY", "key"}, {"NAME", "name"}, {"ARCHIVED", "archived"}, {"UPDATED", "updated_at"}},
    {"id", "key", "name", "description", "archived", "created_at", "created_by", "updated_at", "updated_by"},
    "rule"};

const Kind templates{
    "templates",
    "template",
    "tpl_",
    "templates (reusable content for one channel) of a sandbox",
    {{"ID", "id"},
     {"KEY", "key"},
     {"NAME", "name"},
     {"CHANNEL", "channel"},
     {"ARCHIVED", "archived"},
     {"UPDATED", "updated_at"}},
    {"id", "key", "name", "channel", "subject", "archived", "created_at", "created_by", "updated_at", "updated_by"},
    "body"};

void print_object(const Context& ctx, const Kind& kind, const json::value& object) {
    Fields fields;
    for (const auto& name : kind.fields) fields.emplace_back(name, text_of(object, name));
    print_fields(std::cout, fields, ctx.out_style());
    const json::value* content = object.is_object() ? object.as_object().if_contains(kind.content) : nullptr;
    if (content == nullptr) return;
    std::cout << "\n"
              << ctx.out_style().paint(kind.content, Colour::bold) << "\n"
              << (content->is_string() ? std::string(content->as_string()) : pretty_json(*content)) << "\n";
}

void add_kind(CLI::App& root, Commands& commands, const Kind& kind) {
    CLI::App* group = commands.group(root, kind.plural, kind.description);

    auto list = std::make_shared<ObjectArgs>();
    CLI::App* ls = commands.leaf(*group, "ls", "list " + kind.plural + ", by key", [list, &kind](Context& ctx) {
        const json::value body =
            ctx.list(with_query(ctx.sandbox_path(list->sandbox, "/" + kind.plural),
                                {{"q", list->query}, {"include_archived", list->include_archived ? "true" : ""}}),
                     list->paging);
        if (ctx.print_json(body)) return 0;
        auto columns = kind.columns;
        if (ctx.wide())
            columns.insert(columns.end(), {{"DESCRIPTION", "description"},
                                           {"CREATED", "created_at"},
                                           {"CREATED BY", "created_by"},
                                           {"UPDATED BY", "updated_by"}});
        table_of(items_of(body), columns).print(std::cout, ctx.out_style());
        return 0;
    });
    add_sandbox_option(ls, list->sandbox);
    ls->add_option("-q,--query", list->query, "case-insensitive part of the name");
    ls->add_flag("--include-archived", list->include_archived, "archived " + kind.plural + " too");
    add_paging_options(ls, list->paging, false);

    auto get = std::make_shared<ObjectArgs>();
    CLI::App* g = commands.leaf(*group, "get", "show one " + kind.singular, [get, &kind](Context& ctx) {
        const Response r =
            ctx.expect_ok(ctx.get(ctx.sandbox_path(get->sandbox, "/" + kind.plural + "/" + url_escape(get->id))));
        if (ctx.print_json(r)) return 0;
        print_object(ctx, kind, r.json());
        return 0;
    });
    g->add_option("id", get->id, kind.singular + " id (" + kind.id_prefix + "...)")->required();
    add_sandbox_option(g, get->sandbox);

    auto create = std::make_shared<ObjectArgs>();
    CLI::App* c = commands.leaf(*group, "create", "create a " + kind.singular + " from a JSON file (docs/campaigns.md)",
                                [create, &kind](Context& ctx) {
                                    const Response r =
                                        ctx.expect_ok(ctx.post(ctx.sandbox_path(create->sandbox, "/" + kind.plural),
                                                               read_json_object(create->file)));
                                    if (ctx.print_json(r)) return 0;
                                    print_object(ctx, kind, r.json());
                                    return 0;
                                });
    add_sandbox_option(c, create->sandbox);
    c->add_option("-f,--file", create->file, "the " + kind.singular + " as a JSON object ('-': stdin)")->required();
}

}  // namespace

void add_object_commands(CLI::App& root, Commands& commands) {
    add_kind(root, commands, segments);
    add_kind(root, commands, templates);
}

}  // namespace ferry::cli
