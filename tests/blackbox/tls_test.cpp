// HTTPS with --tls-cert/--tls-key, checked with the curl command line as a user would.

#include "ferryd_process.hpp"
#include "shell.hpp"

#include <gtest/gtest.h>

#include <cstdio>

using namespace ferry::test;

namespace {

std::pair<int, std::string> run(const std::string& command) { return ferry::test::run_command(command); }

}  // namespace

TEST(Tls, ServesHttpsToCurlWithTheCaCertificate) {
    char dir_template[] = "/tmp/ferry-tls-XXXXXX";
    ASSERT_NE(::mkdtemp(dir_template), nullptr);
    const std::string dir = dir_template;
    const auto [gen, gen_out] =
        run("openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=localhost "
            "-addext subjectAltName=IP:127.0.0.1,DNS:localhost -keyout " +
            dir + "/key.pem -out " + dir + "/cert.pem 2>&1");
    ASSERT_EQ(gen, 0) << gen_out;

    FerrydProcess server({{"--tls-cert", dir + "/cert.pem", "--tls-key", dir + "/key.pem"}, {}});
    const std::string url = "https://127.0.0.1:" + std::to_string(server.port());

    const auto [ok, body] = run("curl -sS --cacert " + dir + "/cert.pem " + url + "/healthz");
    EXPECT_EQ(ok, 0);
    EXPECT_EQ(body, R"({"status":"ok"})");

    const auto [tls12, body12] =
        run("curl -sS --tlsv1.2 --tls-max 1.2 --cacert " + dir + "/cert.pem " + url + "/readyz");
    EXPECT_EQ(tls12, 0);
    EXPECT_NE(body12.find("ready"), std::string::npos);

    // Without trusting the certificate, curl refuses; plain HTTP gets no answer.
    EXPECT_NE(run("curl -sS " + url + "/healthz 2>/dev/null").first, 0);
    EXPECT_NE(
        run("curl -sS --max-time 5 http://127.0.0.1:" + std::to_string(server.port()) + "/healthz 2>/dev/null").first,
        0);

    // A request through TLS reaches the application like any other.
    const auto [op, op_body] = run("curl -sS --cacert " + dir + "/cert.pem -H 'Authorization: Bearer " +
                                   server.operator_token() + "' " + url + "/v1/tenants");
    EXPECT_EQ(op, 0);
    EXPECT_EQ(op_body, R"({"items":[]})");
    std::filesystem::remove_all(dir);
}

TEST(Tls, RefusesToStartWithAMissingKey) {
    EXPECT_THROW(FerrydProcess({{"--tls-cert", "/nonexistent/cert.pem", "--tls-key", "/nonexistent/key.pem"}, {}}),
                 std::runtime_error);
}
