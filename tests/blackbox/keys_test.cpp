// Signing keys without a shared directory (issue 24): with a key-encryption key, ferryd keeps the
// tenants' private keys in the database, wrapped with AES-256-GCM; a deployment's key files are
// imported at start; `ferryd rotate-kek` re-wraps them all; versions signed before any rotation
// keep verifying; and no row of any table holds a private key in any encoding. On both backends.

#include "core/crypto.hpp"
#include "database_rows.hpp"
#include "ferryd_process.hpp"
#include "http_client.hpp"
#include "keys/envelope.hpp"
#include "packager/signing.hpp"
#include "shell.hpp"
#include "world.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

using namespace ferry;
using namespace ferry::test;
namespace fs = std::filesystem;

namespace {

// A package "p" of one campaign in dev (with its segment), made through the API.
void make_package(HttpClient& c, const std::string& token) {
    const std::string base = "/v1/tenants/acme/sandboxes/dev/";
    const auto segment = c.post(base + "segments", R"({"key":"vip","name":"VIP","rule":{"tier":"gold"}})", token);
    ASSERT_EQ(segment.status, 201) << segment.body;
    const auto campaign =
        c.post(base + "campaigns",
               R"({"key":"welcome","name":"Welcome","type":"action","channels":["email"],"audience":{"segment":")" +
                   std::string(segment.json().at("id").as_string()) +
                   R"("},"content":{"email":{"subject":"Hi","body":"Hello"}}})",
               token);
    ASSERT_EQ(campaign.status, 201) << campaign.body;
    const auto package = c.post("/v1/tenants/acme/packages",
                                R"({"name":"p","source_sandbox":"dev","objects":[{"kind":"campaign","id":")" +
                                    std::string(campaign.json().at("id").as_string()) + R"("}]})",
                                token);
    ASSERT_EQ(package.status, 201) << package.body;
}

