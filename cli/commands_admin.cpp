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

void add_identity(CLI::App& root, Commands& commands) {
    commands.leaf(root, "login",
                  "check a token with the server and store server, tenant and token in the profile "
                  "(the token comes from FERRY_TOKEN, --token, or stdin)",
                  [](Context& ctx) {
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
                      save_profile(Profile{server.value, tenant, token.value, ctx.cacert().value});
                      if (ctx.print_json(me)) return 0;
                      std::cout << "logged in to " << server.value << " as " << who
                                << (tenant.empty() ? "" : " (tenant " + tenant + ")") << "\n"
                                << "profile written to " << config_path().string() << "\n";
                      return 0;
                  });

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

    CLI::App* config = commands.group(root, "config", "the settings ferry would use");
    commands.leaf(*config, "show", "print the effective server, tenant, token (masked) and where each comes from",
                  [](Context& ctx) {
                      const auto describe = [](const Setting& s, const std::string& value) {
                          return s.source.empty() ? std::string("-") : value + "  (" + s.source + ")";
                      };
                      const Fields f{{"server", describe(ctx.server(), ctx.server().value)},
                                     {"tenant", describe(ctx.tenant(), ctx.tenant().value)},
                                     {"token", describe(ctx.token(), masked(ctx.token().value))},
                                     {"cacert", describe(ctx.cacert(), ctx.cacert().value)},
                                     {"timeout", describe(ctx.timeout(), ctx.timeout().value + " s")},
                                     {"profile", config_path().string()}};
                      print_fields(std::cout, f, ctx.out_style());
                      return 0;
                  });
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

    commands.leaf(*tenants, "ls", "list tenants", [](Context& ctx) {
        const Response r = ctx.expect_ok(ctx.get("/v1/tenants"));
        if (ctx.print_json(r)) return 0;
        table_of(items_of(r.json()), {{"ID", "id"}, {"NAME", "name"}, {"CREATED", "created_at"}})
            .print(std::cout, ctx.out_style());
        return 0;
    });
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

    commands.leaf(*sandboxes, "ls", "list the sandboxes you can see", [](Context& ctx) {
        const Response r = ctx.expect_ok(ctx.get(ctx.tenant_path("/sandboxes")));
        if (ctx.print_json(r)) return 0;
        table_of(items_of(r.json()),
                 {{"ID", "id"}, {"TYPE", "type"}, {"APPROVAL", "require_approval"}, {"DESCRIPTION", "description"}})
            .print(std::cout, ctx.out_style());
        return 0;
    });

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
                  "SANDBOX:ROLE, repeatable (roles: admin, editor, reviewer, viewer, importer)");
    c->add_option("--permission", create->permissions, "a grant beyond roles (bypass_approval), repeatable");

    commands.leaf(*users, "ls", "list users", [](Context& ctx) {
        const Response r = ctx.expect_ok(ctx.get(ctx.tenant_path("/users")));
        if (ctx.print_json(r)) return 0;
        Table table({"ID", "NAME", "ROLES", "PERMISSIONS"});
        for (const auto& u : items_of(r.json()))
            table.add({text_of(u, "id"), text_of(u, "name"), roles_text(u.at("roles")), text_of(u, "permissions")});
        table.print(std::cout, ctx.out_style());
        return 0;
    });

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
    CLI::App* l = commands.leaf(
        *users, "sign-in-link", "make a one-time web console sign-in link for a user (valid 15 minutes)",
        [link](Context& ctx) {
            const Response r =
                ctx.expect_ok(ctx.post(ctx.tenant_path("/users/" + url_escape(*link) + "/sign-in-links"), json::object{}));
            if (ctx.print_json(r)) return 0;
            std::string server = ctx.server().value;
            while (!server.empty() && server.back() == '/') server.pop_back();
            // The link alone on stdout, so that a script can hand it on; what it is on stderr.
            std::cout << server << text_of(r.json(), "path") << '\n';
            std::cerr << "ferry: signs " << *link << " in to the console once, until " << text_of(r.json(), "expires_at")
                      << '\n';
            return 0;
        });
    l->add_option("id", *link, "user id")->required();
}

struct TokenArgs {
    std::string user;
    std::string name;
    std::string expires_at;
    std::string token;
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
        const Response r = ctx.expect_ok(ctx.get(ctx.tenant_path("/users/" + url_escape(list->user) + "/tokens")));
        if (ctx.print_json(r)) return 0;
        table_of(items_of(r.json()), {{"ID", "id"},
                                      {"NAME", "name"},
                                      {"CREATED", "created_at"},
                                      {"EXPIRES", "expires_at"},
                                      {"REVOKED", "revoked_at"}})
            .print(std::cout, ctx.out_style());
        return 0;
    });
    l->add_option("user", list->user, "user id")->required();

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
    int limit = 0;
    std::string cursor;
};

void add_tenant_and_audit(CLI::App& root, Commands& commands) {
    CLI::App* tenant = commands.group(root, "tenant", "the current tenant's own settings");
    auto key = std::make_shared<SigningKeyArgs>();
    CLI::App* k = commands.leaf(
        *tenant, "signing-key", "write the tenant's active public signing key (PEM)", [key](Context& ctx) {
            const Response r = ctx.expect_ok(ctx.get(ctx.tenant_path("/signing-key")));
            const json::value body = r.json();
            if (key->output != "-" || !ctx.json()) write_output(key->output, text_of(body, "public_key_pem"));
            if (ctx.print_json(r)) return 0;
            if (key->output != "-") std::cout << "wrote " << text_of(body, "key_id") << " to " << key->output << "\n";
            return 0;
        });
    k->add_option("-o,--output", key->output, "file to write the PEM to ('-': stdout, the default)");

    CLI::App* audit = commands.group(root, "audit", "the tenant's hash-chained audit log (tenant admin)");
    auto list = std::make_shared<AuditArgs>();
    CLI::App* l = commands.leaf(*audit, "ls", "list audit records, oldest first", [list](Context& ctx) {
        const std::string limit = list->limit > 0 ? std::to_string(list->limit) : "";
        const Response r =
            ctx.expect_ok(ctx.get(with_query(ctx.tenant_path("/audit"), {{"limit", limit}, {"cursor", list->cursor}})));
        if (ctx.print_json(r)) return 0;
        const json::value body = r.json();
        table_of(items_of(body),
                 {{"SEQ", "seq"}, {"AT", "at"}, {"ACTOR", "actor"}, {"ACTION", "action"}, {"TARGET", "target"}})
            .print(std::cout, ctx.out_style());
        if (const std::string next = text_of(body, "next_cursor"); next != "-")
            std::cerr << "more records: ferry audit ls --cursor " << next << "\n";
        return 0;
    });
    l->add_option("--limit", list->limit, "records per page, 1 to 500 (default 100)")->check(CLI::Range(1, 500));
    l->add_option("--cursor", list->cursor, "the next_cursor of the previous page");

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
