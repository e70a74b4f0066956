// The package format: canonical files, Ed25519 signatures (checked with the openssl command line
// too) and manifest verification.

#include "core/error.hpp"
#include "core/object_kind.hpp"
#include "packager/canonical.hpp"
#include "packager/import_plan.hpp"
#include "packager/manifest.hpp"
#include "packager/signing.hpp"

#include <boost/json/parse.hpp>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>

using namespace ferry;
using namespace ferry::packager;

TEST(CanonicalFile, SortedIndentedWithTrailingNewline) {
    const auto value = boost::json::parse(R"({"b":[1,{"z":true,"a":null}],"a":"é\"x","c":{},"d":[]})");
    EXPECT_EQ(canonical_file(value),
              "{\n"
              "  \"a\": \"é\\\"x\",\n"
              "  \"b\": [\n"
              "    1,\n"
              "    {\n"
              "      \"a\": null,\n"
              "      \"z\": true\n"
              "    }\n"
              "  ],\n"
              "  \"c\": {},\n"
              "  \"d\": []\n"
              "}\n");
    // Key order in the input does not matter.
    EXPECT_EQ(canonical_file(boost::json::parse(R"({"d":[],"c":{},"a":"é\"x","b":[1,{"a":null,"z":true}]})")),
              canonical_file(value));
}

TEST(Signing, SignVerifyAndKeyIds) {
    const SigningKey key = generate_signing_key();
    EXPECT_EQ(key.private_pem.rfind("-----BEGIN PRIVATE KEY-----", 0), 0U);
    EXPECT_EQ(key.public_pem.rfind("-----BEGIN PUBLIC KEY-----", 0), 0U);
    EXPECT_EQ(key.key_id.rfind("ed25519:", 0), 0U);
    EXPECT_EQ(key.key_id.size(), 8U + 16U);
    const std::string message = "{\n  \"package\": \"welcome\"\n}\n";
    const std::string signature = sign(key.private_pem, message);
    EXPECT_EQ(signature.size(), 64U);
    EXPECT_TRUE(verify(key.public_pem, message, signature));
    EXPECT_FALSE(verify(key.public_pem, message + " ", signature));
    EXPECT_FALSE(verify(generate_signing_key().public_pem, message, signature));
    EXPECT_FALSE(verify("not a key", message, signature));
}

TEST(Signing, Base64RoundTrip) {
    for (const std::string& bytes : {std::string(), std::string("a"), std::string("ab"), std::string("abc"),
                                     std::string("\0\xff\x10", 3), std::string(64, '\x7f')}) {
        const std::string encoded = base64_encode(bytes);
        EXPECT_EQ(base64_decode(encoded), bytes) << encoded;
    }
    EXPECT_FALSE(base64_decode("abc"));
}

