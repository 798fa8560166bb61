// Endpoint URLs (http_url.h): what keelctl accepts for --endpoint and what it refuses, and the
// percent-encoding of keys and form values.
#include "real/keelctl/http_url.h"

#include <gtest/gtest.h>

namespace keel::real::keelctl {
namespace {

TEST(KeelctlHttpUrl, HostsPortsAndDefaults) {
  EXPECT_EQ(parse_http_url("http://127.0.0.1:4001"),
            (HttpUrl{"127.0.0.1", 4001, "http://127.0.0.1:4001"}));
  EXPECT_EQ(parse_http_url("http://localhost/"), (HttpUrl{"localhost", 2379, "http://localhost"}));
  EXPECT_EQ(parse_http_url("http://[::1]:2379"), (HttpUrl{"::1", 2379, "http://[::1]:2379"}));
  EXPECT_EQ(parse_http_url("http://[::1]"), (HttpUrl{"::1", 2379, "http://[::1]"}));
}

TEST(KeelctlHttpUrl, RefusesWhatIsNotAPlainHttpEndpoint) {
  for (const std::string_view bad :
       {"127.0.0.1:2379", "https://a:1", "http://", "http://:80", "http://a:0", "http://a:65536",
        "http://a:", "http://a:x", "http://a/v2/keys", "http://a?x=1", "http://u@a", "http://[::1",
        "http://[::1]x"}) {
    auto url = parse_http_url(bad);
    ASSERT_FALSE(url) << bad;
    EXPECT_EQ(url.error().code, Errc::kInvalidArgument);
    EXPECT_TRUE(url.error().message.starts_with("endpoint \"" + std::string(bad) + "\": "))
        << url.error().message;
  }
}

TEST(KeelctlHttpUrl, PercentEncoding) {
  EXPECT_EQ(url_encode_path("/a b/c?d&e%"), "/a%20b/c%3Fd%26e%25");
  EXPECT_EQ(url_encode_value("x/y=z+1 \xc3\xa9"), "x%2Fy%3Dz%2B1%20%C3%A9");
  EXPECT_EQ(url_encode_value("Az09-._~"), "Az09-._~");
}

}  // namespace
}  // namespace keel::real::keelctl
