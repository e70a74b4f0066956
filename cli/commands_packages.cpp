// Packages: building them from a sandbox's campaigns, publishing signed versions (or waiting on
// their review), reading, diffing and exporting versions, and `ferry verify`, which checks an
// export offline against a public key the user trusts.

#include "context.hpp"
#include "packager/manifest.hpp"
#include "packager/signing.hpp"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <iostream>
#include <memory>
#include <set>

namespace ferry::cli {

namespace json = boost::json;

namespace {

struct PackageArgs {
    std::string name;
    std::string sandbox;
    std::vector<std::string> campaigns;
    bool full = false;
    std::string description;
    int version = 0;
    int from = 0;
    std::string output = "-";
    Paging paging;
    bool exit_code = false;
    bool allow_empty = false;
};

struct VerifyArgs {
    std::string export_file;
    std::string key_file;
};

std::string package_path(const Context& ctx, const std::string& name, std::string_view suffix = "") {
    return ctx.tenant_path("/packages/" + url_escape(name) + std::string(suffix));
}

void print_package(const Context& ctx, const json::value& p) {
    print_fields(
        std::cout,
        fields_of(p, {"name", "source_sandbox", "kind", "description", "last_version", "updated_at", "updated_by"}),
        ctx.out_style());
    std::cout << "\n";
    table_of(p.at("campaigns").as_array(), {{"CAMPAIGN", "id"}, {"KEY", "key"}, {"NAME", "name"}, {"STATUS", "status"}})
        .print(std::cout, ctx.out_style());
}

void add_building(CLI::App& packages, Commands& commands) {
    auto list = std::make_shared<PackageArgs>();
    CLI::App* l = commands.leaf(packages, "ls", "list the packages of the sandboxes you can see", [list](Context& ctx) {
        const json::value body = ctx.list(ctx.tenant_path("/packages"), list->paging);
        if (ctx.print_json(body)) return 0;
        Table table(ctx.wide() ? std::vector<std::string>{"NAME", "SANDBOX", "KIND", "LAST VERSION", "CAMPAIGNS",
                                                          "DESCRIPTION", "UPDATED", "UPDATED BY"}
                               : std::vector<std::string>{"NAME", "SANDBOX", "KIND", "LAST VERSION", "CAMPAIGNS",
                                                          "DESCRIPTION"});
        for (const auto& p : items_of(body)) {
            const auto* campaigns = p.as_object().if_contains("campaigns");
            table.add({text_of(p, "name"), text_of(p, "source_sandbox"), text_of(p, "kind"), text_of(p, "last_version"),
                       std::to_string(campaigns != nullptr && campaigns->is_array() ? campaigns->as_array().size() : 0),
                       text_of(p, "description"), text_of(p, "updated_at"), text_of(p, "updated_by")});
        }
        table.print(std::cout, ctx.out_style());
        return 0;
    });
    add_paging_options(l, list->paging, false);

    auto get = std::make_shared<PackageArgs>();
    CLI::App* g = commands.leaf(packages, "get", "show a package and its campaigns", [get](Context& ctx) {
        const Response r = ctx.expect_ok(ctx.get(package_path(ctx, get->name)));
        if (ctx.print_json(r)) return 0;
        print_package(ctx, r.json());
        return 0;
    });
    g->add_option("name", get->name, "package name")->required();

    auto create = std::make_shared<PackageArgs>();
    CLI::App* c =
        commands.leaf(packages, "create", "create a package of campaigns of one sandbox", [create](Context& ctx) {
            json::object body{{"name", create->name}, {"source_sandbox", ctx.sandbox(create->sandbox)}};
            if (create->full) body["kind"] = "full";
            if (!create->description.empty()) body["description"] = create->description;
            if (!create->campaigns.empty()) {
                json::array objects;
                for (const auto& id : create->campaigns)
                    objects.push_back(json::object{{"kind", "campaign"}, {"id", id}});
                body["objects"] = objects;
            }
            const Response r = ctx.expect_ok(ctx.post(ctx.tenant_path("/packages"), body));
            if (ctx.print_json(r)) return 0;
            print_package(ctx, r.json());
            return 0;
        });
    c->add_option("name", create->name, "package name (a-z, 0-9, -)")->required();
    add_sandbox_option(c, create->sandbox, "the sandbox its campaigns come from");
    CLI::Option* campaigns =
        c->add_option("--campaign", create->campaigns, "a root campaign id, repeatable (partial package)");
    c->add_flag("--full", create->full, "every campaign of the sandbox instead of a list")->excludes(campaigns);
    c->add_option("--description", create->description, "free text");

    auto add = std::make_shared<PackageArgs>();
    CLI::App* a = commands.leaf(packages, "add", "add campaigns to a partial package", [add](Context& ctx) {
        Response last;
        for (const auto& id : add->campaigns)
            last = ctx.expect_ok(
                ctx.post(ctx.sandbox_path(add->sandbox, "/campaigns/" + url_escape(id) + "/actions/add-to-package"),
                         json::object{{"package", add->name}}));
        if (ctx.print_json(last)) return 0;
        print_package(ctx, last.json());
        return 0;
    });
    a->add_option("name", add->name, "package name")->required();
    add_sandbox_option(a, add->sandbox, "the campaigns' sandbox (the package's source sandbox)");
    a->add_option("--campaign", add->campaigns, "campaign id, repeatable")->required();
}

void add_versions(CLI::App& packages, Commands& commands) {
    auto publish = std::make_shared<PackageArgs>();
    CLI::App* p = commands.leaf(
        packages, "publish", "publish the next version (exit 4 when a package policy opened a review instead)",
        [publish](Context& ctx) {
            progress("publishing " + publish->name + "...");
            json::object request;
            if (publish->allow_empty) request["allow_empty"] = true;
            const Response r = ctx.expect_ok(ctx.post(package_path(ctx, publish->name, "/versions"), request));
            const json::value body = r.json();
            if (r.status == 202) {
                if (!ctx.print_json(r))
                    std::cout << "waiting on approval: review " << text_of(body, "review") << " ("
                              << text_of(body, "state") << "); the version is published when it is approved\n";
                return to_int(ExitCode::waiting_on_approval);
            }
            if (ctx.print_json(r)) return 0;
            // 200 with unchanged: the content is the latest version's, so no version was made.
            if (const auto* unchanged = body.as_object().if_contains("unchanged");
                unchanged != nullptr && unchanged->is_bool() && unchanged->as_bool()) {
                std::cout << ctx.out_style().paint("unchanged", Colour::dim) << ": " << publish->name
                          << " is the same as its latest version, v" << text_of(body, "version") << " ("
                          << text_of(body, "tag") << "); nothing published (--allow-empty publishes anyway)\n";
                return 0;
            }
            print_fields(std::cout, fields_of(body, {"version", "tag", "digest", "commit", "created_at", "created_by"}),
                         ctx.out_style());
            return 0;
        });
    p->add_option("name", publish->name, "package name")->required();
    p->add_flag("--allow-empty", publish->allow_empty,
                "publish a new version even when the content is the same as the latest version's");

    auto versions = std::make_shared<PackageArgs>();
    CLI::App* v =
        commands.leaf(packages, "versions", "list published versions, oldest first", [versions](Context& ctx) {
            const json::value body = ctx.list(package_path(ctx, versions->name, "/versions"), versions->paging);
            if (ctx.print_json(body)) return 0;
            std::vector<std::pair<std::string, std::string>> columns{{"VERSION", "version"},
                                                                     {"TAG", "tag"},
                                                                     {"DIGEST", "digest"},
                                                                     {"CREATED", "created_at"},
                                                                     {"BY", "created_by"}};
            if (ctx.wide()) columns.emplace_back("COMMIT", "commit");
            table_of(items_of(body), columns).print(std::cout, ctx.out_style());
            return 0;
        });
    v->add_option("name", versions->name, "package name")->required();
    add_paging_options(v, versions->paging, false);

    auto diff = std::make_shared<PackageArgs>();
    CLI::App* d = commands.leaf(
        packages, "diff", "what changed between two versions, file by file and field by field", [diff](Context& ctx) {
            const Response r = ctx.expect_ok(ctx.get(
                with_query(package_path(ctx, diff->name, "/versions/" + std::to_string(diff->version) + "/diff"),
                           {{"from", std::to_string(diff->from)}})));
            const json::value body = r.json();
            const bool differ = !body.at("added").as_array().empty() || !body.at("removed").as_array().empty() ||
                                !body.at("changed").as_array().empty();
            // As `diff` (and `git diff --exit-code`): 1 when the versions differ, for scripts that
            // branch on it.
            const int code = differ ? to_int(ExitCode::error) : 0;
            if (ctx.print_json(r)) return code;
            const Style& style = ctx.out_style();
            for (const auto& path : body.at("added").as_array())
                std::cout << style.paint("+ " + text_of(path), Colour::green) << "\n";
            for (const auto& path : body.at("removed").as_array())
                std::cout << style.paint("- " + text_of(path), Colour::red) << "\n";
            for (const auto& change : body.at("changed").as_array()) {
                std::cout << style.paint("~ " + text_of(change, "path"), Colour::yellow) << "\n";
                for (const auto& field : change.at("fields").as_array())
                    std::cout << "    " << text_of(field, "field") << ": " << json::serialize(field.at("from"))
                              << " -> " << json::serialize(field.at("to")) << "\n";
            }
            if (!differ) std::cout << "no changes\n";
            return code;
        });
    d->add_option("name", diff->name, "package name")->required();
    d->add_option("--from", diff->from, "the older version")->required()->check(CLI::Range(1, 1000000));
    d->add_option("--to", diff->version, "the newer version")->required()->check(CLI::Range(1, 1000000));
    d->add_flag("--exit-code", diff->exit_code,
                "accepted for git's habit; always on: exit 1 when the versions differ, 0 when they are the same");

    auto exported = std::make_shared<PackageArgs>();
    CLI::App* e =
        commands.leaf(packages, "export", "write a version as one JSON file to verify offline ('ferry verify')",
                      [exported](Context& ctx) {
                          progress("exporting " + exported->name + " v" + std::to_string(exported->version) + "...");
                          const Response r = ctx.expect_ok(ctx.get(package_path(
                              ctx, exported->name, "/versions/" + std::to_string(exported->version) + "/export")));
                          // The server's bytes, untouched: the manifest inside is what the signature covers.
                          write_output(exported->output, r.body);
                          if (exported->output != "-" && !ctx.machine_output())
                              std::cout << "wrote " << exported->name << " v" << exported->version << " to "
                                        << exported->output << "\n";
                          return 0;
                      });
    e->add_option("name", exported->name, "package name")->required();
    e->add_option("--version", exported->version, "the version to export")->required()->check(CLI::Range(1, 1000000));
    e->add_option("-o,--output", exported->output, "file to write ('-': stdout, the default)");
}

// Public keys compare by what they are (their key id), not by their PEM line breaks.
std::string key_id_or_empty(const std::string& pem) {
    try {
        return packager::key_id_of(pem);
    } catch (const std::exception&) {
        return "";
    }
}

int verify(const Context& ctx, const VerifyArgs& args) {
    const std::string text = read_input(args.export_file);
    const std::string trusted_pem = read_input(args.key_file);

    const auto report = [&](const std::string& path, const std::string& reason) {
        ctx.print_json(json::value(json::object{{"ok", false}, {"path", path}, {"reason", reason}}));
        std::cerr << "ferry: " << Style::for_stderr().paint("verification failed", Colour::red) << ": " << path << ": "
                  << reason << "\n";
        return to_int(ExitCode::verification_failed);
    };

    boost::system::error_code ec;
    const json::value parsed = json::parse(text, ec);
    if (ec || !parsed.is_object()) return report(args.export_file, "not a package export (not a JSON object)");
    const json::object& exp = parsed.as_object();
    const auto string_at = [&exp](const char* name) -> const json::string* {
        const auto* v = exp.if_contains(name);
        return v != nullptr && v->is_string() ? &v->as_string() : nullptr;
    };
    const auto* files = exp.if_contains("files");
    if (string_at("manifest") == nullptr || string_at("signature") == nullptr || files == nullptr ||
        !files->is_object())
        return report(args.export_file, "not a package export (manifest, signature or files missing)");

    const std::string trusted_id = key_id_or_empty(trusted_pem);
    if (trusted_id.empty()) return report(args.key_file, "not an Ed25519 public key (PEM)");
    const std::string export_pem =
        string_at("public_key_pem") != nullptr ? std::string(*string_at("public_key_pem")) : "";
    if (key_id_or_empty(export_pem) != trusted_id)
        return report("public_key_pem", "the export names another key than " + args.key_file + " (" + trusted_id + ")");

    const std::string manifest(*string_at("manifest"));
    const auto problem = packager::verify_package(manifest, std::string(*string_at("signature")), trusted_pem,
                                                  [files](std::string_view path) -> std::optional<std::string> {
                                                      const auto* bytes = files->as_object().if_contains(path);
                                                      if (bytes == nullptr || !bytes->is_string()) return std::nullopt;
                                                      return std::string(bytes->as_string());
                                                  });
    if (problem) return report(problem->path, problem->reason);

    // Every file must be one the signed manifest lists: nothing unsigned rides along.
    const packager::Manifest m = packager::parse_manifest(json::parse(manifest));
    std::set<std::string> listed;
    for (const auto& o : m.objects) listed.insert(o.path);
    for (const auto& file : files->as_object())
        if (listed.count(std::string(file.key())) == 0)
            return report(std::string(file.key()), "not listed in the signed manifest");

    if (!ctx.print_json(json::value(
            json::object{{"ok", true}, {"package", m.package}, {"version", m.version}, {"key_id", trusted_id}}))) {
        std::cout << ctx.out_style().paint("verified", Colour::green) << ": " << m.package << " v" << m.version
                  << " (tenant " << m.tenant << "), " << m.objects.size() << " objects, signed by " << trusted_id
                  << "\n";
    }
    return 0;
}

}  // namespace

void add_package_commands(CLI::App& root, Commands& commands) {
    CLI::App* packages = commands.group(root, "packages", "packages of campaigns and their signed versions");
    add_building(*packages, commands);
    add_versions(*packages, commands);

    auto args = std::make_shared<VerifyArgs>();
    CLI::App* v =
        commands.leaf(root, "verify",
                      "check an export offline: the signature over the manifest with the given key, then every "
                      "object's size and SHA-256 (exit 5 on any failure, naming the object)",
                      [args](Context& ctx) { return verify(ctx, *args); });
    v->add_option("export", args->export_file, "the file written by 'ferry packages export'")->required();
    v->add_option("-k,--key", args->key_file,
                  "the tenant's public key (PEM) you trust, e.g. from 'ferry tenant signing-key'")
        ->required();
}

}  // namespace ferry::cli
