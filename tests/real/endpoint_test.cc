#include "real/endpoint.h"

#include <gtest/gtest.h>

namespace keel::real {
namespace {

TEST(EndpointTest, ParsesIpv4AndBracketedIpv6) {
  EXPECT_EQ(parse_endpoint("127.0.0.1:7001"), (Endpoint{"127.0.0.1", 7001}));
  EXPECT_EQ(parse_endpoint("10.1.2.3:0"), (Endpoint{"10.1.2.3", 0}));
  EXPECT_EQ(parse_endpoint("[::1]:65535"), (Endpoint{"::1", 65535}));
}

TEST(EndpointTest, PrintsWhatItParses) {
  for (const char* text : {"127.0.0.1:7001", "[::1]:80", "[fe80::1]:9"}) {
    const auto endpoint = parse_endpoint(text);
    ASSERT_TRUE(endpoint) << text;
    EXPECT_EQ(to_string(*endpoint), text);
  }
}

TEST(EndpointTest, RejectsBadInputNamingIt) {
  for (const char* text :
       {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80x",
        "localhost:80", "example.com:80", "::1:80", "[127.0.0.1]:80", "[::1]", "300.0.0.1:80"}) {
    const auto endpoint = parse_endpoint(text);
    ASSERT_FALSE(endpoint) << "accepted '" << text << "'";
    EXPECT_EQ(endpoint.error().code, Errc::kInvalidArgument);
    EXPECT_NE(endpoint.error().message.find(std::string("'") + text + "'"), std::string::npos)
        << endpoint.error().message;
  }
}

TEST(EndpointTest, CheckAcceptsOnlyIpLiterals) {
  EXPECT_TRUE(check_endpoint(Endpoint{"10.0.0.1", 1}));
  EXPECT_TRUE(check_endpoint(Endpoint{"::1", 1}));
  EXPECT_FALSE(check_endpoint(Endpoint{"", 1}));
  const Status named = check_endpoint(Endpoint{"node-1.example", 1});
  ASSERT_FALSE(named);
  EXPECT_EQ(named.error().code, Errc::kInvalidArgument);
  EXPECT_NE(named.error().message.find("node-1.example"), std::string::npos);
}

}  // namespace
}  // namespace keel::real
