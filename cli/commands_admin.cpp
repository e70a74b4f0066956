// Identity and administration: login, whoami, config, tenants, sandboxes, users, tokens, the
// tenant's signing key and its audit log.

#include "context.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <memory>

namespace ferry::cli {

namespace json = boost::json;

namespace {

// Roles as "sandbox:role" ("dev:editor", "*:admin").
std::string roles_text(const json::value& roles) {
    if (!roles.is_array() || roles.as_array().empty()) return "-";
    std::string out;
    for (const auto& role : roles.as_array())
        out += (out.empty() ? "" : ", ") + text_of(role, "sandbox") + ":" + text_of(role, "role");
    return out;
}

json::object parse_role(const std::string& text) {
    const auto colon = text.rfind(':');
    if (colon == std::string::npos || colon == 0 || colon + 1 == text.size())
        throw UsageError("a role is SANDBOX:ROLE (e.g. dev:editor or '*:admin'), not '" + text + "'");
    return json::object{{"sandbox", text.substr(0, colon)}, {"role", text.substr(colon + 1)}};
}

std::string trim(std::string text) {
    const auto not_space = [](unsigned char c) { return !std::isspace(c); };
    text.erase(text.begin(), std::find_if(text.begin(), text.end(), not_space));
    text.erase(std::find_if(text.rbegin(), text.rend(), not_space).base(), text.end());
    return text;
}

// One line from stdin; on a terminal, asked for without echo.
std::string read_secret_line(const char* prompt) {
    std::string line;
    if (::isatty(STDIN_FILENO) == 1) {
        std::cerr << prompt << std::flush;
        termios saved{};
        const bool tty = ::tcgetattr(STDIN_FILENO, &saved) == 0;
        if (tty) {
            termios quiet = saved;
            quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
            ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
        }
        std::getline(std::cin, line);
        if (tty) ::tcsetattr(STDIN_FILENO, TCSANOW, &saved);
        std::cerr << '\n';
    } else {
        std::getline(std::cin, line);
    }
    return trim(line);
}

std::string masked(const std::string& token) {
    if (token.empty()) return "-";
    return token.size() > 12 ? token.substr(0, 8) + "..." : "***";
}

Fields sandbox_fields(const json::value& s) {
    return fields_of(s, {"id", "type", "require_approval", "description", "created_at", "updated_at"});
}

Fields user_fields(const json::value& u) {
    Fields f = fields_of(u, {"id", "name"});
    f.emplace_back("roles", roles_text(u.at("roles")));
    for (auto& field : fields_of(u, {"permissions", "created_at", "updated_at"})) f.push_back(std::move(field));
    return f;
}

struct LoginArgs {
    std::string sandbox;
};

struct ContextArgs {
    std::string name;
    std::string server;
    std::string tenant;
    std::string sandbox;
    std::string cacert;
    std::string token_ref;
};

// The context login and logout work on: --context or FERRY_CONTEXT, else the current one, else
// "default".
std::string target_context(const Context& ctx) {
    const Setting name = ctx.context_name();
    return name.value.empty() ? "default" : name.value;
}

int login(Context& ctx, const LoginArgs& args) {
    ctx.allow_new_context();
    const Setting server = ctx.server();
    if (server.value.empty() || server.source == "profile")
        throw UsageError("ferry login needs --server URL (or FERRY_SERVER)");
    Setting token = ctx.token();
    if (token.source != "flag" && token.source != "env") {
        std::string typed = read_secret_line("Token: ");
        if (typed.empty()) throw UsageError("no token: set FERRY_TOKEN or give the token on stdin");
        ctx.use_token(std::move(typed));
        token = ctx.token();
    }
    const Response me = ctx.expect_ok(ctx.get("/v1/me"));
    const json::value identity = me.json();
    std::string tenant = ctx.tenant().source == "profile" ? "" : ctx.tenant().value;
    std::string who = "the operator";
    if (text_of(identity, "kind") == "user") {
        const std::string own = text_of(identity, "tenant");
        if (!tenant.empty() && tenant != own)
            throw Failure(ExitCode::error, "this token belongs to tenant " + own + ", not " + tenant);
        tenant = own;
        who = text_of(identity, "user");
    }
    const std::string name = target_context(ctx);
    Config config = ctx.config();
    ContextEntry& entry = config.contexts[name];
    // A context's own token is filed under its name; a shared one (set-context --token-ref) is
    // replaced where it is filed, for every context that shares it.
    if (entry.token_ref.empty()) entry.token_ref = name;
    entry.server = server.value;
    entry.tenant = tenant;
    entry.cacert = ctx.cacert().value;
    if (!args.sandbox.empty()) entry.sandbox = args.sandbox;
    config.tokens[entry.token_ref] = token.value;
    config.current = name;
    save_config(config);
    if (ctx.print_json(me)) return 0;
    std::cout << "logged in to " << server.value << " as " << who << (tenant.empty() ? "" : " (tenant " + tenant + ")")
              << "\n"
              << "context " << name << " written to " << config_path().string() << " (current), its token to "
              << credentials_path().string() << "\n";
    return 0;
}

int logout(Context& ctx) {
    const std::string name = target_context(ctx);
    Config config = ctx.config();
    const auto it = config.contexts.find(name);
    if (it == config.contexts.end()) throw Failure(ExitCode::error, "no context '" + name + "' to log out of");
    const std::string ref = it->second.token_ref;
    if (ref.empty() || config.tokens.erase(ref) == 0) {
        std::cout << "context " << name << " holds no token; nothing to do\n";
        return 0;
    }
    std::vector<std::string> sharing;
    for (auto& [other, entry] : config.contexts)
        if (entry.token_ref == ref) {
            entry.token_ref.clear();
            if (other != name) sharing.push_back(other);
        }
    save_config(config);
    std::cout << "logged out of context " << name << ": its token is removed from " << credentials_path().string()
              << "\n";
    for (const auto& other : sharing) std::cout << "context " << other << " shared that token: it has none now\n";
    return 0;
}

void add_contexts(CLI::App& config_group, Commands& commands) {
    commands.leaf(config_group, "get-contexts", "list the contexts; * marks the current one", [](Context& ctx) {
        const Config& config = ctx.config();
        json::array items;
        for (const auto& [name, c] : config.contexts)
            items.push_back(json::object{{"name", name},
                                         {"current", name == config.current},
                                         {"server", c.server},
                                         {"tenant", c.tenant},
                                         {"sandbox", c.sandbox},
                                         {"token_ref", c.token_ref},
                                         {"logged_in", !c.token_ref.empty() && config.tokens.count(c.token_ref) > 0}});
        if (ctx.print_json(json::value(json::object{{"current_context", config.current}, {"items", items}}))) return 0;
        Table table(ctx.wide()
                        ? std::vector<std::string>{"CURRENT", "NAME", "SERVER", "TENANT", "SANDBOX", "TOKEN", "CACERT"}
                        : std::vector<std::string>{"CURRENT", "NAME", "SERVER", "TENANT", "SANDBOX", "TOKEN"});
        for (const auto& item : items) {
            const bool current = item.at("current").as_bool();
            const bool logged_in = item.at("logged_in").as_bool();
            const std::string sandbox = text_of(item, "sandbox");
            std::vector<std::string> row{
                current ? "*" : "",      text_of(item, "name"),           text_of(item, "server"),
                text_of(item, "tenant"), sandbox.empty() ? "-" : sandbox, logged_in ? text_of(item, "token_ref") : "-"};
            if (ctx.wide()) {
                const std::string cacert = config.contexts.at(text_of(item, "name")).cacert;
                row.push_back(cacert.empty() ? "-" : cacert);
            }
            table.add(std::move(row));
        }
        table.print(std::cout, ctx.out_style());
        return 0;
    });

    commands.leaf(config_group, "current-context", "print the current context's name", [](Context& ctx) {
        const Setting name = ctx.context_name();
        if (name.value.empty()) throw Failure(ExitCode::error, "no current context: run 'ferry login'");
        std::cout << name.value << "\n";
        return 0;
    });

    auto use = std::make_shared<std::string>();
    CLI::App* u = commands.leaf(config_group, "use-context", "make a context the current one", [use](Context& ctx) {
        Config config = ctx.config();
        if (config.contexts.count(*use) == 0)
            throw Failure(ExitCode::error, "no context '" + *use + "'; 'ferry config get-contexts' lists them");
        config.current = *use;
        save_config(config);
        std::cout << "switched to context " << *use << "\n";
        return 0;
    });
    u->add_option("name", *use, "context name")->required();

    auto set = std::make_shared<ContextArgs>();
    CLI::App* s = commands.leaf(
        config_group, "set-context",
        "create a context or change its fields (a token comes with 'ferry login --context NAME', or is shared "
        "with --token-ref)",
        [set](Context& ctx) {
            Config config = ctx.config();
            const bool created = config.contexts.count(set->name) == 0;
            ContextEntry& entry = config.contexts[set->name];
            if (!set->server.empty()) entry.server = set->server;
            if (!set->tenant.empty()) entry.tenant = set->tenant;
            if (!set->sandbox.empty()) entry.sandbox = set->sandbox == "-" ? "" : set->sandbox;
            if (!set->cacert.empty()) entry.cacert = set->cacert == "-" ? "" : set->cacert;
            if (!set->token_ref.empty()) {
                if (set->token_ref != "-" && config.tokens.count(set->token_ref) == 0)
                    throw Failure(ExitCode::error,
                                  "no token is filed as '" + set->token_ref +
                                      "'; 'ferry config get-contexts' shows the TOKEN of each context");
                entry.token_ref = set->token_ref == "-" ? "" : set->token_ref;
            }
            if (config.current.empty()) config.current = set->name;
            save_config(config);
            std::cout << "context " << set->name << (created ? " created" : " modified") << "\n";
            return 0;
        });
    s->add_option("name", set->name, "context name")->required();
    s->add_option("--server", set->server, "ferryd base URL");
    s->add_option("--tenant", set->tenant, "tenant id");
    s->add_option("-s,--sandbox", set->sandbox, "the default sandbox of commands that take -s ('-': none)");
    s->add_option("--cacert", set->cacert, "PEM file of the CA to trust for https ('-': the system's)");
    s->add_option("--token-ref", set->token_ref,
                  "use the token filed under this name (another context's TOKEN column; '-': none)");
}

void add_identity(CLI::App& root, Commands& commands) {
    auto login_args = std::make_shared<LoginArgs>();
    CLI::App* l = commands.leaf(root, "login",
                                "check a token with the server and store server, tenant and token in a context "
                                "(--context NAME, default: the current one, or 'default'); the token comes from "
                                "FERRY_TOKEN, --token, or stdin",
                                [login_args](Context& ctx) { return login(ctx, *login_args); });
    l->add_option("-s,--sandbox", login_args->sandbox, "the context's default sandbox");

    commands.leaf(root, "logout",
                  "remove the token of a context (--context NAME, default: the current one) from the "
                  "credentials file",
                  [](Context& ctx) { return logout(ctx); });

    commands.leaf(root, "whoami", "show who the token belongs to (GET /v1/me)", [](Context& ctx) {
        const Response r = ctx.expect_ok(ctx.get("/v1/me"));
        if (ctx.print_json(r)) return 0;
        const json::value me = r.json();
        if (text_of(me, "kind") != "user") {
            std::cout << "operator\n";
            return 0;
        }
        Fields f = fields_of(me, {"user", "name", "tenant"});
        f.emplace_back("roles", roles_text(me.at("roles")));
        f.emplace_back("token", text_of(me, "token.name") + " (" + text_of(me, "token.id") + ")");
        f.emplace_back("expires_at", text_of(me, "token.expires_at"));
        print_fields(std::cout, f, ctx.out_style());
        return 0;
    });

    CLI::App* config = commands.group(root, "config", "contexts, and the settings ferry would use");
    commands.leaf(*config, "show",
                  "print the effective context, server, tenant, sandbox, token (masked) and where each comes from",
                  [](Context& ctx) {
                      const auto entry = [](const Setting& s, const std::string& value) {
                          return json::object{{"value", s.source.empty() ? json::value(nullptr) : json::value(value)},
                                              {"source", s.source}};
                      };
                      if (ctx.print_json(json::value(
                              json::object{{"context", entry(ctx.context_name(), ctx.context_name().value)},
                                           {"server", entry(ctx.server(), ctx.server().value)},
                                           {"tenant", entry(ctx.tenant(), ctx.tenant().value)},
                                           {"sandbox", entry(ctx.default_sandbox(), ctx.default_sandbox().value)},
                                           {"token", entry(ctx.token(), masked(ctx.token().value))},
                                           {"cacert", entry(ctx.cacert(), ctx.cacert().value)},
                                           {"timeout", entry(ctx.timeout(), ctx.timeout().value)},
                                           {"config", config_path().string()}})))
                          return 0;
                      const auto describe = [](const Setting& s, const std::string& value) {
                          return s.source.empty() ? std::string("-") : value + "  (" + s.source + ")";
                      };
                      const Fields f{{"context", describe(ctx.context_name(), ctx.context_name().value)},
                                     {"server", describe(ctx.server(), ctx.server().value)},
                                     {"tenant", describe(ctx.tenant(), ctx.tenant().value)},
                                     {"sandbox", describe(ctx.default_sandbox(), ctx.default_sandbox().value)},
                                     {"token", describe(ctx.token(), masked(ctx.token().value))},
                                     {"cacert", describe(ctx.cacert(), ctx.cacert().value)},
                                     {"timeout", describe(ctx.timeout(), ctx.timeout().value + " s")},
                                     {"config", config_path().string()}};
                      print_fields(std::cout, f, ctx.out_style());
                      return 0;
                  });
    add_contexts(*config, commands);
}

struct TenantCreateArgs {
    std::string id;
    std::string name;
};

void add_tenants(CLI::App& root, Commands& commands) {
    CLI::App* tenants = commands.group(root, "tenants", "tenants (operator token)");

    auto create = std::make_shared<TenantCreateArgs>();
    CLI::App* c = commands.leaf(
        *tenants, "create", "create a tenant; prints its admin token, shown only once", [create](Context& ctx) {
            const std::string name = create->name.empty() ? create->id : create->name;
            const Response r = ctx.expect_ok(ctx.post("/v1/tenants", json::object{{"id", create->id}, {"name", name}}));
            if (ctx.print_json(r)) return 0;
            const json::value body = r.json();
            print_fields(std::cout,
                         {{"id", text_of(body, "tenant.id")},
                          {"name", text_of(body, "tenant.name")},
                          {"admin_token", text_of(body, "admin_token")}},
                         ctx.out_style());
            std::cerr << "The admin token is shown only once: store it now.\n";
            return 0;
        });
    c->add_option("id", create->id, "tenant id (a-z, 0-9, -)")->required();
    c->add_option("--name", create->name, "display name (default: the id)");

    auto paging = std::make_shared<Paging>();
    CLI::App* l = commands.leaf(*tenants, "ls", "list tenants", [paging](Context& ctx) {
        const json::value body = ctx.list("/v1/tenants", *paging);
        if (ctx.print_json(body)) return 0;
        table_of(items_of(body), {{"ID", "id"}, {"NAME", "name"}, {"CREATED", "created_at"}})
            .print(std::cout, ctx.out_style());
        return 0;
    });
    add_paging_options(l, *paging, false);
}

struct SandboxCreateArgs {
    std::string id;
    std::string type;
    std::string require_approval;
    std::string description;
};

void add_sandboxes(CLI::App& root, Commands& commands) {
    CLI::App* sandboxes = commands.group(root, "sandboxes", "the tenant's sandboxes");

    auto create = std::make_shared<SandboxCreateArgs>();
    CLI::App* c = commands.leaf(*sandboxes, "create", "create a sandbox (tenant admin)", [create](Context& ctx) {
        json::object body{{"id", create->id}, {"type", create->type}};
        if (!create->require_approval.empty()) body["require_approval"] = create->require_approval;
        if (!create->description.empty()) body["description"] = create->description;
        const Response r = ctx.expect_ok(ctx.post(ctx.tenant_path("/sandboxes"), body));
        if (ctx.print_json(r)) return 0;
        print_fields(std::cout, sandbox_fields(r.json()), ctx.out_style());
        return 0;
    });
    c->add_option("id", create->id, "sandbox id")->required();
    c->add_option("--type", create->type, "development or production")
        ->required()
        ->check(CLI::IsMember({"development", "production"}));
    c->add_option("--require-approval", create->require_approval, "policy (default) or always")
        ->check(CLI::IsMember({"policy", "always"}));
    c->add_option("--description", create->description, "free text");

    auto paging = std::make_shared<Paging>();
    CLI::App* l = commands.leaf(*sandboxes, "ls", "list the sandboxes you can see", [paging](Context& ctx) {
        const json::value body = ctx.list(ctx.tenant_path("/sandboxes"), *paging);
        if (ctx.print_json(body)) return 0;
        std::vector<std::pair<std::string, std::string>> columns{
            {"ID", "id"}, {"TYPE", "type"}, {"APPROVAL", "require_approval"}, {"DESCRIPTION", "description"}};
        if (ctx.wide()) columns.insert(columns.end(), {{"CREATED", "created_at"}, {"UPDATED", "updated_at"}});
        table_of(items_of(body), columns).print(std::cout, ctx.out_style());
        return 0;
    });
    add_paging_options(l, *paging, false);

    auto id = std::make_shared<std::string>();
    CLI::App* g = commands.leaf(*sandboxes, "get", "show one sandbox", [id](Context& ctx) {
        const Response r = ctx.expect_ok(ctx.get(ctx.sandbox_path(*id)));
        if (ctx.print_json(r)) return 0;
        print_fields(std::cout, sandbox_fields(r.json()), ctx.out_style());
        return 0;
    });
    g->add_option("id", *id, "sandbox id")->required();
}

struct UserArgs {
    std::string id;
    std::string name;
    std::vector<std::string> roles;
    std::vector<std::string> permissions;
};

void add_users(CLI::App& root, Commands& commands) {
    CLI::App* users = commands.group(root, "users", "the tenant's users and their roles (tenant admin)");

    auto create = std::make_shared<UserArgs>();
    CLI::App* c = commands.leaf(*users, "create", "create a user", [create](Context& ctx) {
        json::array roles;
        for (const auto& role : create->roles) roles.push_back(parse_role(role));
        json::object body{
            {"id", create->id}, {"name", create->name.empty() ? create->id : create->name}, {"roles", roles}};
        if (!create->permissions.empty()) {
            json::array permissions;
            for (const auto& p : create->permissions) permissions.emplace_back(p);
            body["permissions"] = permissions;
        }
        const Response r = ctx.expect_ok(ctx.post(ctx.tenant_path("/users"), body));
        if (ctx.print_json(r)) return 0;
        print_fields(std::cout, user_fields(r.json()), ctx.out_style());
        return 0;
    });
    c->add_option("id", create->id, "user id")->required();
    c->add_option("--name", create->name, "display name (default: the id)");
    c->add_option("--role", create->roles,
                  "SANDBOX:ROLE, repeatable (roles: admin, editor, reviewer, viewer, importer, reporter)");
    c->add_option("--permission", create->permissions, "a grant beyond roles (bypass_approval), repeatable");

    auto paging = std::make_shared<Paging>();
    CLI::App* ls = commands.leaf(*users, "ls", "list users", [paging](Context& ctx) {
        const json::value body = ctx.list(ctx.tenant_path("/users"), *paging);
        if (ctx.print_json(body)) return 0;
        Table table(ctx.wide() ? std::vector<std::string>{"ID", "NAME", "ROLES", "PERMISSIONS", "CREATED", "UPDATED"}
                               : std::vector<std::string>{"ID", "NAME", "ROLES", "PERMISSIONS"});
        for (const auto& u : items_of(body))
            table.add({text_of(u, "id"), text_of(u, "name"), roles_text(u.at("roles")), text_of(u, "permissions"),
                       text_of(u, "created_at"), text_of(u, "updated_at")});
        table.print(std::cout, ctx.out_style());
        return 0;
    });
    add_paging_options(ls, *paging, false);

    auto get = std::make_shared<std::string>();
    CLI::App* g = commands.leaf(*users, "get", "show one user", [get](Context& ctx) {
        const Response r = ctx.expect_ok(ctx.get(ctx.tenant_path("/users/" + url_escape(*get))));
        if (ctx.print_json(r)) return 0;
        print_fields(std::cout, user_fields(r.json()), ctx.out_style());
        return 0;
    });
    g->add_option("id", *get, "user id")->required();

    auto grant = std::make_shared<UserArgs>();
    CLI::App* gr =
        commands.leaf(*users, "grant", "add roles to a user (keeps the roles it has)", [grant](Context& ctx) {
            const std::string path = ctx.tenant_path("/users/" + url_escape(grant->id));
            const Response current = ctx.expect_ok(ctx.get(path));
            json::array roles = current.json().at("roles").as_array();
            for (const auto& text : grant->roles) {
                const json::value role = parse_role(text);
                if (std::find(roles.begin(), roles.end(), role) == roles.end()) roles.push_back(role);
            }
            Request patch{
                "PATCH", path, json::serialize(json::object{{"roles", roles}}), {{"If-Match", current.header("etag")}}};
            const Response r = ctx.send(patch);
            if (r.status == 412)
                throw Failure(ExitCode::error,
                              "user " + grant->id + " changed since it was read; run the command again");
            ctx.expect_ok(r);
            if (ctx.print_json(r)) return 0;
            print_fields(std::cout, user_fields(r.json()), ctx.out_style());
            return 0;
        });
    gr->add_option("id", grant->id, "user id")->required();
    gr->add_option("--role", grant->roles, "SANDBOX:ROLE to add, repeatable")->required();

    auto link = std::make_shared<std::string>();
    CLI::App* l =
        commands.leaf(*users, "sign-in-link", "make a one-time web console sign-in link for a user (valid 15 minutes)",
                      [link](Context& ctx) {
                          const Response r = ctx.expect_ok(ctx.post(
                              ctx.tenant_path("/users/" + url_escape(*link) + "/sign-in-links"), json::object{}));
                          if (ctx.print_json(r)) return 0;
                          std::string server = ctx.server().value;
                          while (!server.empty() && server.back() == '/') server.pop_back();
                          // The link alone on stdout, so that a script can hand it on; what it is on stderr.
                          std::cout << server << text_of(r.json(), "path") << '\n';
                          std::cerr << "ferry: signs " << *link << " in to the console once, until "
                                    << text_of(r.json(), "expires_at") << '\n';
                          return 0;
                      });
    l->add_option("id", *link, "user id")->required();
}

struct TokenArgs {
    std::string user;
    std::string name;
    std::string expires_at;
    std::string token;
    Paging paging;
};

void add_tokens(CLI::App& root, Commands& commands) {
    CLI::App* tokens = commands.group(root, "tokens", "users' API tokens (tenant admin)");

    auto create = std::make_shared<TokenArgs>();
    CLI::App* c = commands.leaf(
        *tokens, "create", "create a token for a user; prints it, shown only once", [create](Context& ctx) {
            json::object body{{"name", create->name}};
            if (!create->expires_at.empty()) body["expires_at"] = create->expires_at;
            const Response r =
                ctx.expect_ok(ctx.post(ctx.tenant_path("/users/" + url_escape(create->user) + "/tokens"), body));
            if (ctx.print_json(r)) return 0;
            print_fields(std::cout, fields_of(r.json(), {"id", "name", "expires_at", "token"}), ctx.out_style());
            std::cerr << "The token is shown only once: store it now.\n";
            return 0;
        });
    c->add_option("user", create->user, "user id")->required();
    c->add_option("--name", create->name, "what the token is for (e.g. laptop, ci)")->required();
    c->add_option("--expires-at", create->expires_at, "RFC 3339 expiry time, e.g. 2027-01-01T00:00:00Z");

    auto list = std::make_shared<TokenArgs>();
    CLI::App* l = commands.leaf(*tokens, "ls", "list a user's tokens", [list](Context& ctx) {
        const json::value body =
            ctx.list(ctx.tenant_path("/users/" + url_escape(list->user) + "/tokens"), list->paging);
        if (ctx.print_json(body)) return 0;
        table_of(items_of(body), {{"ID", "id"},
                                  {"NAME", "name"},
                                  {"CREATED", "created_at"},
                                  {"EXPIRES", "expires_at"},
                                  {"REVOKED", "revoked_at"}})
            .print(std::cout, ctx.out_style());
        return 0;
    });
    l->add_option("user", list->user, "user id")->required();
    add_paging_options(l, list->paging, false);

    auto revoke = std::make_shared<TokenArgs>();
    CLI::App* rv = commands.leaf(*tokens, "revoke", "revoke a token (by its tok_ id)", [revoke](Context& ctx) {
        const Response r = ctx.expect_ok(
            ctx.del(ctx.tenant_path("/users/" + url_escape(revoke->user) + "/tokens/" + url_escape(revoke->token))));
        if (ctx.print_json(r)) return 0;
        std::cout << "token " << revoke->token << " revoked\n";
        return 0;
    });
    rv->add_option("user", revoke->user, "user id")->required();
    rv->add_option("token", revoke->token, "token id (tok_...)")->required();
}

struct SigningKeyArgs {
    std::string output = "-";
};

struct AuditArgs {
    Paging paging;
};

// The largest page the audit log serves; ferry reads page after page.
constexpr int audit_page_max = 500;

void add_tenant_and_audit(CLI::App& root, Commands& commands) {
    CLI::App* tenant = commands.group(root, "tenant", "the current tenant's own settings");
    auto key = std::make_shared<SigningKeyArgs>();
    CLI::App* k = commands.leaf(
        *tenant, "signing-key", "write the tenant's active public signing key (PEM)", [key](Context& ctx) {
            const Response r = ctx.expect_ok(ctx.get(ctx.tenant_path("/signing-key")));
            const json::value body = r.json();
            if (key->output != "-" || !ctx.machine_output()) write_output(key->output, text_of(body, "public_key_pem"));
            if (ctx.print_json(r)) return 0;
            if (key->output != "-") std::cout << "wrote " << text_of(body, "key_id") << " to " << key->output << "\n";
            return 0;
        });
    k->add_option("-o,--output", key->output, "file to write the PEM to ('-': stdout, the default)");

    CLI::App* audit = commands.group(root, "audit", "the tenant's hash-chained audit log (tenant admin)");
    auto list = std::make_shared<AuditArgs>();
    CLI::App* l = commands.leaf(*audit, "ls", "list audit records, oldest first", [list](Context& ctx) {
        const json::value body = ctx.list(ctx.tenant_path("/audit"), list->paging, audit_page_max);
        if (ctx.print_json(body)) return 0;
        std::vector<std::pair<std::string, std::string>> columns{
            {"SEQ", "seq"}, {"AT", "at"}, {"ACTOR", "actor"}, {"ACTION", "action"}, {"TARGET", "target"}};
        if (ctx.wide()) columns.insert(columns.end(), {{"REQUEST ID", "request_id"}, {"DETAILS", "details"}});
        table_of(items_of(body), columns).print(std::cout, ctx.out_style());
        if (const std::string next = text_of(body, "next_cursor"); next != "-")
            std::cerr << "more records: ferry audit ls --cursor " << next << "\n";
        return 0;
    });
    add_paging_options(l, list->paging, true);

    commands.leaf(*audit, "verify", "check the hash chain; exit 5 when it is broken", [](Context& ctx) {
        const Response r = ctx.expect_ok(ctx.get(ctx.tenant_path("/audit/verify")));
        const json::value body = r.json();
        const bool ok = body.at("ok").is_bool() && body.at("ok").as_bool();
        if (!ctx.print_json(r)) {
            if (ok)
                std::cout << ctx.out_style().paint("ok", Colour::green) << ": the audit log verifies ("
                          << text_of(body, "checked") << " records)\n";
            else
                std::cout << ctx.out_style().paint("broken", Colour::red) << " at record "
                          << text_of(body, "first_broken.seq") << ": " << text_of(body, "first_broken.reason") << "\n";
        }
        return to_int(ok ? ExitCode::ok : ExitCode::verification_failed);
    });
}

}  // namespace

void add_admin_commands(CLI::App& root, Commands& commands) {
    add_identity(root, commands);
    add_tenants(root, commands);
    add_tenant_and_audit(root, commands);
    add_sandboxes(root, commands);
    add_users(root, commands);
    add_tokens(root, commands);
}

}  // namespace ferry::cli