std::string quoted(const std::string& text) {
    std::string out = "'";
    for (const char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Everything a private key could be written as: the PEM, its base64 body, the DER, and the raw
// 32-byte Ed25519 seed in raw, hex and base64 form.
std::vector<std::string> encodings_of(const std::string& pem) {
    std::string body;
    std::istringstream in(pem);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("-----", 0) != 0) body += line;
    const auto der = packager::base64_decode(body);
    EXPECT_TRUE(der && der->size() == 48) << pem;
    const std::string seed = der ? der->substr(der->size() - 32) : std::string();
    std::string url = packager::base64_encode(seed);
    std::replace(url.begin(), url.end(), '+', '-');
    std::replace(url.begin(), url.end(), '/', '_');
    while (!url.empty() && url.back() == '=') url.pop_back();
    return {pem, body, der.value_or(""), seed, crypto::to_hex(seed), packager::base64_encode(seed), url,
            // The seed's base64 without its padding, as a fragment of some longer encoding.
            packager::base64_encode(seed).substr(0, 40)};
}

class Keys : public ::testing::Test {
protected:
    void SetUp() override {
        dir = fs::temp_directory_path() / ("ferry-keys-" + std::to_string(::getpid()) + "-" +
                                           ::testing::UnitTest::GetInstance()->current_test_info()->name());
        fs::create_directories(dir);
        kek_a = dir / "kek-a";
        kek_b = dir / "kek-b";
        std::ofstream(kek_a) << crypto::random_hex(32) << "\n";
        std::ofstream(kek_b) << crypto::random_hex(32) << "\n";
        fs::permissions(kek_a, fs::perms::owner_read | fs::perms::owner_write);
        fs::permissions(kek_b, fs::perms::owner_read | fs::perms::owner_write);
        server = std::make_unique<FerrydProcess>();
        c = std::make_unique<HttpClient>(server->base_url());
        acme = make_tenant(*c, server->operator_token(), "acme", {"dev"});
        admin = acme.admin_token;
        make_package(*c, admin);
    }
    void TearDown() override {
        server.reset();
        std::error_code ec;
        fs::remove_all(dir, ec);
    }

    void restart_with(const std::vector<std::string>& args) {
        server->terminate();
        server->args() = args;
        server->start();
        c = std::make_unique<HttpClient>(server->base_url());
    }

    int publish() {
        auto res = c->post("/v1/tenants/acme/packages/p/versions", R"({"allow_empty":true})", admin);
        EXPECT_EQ(res.status, 201) << res.body << "\n" << server->log();
        return res.status == 201 ? static_cast<int>(res.json().at("version").as_int64()) : 0;
    }

    void expect_verifies(int version) {
        auto res = c->get("/v1/tenants/acme/packages/p/versions/" + std::to_string(version), admin);
        ASSERT_EQ(res.status, 200) << res.body;
        EXPECT_TRUE(res.json().at("verification").at("ok").as_bool()) << "version " << version << ": " << res.body;
    }

    // `ferryd rotate-kek` on the server's database (ferryd stopped or running).
    std::pair<int, std::string> rotate(const fs::path& from, const fs::path& to) {
        std::string command = quoted(ferryd_path()) + " --data-dir " + quoted(server->data_dir().string());
        if (server->database() != nullptr)
            command += " --database " + quoted(server->database()->app_url()) + " --database-owner " +
                       quoted(server->database()->owner_url());
        command +=
            " rotate-kek --old-kek-file " + quoted(from.string()) + " --new-kek-file " + quoted(to.string()) + " 2>&1";
        return run_command(command);
    }

    fs::path dir, kek_a, kek_b;
    std::unique_ptr<FerrydProcess> server;
    std::unique_ptr<HttpClient> c;
    TenantFixture acme;
    std::string admin;
};

TEST_F(Keys, InTheDatabaseAcrossRotationsAndNeverInTheClear) {
    // Without a KEK, as before: the private key is a file of the keys directory.
    ASSERT_EQ(publish(), 1);
    const fs::path key_files = server->data_dir() / "keys" / "acme";
    ASSERT_TRUE(fs::exists(key_files));
    std::vector<std::string> pems;
    for (const auto& f : fs::directory_iterator(key_files)) pems.push_back(read_file(f.path()));
    ASSERT_EQ(pems.size(), 1U);

    // With a KEK: the file is imported at start; the keys directory is no longer needed.
    restart_with({"--kek-file", kek_a.string()});
    EXPECT_NE(server->log().find("signing keys imported into the database"), std::string::npos) << server->log();
    server->terminate();
    fs::rename(server->data_dir() / "keys", dir / "keys-moved-away");
    server->start();
    c = std::make_unique<HttpClient>(server->base_url());
    ASSERT_EQ(publish(), 2);
    // A new tenant key, made with the KEK: it exists only in the database.
    ASSERT_EQ(c->post("/v1/tenants/acme/signing-key/rotate", "{}", admin).status, 200);
    ASSERT_EQ(publish(), 3);
    EXPECT_FALSE(fs::exists(server->data_dir() / "keys"));
    for (int v = 1; v <= 3; ++v) expect_verifies(v);

    // Rotating the KEK: a node still on the old one cannot sign afterwards, the new one can, and
    // every old version still verifies. Running the rotation again changes nothing.
    server->terminate();
    const auto [rc, out] = rotate(kek_a, kek_b);
    ASSERT_EQ(rc, 0) << out;
    EXPECT_NE(out.find("2 signing keys re-wrapped"), std::string::npos) << out;
    const auto [rc2, out2] = rotate(kek_a, kek_b);
    ASSERT_EQ(rc2, 0) << out2;
    EXPECT_NE(out2.find("0 signing keys re-wrapped"), std::string::npos) << out2;

    restart_with({"--kek-file", kek_a.string()});
    auto refused = c->post("/v1/tenants/acme/packages/p/versions", R"({"allow_empty":true})", admin);
    EXPECT_GE(refused.status, 500) << refused.body;
    restart_with({"--kek-file", kek_b.string()});
    ASSERT_EQ(publish(), 4);
    for (int v = 1; v <= 4; ++v) expect_verifies(v);
    // A wrong KEK is refused by rotate-kek too, and changes nothing.
    const fs::path kek_c = dir / "kek-c";
    std::ofstream(kek_c) << crypto::random_hex(32) << "\n";
    server->terminate();
    // Every key is under B now: "from C" finds nothing to unwrap under C, and B stays usable.
    EXPECT_NE(rotate(kek_c, kek_a).first, 0);
    server->start();
    c = std::make_unique<HttpClient>(server->base_url());
    ASSERT_EQ(publish(), 5);
    server->terminate();

    // The database alone: every row of every table read, no private key in any encoding. The test
    // holds the KEK, so it knows every private key: the imported file's and the one made since.
    const auto cells = every_cell(*server);
    const keys::KekRing ring{keys::Kek::from_file(kek_b.string()), std::nullopt};
    std::size_t wrapped = 0;
    for (const auto& cell : cells) {
        if (cell.table != "signing_keys" || cell.column != "wrapped_private") continue;
        ASSERT_FALSE(cell.value.empty()) << "a signing key without its wrapped private key";
        ++wrapped;
    }
    ASSERT_EQ(wrapped, 2U);
    // Unwrapping needs the row it belongs to: read the key ids back from the cells.
    std::vector<std::string> key_ids;
    for (const auto& cell : cells)
        if (cell.table == "signing_keys" && cell.column == "key_id") key_ids.push_back(cell.value);
    std::vector<std::string> wrapped_values;
    for (const auto& cell : cells)
        if (cell.table == "signing_keys" && cell.column == "wrapped_private") wrapped_values.push_back(cell.value);
    ASSERT_EQ(key_ids.size(), wrapped_values.size());
    for (std::size_t i = 0; i < key_ids.size(); ++i)
        pems.push_back(keys::unwrap(ring, "acme", key_ids[i], wrapped_values[i]));
    std::vector<std::string> forbidden;
    for (const auto& pem : pems)
        for (auto& e : encodings_of(pem)) forbidden.push_back(std::move(e));
    ASSERT_GT(cells.size(), 50U);
    for (const auto& cell : cells) {
        const std::string value = lower(cell.value);
        for (const auto& f : forbidden) {
            ASSERT_FALSE(f.empty());
            EXPECT_EQ(cell.value.find(f), std::string::npos)
                << cell.table << "." << cell.column << " holds a private key";
            EXPECT_EQ(value.find(lower(f)), std::string::npos)
                << cell.table << "." << cell.column << " holds a private key (ignoring case)";
        }
    }
}

TEST_F(Keys, AWrappedKeyMovedToAnotherRowDoesNotUnwrap) {
    const std::string material = read_file(kek_a);
    const keys::KekRing ring{keys::Kek::parse(material), std::nullopt};
    const auto pem = packager::generate_signing_key().private_pem;
    const auto wrapped = keys::wrap(ring.current, "acme", "ed25519:0001", pem);
    EXPECT_EQ(keys::unwrap(ring, "acme", "ed25519:0001", wrapped), pem);
    EXPECT_EQ(wrapped.find(pem.substr(30, 20)), std::string::npos);
    EXPECT_THROW(keys::unwrap(ring, "other", "ed25519:0001", wrapped), std::runtime_error);
    EXPECT_THROW(keys::unwrap(ring, "acme", "ed25519:0002", wrapped), std::runtime_error);
    const keys::KekRing other{keys::Kek::from_file(kek_b.string()), std::nullopt};
    EXPECT_THROW(keys::unwrap(other, "acme", "ed25519:0001", wrapped), std::runtime_error);
    std::string altered = wrapped;
    altered[altered.size() - 3] = altered[altered.size() - 3] == 'A' ? 'B' : 'A';
    EXPECT_THROW(keys::unwrap(ring, "acme", "ed25519:0001", altered), std::runtime_error);
    // Two wraps of one key differ (a fresh nonce each time).
    EXPECT_NE(keys::wrap(ring.current, "acme", "ed25519:0001", pem), wrapped);
    EXPECT_THROW(keys::Kek::parse("too short"), std::invalid_argument);
}

TEST(KeysFromEnvironment, NewTenantsKeysAreWrappedAndTheKekIsNeverPrinted) {
    const std::string kek = crypto::random_hex(32);
    FerrydProcess server(FerrydOptions{{}, {{"FERRY_KEK", kek}}});
    HttpClient c(server.base_url());
    const auto acme = make_tenant(c, server.operator_token(), "acme", {"dev"});
    make_package(c, acme.admin_token);
    ASSERT_EQ(c.post("/v1/tenants/acme/packages/p/versions", R"({"allow_empty":true})", acme.admin_token).status, 201);
    EXPECT_TRUE(
        c.get("/v1/tenants/acme/packages/p/versions/1", acme.admin_token).json().at("verification").at("ok").as_bool());
    EXPECT_FALSE(fs::exists(server.data_dir() / "keys" / "acme")) << "no key file with a KEK";
    EXPECT_NE(server.log().find("signing keys in the database"), std::string::npos) << server.log();
    EXPECT_EQ(server.log().find(kek), std::string::npos);
    EXPECT_EQ(server.stdout_text().find(kek), std::string::npos);
    // A malformed KEK stops ferryd at start, saying why without quoting it.
    const std::string bad_dir = server.data_dir().string() + "-bad-kek";
    const auto [rc, out] = run_command("FERRY_KEK=not-a-key timeout 30 " + quoted(ferryd_path()) +
                                       " --listen 127.0.0.1:0 --data-dir " + quoted(bad_dir) + " 2>&1");
    fs::remove_all(bad_dir);
    EXPECT_EQ(rc, 2) << out;
    EXPECT_NE(out.find("key-encryption key must be 32 bytes"), std::string::npos) << out;
    EXPECT_EQ(out.find("not-a-key"), std::string::npos) << out;
}

}  // namespace
