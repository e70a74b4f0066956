// The OpenAPI document is kept true: every route documented, nothing documented that does not
// exist, and the served document is the one in docs/.

#include "ferryd_process.hpp"
#include "http_client.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <set>

using namespace ferry::test;

namespace {

std::set<std::string> documented_operations(const boost::json::value& doc) {
    std::set<std::string> out;
    for (const auto& [path, item] : doc.at("paths").as_object()) {
        for (const auto& [method, operation] : item.as_object()) {
            std::string m(method);
            if (m == "parameters" || m == "summary" || m == "description") continue;
            for (char& ch : m) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
            out.insert(m + " " + std::string(path));
        }
    }
    return out;
}

}  // namespace

TEST(OpenApi, DocumentsExactlyTheRoutingTable) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    auto res = c.get("/openapi.json");
    ASSERT_EQ(res.status, 200);
    const auto doc = res.json();
    EXPECT_EQ(doc.at("openapi").as_string(), "3.1.0");

    const std::string routes_file = (server.data_dir().parent_path() / "routes.json").string();
    ASSERT_EQ(std::system((ferryd_path() + " routes --json > " + routes_file).c_str()), 0);
    std::set<std::string> routes;
    const auto table = boost::json::parse(read_file(routes_file));
    for (const auto& r : table.as_array())
        routes.insert(std::string(r.at("method").as_string()) + " " + std::string(r.at("path").as_string()));

    const auto documented = documented_operations(doc);
    for (const auto& r : routes) EXPECT_TRUE(documented.count(r)) << "undocumented route: " << r;
    for (const auto& d : documented) EXPECT_TRUE(routes.count(d)) << "documented but not served: " << d;
}

TEST(OpenApi, ServedDocumentIsTheOneInDocs) {
    FerrydProcess server;
    HttpClient c(server.base_url());
    const auto served = c.get("/openapi.json").json();
    const auto on_disk = boost::json::parse(read_file(std::string(FERRY_SOURCE_DIR) + "/docs/openapi.json"));
    EXPECT_EQ(served, on_disk);
}