TEST(Signing, TheOpensslCommandLineAcceptsTheSignature) {
    const SigningKey key = generate_signing_key();
    const auto dir = std::filesystem::temp_directory_path() / ("ferry-sig-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    const std::string manifest = canonical_file(boost::json::parse(R"({"package":"welcome","version":1})"));
    std::ofstream(dir / "manifest.json", std::ios::binary) << manifest;
    std::ofstream(dir / "pub.pem") << key.public_pem;
    std::ofstream(dir / "sig.bin", std::ios::binary) << sign(key.private_pem, manifest);
    const std::string cmd = "openssl pkeyutl -verify -pubin -inkey " + (dir / "pub.pem").string() + " -rawin -in " +
                            (dir / "manifest.json").string() + " -sigfile " + (dir / "sig.bin").string() +
                            " > /dev/null 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    std::ofstream(dir / "manifest.json", std::ios::binary | std::ios::app) << " ";
    EXPECT_NE(std::system(cmd.c_str()), 0);
    std::filesystem::remove_all(dir);
}

TEST(Manifest, RoundTripAndVerification) {
    const SigningKey key = generate_signing_key();
    std::map<std::string, std::string> files{
        {"campaigns/welcome.json", canonical_file(boost::json::parse(R"({"name":"Welcome"})"))},
        {"segments/vip.json", canonical_file(boost::json::parse(R"({"name":"VIP"})"))}};
    Manifest m;
    m.package = "welcome";
    m.version = 2;
    m.tenant = "acme";
    m.source_sandbox = "dev";
    m.created_at = "2026-11-22T10:00:00.000Z";
    m.created_by = "alice";
    m.objects = {describe(ferry::ObjectKind::campaign, "welcome", "Welcome", "campaigns/welcome.json",
                          files["campaigns/welcome.json"]),
                 describe(ferry::ObjectKind::segment, "vip", "VIP", "segments/vip.json", files["segments/vip.json"])};
    m.previous = "sha256:00";
    m.key_id = key.key_id;
    const std::string bytes = manifest_file(m);
    EXPECT_EQ(manifest_file(parse_manifest(boost::json::parse(bytes))), bytes);

    const std::string signature = base64_encode(sign(key.private_pem, bytes));
    auto reader = [&](std::string_view path) -> std::optional<std::string> {
        auto it = files.find(std::string(path));
        if (it == files.end()) return std::nullopt;
        return it->second;
    };
    EXPECT_FALSE(verify_package(bytes, signature, key.public_pem, reader));
    // Tampering is named: the object, or the signature.
    files["segments/vip.json"] = canonical_file(boost::json::parse(R"({"name":"VIP!"})"));
    auto problem = verify_package(bytes, signature, key.public_pem, reader);
    ASSERT_TRUE(problem);
    EXPECT_EQ(problem->path, "segments/vip.json");
    files.erase("segments/vip.json");
    EXPECT_EQ(verify_package(bytes, signature, key.public_pem, reader)->reason, "missing");
    EXPECT_EQ(verify_package(bytes + " ", signature, key.public_pem, reader)->path, "manifest.sig");
    EXPECT_EQ(verify_package(bytes, signature, generate_signing_key().public_pem, reader)->path, "manifest.sig");
    EXPECT_THROW(parse_manifest(boost::json::parse(R"({"package":"x"})")), Error);
}

TEST(Kinds, ObjectKindsRoundTripThroughTheirNames) {
    for (const ObjectKind k : {ObjectKind::campaign, ObjectKind::segment, ObjectKind::template_})
        EXPECT_EQ(parse_object_kind(to_string(k)), k);
    EXPECT_EQ(to_string(ObjectKind::campaign), "campaign");
    EXPECT_EQ(to_string(ObjectKind::segment), "segment");
    EXPECT_EQ(to_string(ObjectKind::template_), "template");
    for (const std::string_view unknown : {"", "Campaign", "template_", "segments", "webhook", "campaign "})
        EXPECT_FALSE(parse_object_kind(unknown)) << unknown;
}

TEST(Kinds, PlanActionsRoundTripThroughTheirNames) {
    for (const PlanAction a :
         {PlanAction::create, PlanAction::update, PlanAction::reuse, PlanAction::skip, PlanAction::conflict})
        EXPECT_EQ(parse_plan_action(to_string(a)), a);
    EXPECT_EQ(to_string(PlanAction::create), "create");
    EXPECT_EQ(to_string(PlanAction::update), "update");
    EXPECT_EQ(to_string(PlanAction::reuse), "reuse");
    EXPECT_EQ(to_string(PlanAction::skip), "skip");
    EXPECT_EQ(to_string(PlanAction::conflict), "conflict");
    for (const std::string_view unknown : {"", "Create", "delete", "use_existing", "conflicts"})
        EXPECT_FALSE(parse_plan_action(unknown)) << unknown;
}

TEST(Manifest, TheKindIsWrittenByNameAndAnUnknownOneIsRefused) {
    Manifest m;
    m.package = "launch";
    m.version = 1;
    m.tenant = "acme";
    m.source_sandbox = "dev";
    m.created_at = "2026-11-22T10:00:00.000Z";
    m.created_by = "alice";
    m.objects = {describe(ObjectKind::template_, "hello", "Hello", "templates/hello.json", "{}\n")};
    m.key_id = "k1";
    const std::string bytes = manifest_file(m);
    EXPECT_NE(bytes.find("\"kind\": \"template\""), std::string::npos) << bytes;
    EXPECT_EQ(parse_manifest(boost::json::parse(bytes)).objects.at(0).kind, ObjectKind::template_);

    boost::json::value widget = boost::json::parse(bytes);
    widget.as_object()["objects"].as_array()[0].as_object()["kind"] = "widget";
    try {
        parse_manifest(widget);
        ADD_FAILURE() << "a manifest object of an unknown kind was accepted";
    } catch (const Error& e) {
        EXPECT_EQ(e.status(), 422);
        EXPECT_NE(e.message().find("manifest.objects[0].kind"), std::string::npos) << e.message();
    }
}
