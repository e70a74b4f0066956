#include "delivery/dispatcher.hpp"

#include <gtest/gtest.h>

using namespace ferry::webhooks;

TEST(WebhookSignature, HmacOfTimestampDotBody) {
    // Expected value computed independently (Python's hmac module): HMAC-SHA256("secret", "1700000000.{}").
    EXPECT_EQ(signature("secret", "{}", 1700000000),
              "t=1700000000,v1=b8569b78799ff9e3cbff0fc2d63a33a2b57f3282abd07c37ae5e8e7d79a5f163");
}

TEST(WebhookDestinations, OnlyPublicHttpUnlessAllowed) {
    EXPECT_FALSE(check_destination("http://127.0.0.1/x", false).empty());
    EXPECT_FALSE(check_destination("http://10.0.0.8/x", false).empty());
    EXPECT_FALSE(check_destination("http://172.20.1.1/x", false).empty());
    EXPECT_FALSE(check_destination("http://169.254.169.254/latest", false).empty());
    EXPECT_FALSE(check_destination("http://[::1]/x", false).empty());
    EXPECT_FALSE(check_destination("http://[fd00::1]/x", false).empty());
    EXPECT_FALSE(check_destination("gopher://example.com/", false).empty());
    EXPECT_TRUE(check_destination("http://127.0.0.1:9/x", true).empty());
    EXPECT_TRUE(check_destination("https://93.184.216.34/hook", false).empty());
}
