// The cluster endpoints of the client API: /version, /health, /v2/members, /metrics.
#include "real/http/api_server.h"

#include <gtest/gtest.h>

#include "real/support/http_client.h"
#include "real/support/kv_member.h"

namespace keel::real::http {
namespace {

namespace beast_http = boost::beast::http;

ApiServerOptions options_with_metrics() {
  ApiServerOptions options;
  options.members = {
      ApiMember{0x8e9e05c52164694d, "n1", {"http://127.0.0.1:2380"}, {"http://127.0.0.1:2379"}},
      ApiMember{2, "n2", {"http://10.0.0.2:2380"}, {}}};
  options.metrics = [] { return std::string("keel_up 1\n"); };
  return options;
}

TEST(ApiServerTest, ServesVersionHealthMembersAndMetrics) {
  boost::asio::io_context io;
  testing::KvMember member(io, options_with_metrics());
  ASSERT_TRUE(member.ready());
  testing::HttpTestClient client(io, member.port());
  EXPECT_EQ(client.get("/version").body,
            "{\"etcdserver\":\"3.4.0-keel\",\"etcdcluster\":\"3.4.0\"}");
  EXPECT_EQ(client.get("/health").body, "{\"health\":\"true\"}");
  const testing::HttpReply members = client.get("/v2/members");
  EXPECT_EQ(members.status, 200u);
  EXPECT_EQ(members.body,
            "{\"members\":[{\"id\":\"8e9e05c52164694d\",\"name\":\"n1\",\"peerURLs\":["
            "\"http://127.0.0.1:2380\"],\"clientURLs\":[\"http://127.0.0.1:2379\"]},{\"id\":\"2\","
            "\"name\":\"n2\",\"peerURLs\":[\"http://10.0.0.2:2380\"],\"clientURLs\":[]}]}\n");
  const testing::HttpReply metrics = client.get("/metrics");
  EXPECT_EQ(metrics.body, "keel_up 1\n");
  EXPECT_TRUE(metrics.header("content-type").starts_with("text/plain"));
  EXPECT_EQ(client.put("/version", "x=1").status, 405u);
}

TEST(ApiServerTest, NoMetricsCallbackMeansNoMetricsRoute) {
  boost::asio::io_context io;
  testing::KvMember member(io);
  ASSERT_TRUE(member.ready());
  testing::HttpTestClient client(io, member.port());
  EXPECT_EQ(client.get("/metrics").status, 404u);
  EXPECT_EQ(client.get("/v2/members").body, "{\"members\":[]}\n");
}

}  // namespace
}  // namespace keel::real::http
