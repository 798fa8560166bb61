// The v2 keys API of one in-process member, driven over real HTTP on 127.0.0.1: the JSON shapes,
// statuses, error codes and headers of etcd 3.4 (indexes blanked by json_shape where they vary).
#include "real/http/v2_keys_api.h"

#include <gtest/gtest.h>

#include <set>

#include "real/support/http_client.h"
#include "real/support/json_shape.h"
#include "real/support/keeld_process.h"
#include "real/support/kv_member.h"
#include "real/support/raw_client.h"
#include "real/support/run_loop.h"

namespace keel::real {
namespace {

using testing::HttpReply;
using testing::json_shape;
namespace beast_http = boost::beast::http;

class V2KeysApiTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(member_.ready()); }

  // The answer's status and shape as one string, for compact expectations.
  static std::string seen(const HttpReply& reply) {
    return std::to_string(reply.status) + " " + json_shape(reply.body);
  }

  boost::asio::io_context io_;
  testing::KvMember member_{io_};
  testing::HttpTestClient client_{io_, member_.port()};
};

TEST_F(V2KeysApiTest, SetGetUpdateDeleteAFile) {
  const HttpReply set = client_.put("/v2/keys/foo", "value=bar");
  EXPECT_EQ(seen(set),
            "201 {\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"bar\","
            "\"modifiedIndex\":N,\"createdIndex\":N}}\n");
  const std::string index = set.header("x-etcd-index");
  EXPECT_NE(set.body.find("\"modifiedIndex\":" + index + ","), std::string::npos) << set.body;
  EXPECT_EQ(set.header("content-type"), "application/json");
  EXPECT_EQ(set.header("x-etcd-cluster-id"), "7");
  EXPECT_FALSE(set.header("x-raft-term").empty());

  EXPECT_EQ(seen(client_.get("/v2/keys/foo")),
            "200 {\"action\":\"get\",\"node\":{\"key\":\"/foo\",\"value\":\"bar\","
            "\"modifiedIndex\":N,\"createdIndex\":N}}\n");
  EXPECT_EQ(seen(client_.put("/v2/keys/foo?value=baz")),
            "200 {\"action\":\"set\",\"node\":{\"key\":\"/foo\",\"value\":\"baz\","
            "\"modifiedIndex\":N,\"createdIndex\":N},\"prevNode\":{\"key\":\"/foo\","
            "\"value\":\"bar\",\"modifiedIndex\":N,\"createdIndex\":N}}\n");
  EXPECT_EQ(seen(client_.del("/v2/keys/foo")),
            "200 {\"action\":\"delete\",\"node\":{\"key\":\"/foo\",\"modifiedIndex\":N,"
            "\"createdIndex\":N},\"prevNode\":{\"key\":\"/foo\",\"value\":\"baz\","
            "\"modifiedIndex\":N,\"createdIndex\":N}}\n");
  const HttpReply missing = client_.get("/v2/keys/foo");
  EXPECT_EQ(seen(missing),
            "404 {\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/foo\","
            "\"index\":N}\n");
  EXPECT_NE(missing.body.find("\"index\":" + missing.header("x-etcd-index")), std::string::npos);
  // Values are percent-decoded and JSON-escaped.
  EXPECT_EQ(seen(client_.put("/v2/keys/a%20b", "value=x%22y%3Cz+w")),
            "201 {\"action\":\"set\",\"node\":{\"key\":\"/a b\",\"value\":\"x\\\"y\\u003cz w\","
            "\"modifiedIndex\":N,\"createdIndex\":N}}\n");
}

TEST_F(V2KeysApiTest, DirectoriesListAndRemove) {
  EXPECT_EQ(seen(client_.put("/v2/keys/dir?dir=true")),
            "201 {\"action\":\"set\",\"node\":{\"key\":\"/dir\",\"dir\":true,"
            "\"modifiedIndex\":N,\"createdIndex\":N}}\n");
  ASSERT_EQ(client_.put("/v2/keys/dir/a/b", "value=1").status, 201u);
  ASSERT_EQ(client_.put("/v2/keys/dir/c", "value=2").status, 201u);
  ASSERT_EQ(client_.put("/v2/keys/dir/_hidden", "value=3").status, 201u);
  EXPECT_EQ(seen(client_.get("/v2/keys/dir")),
            "200 {\"action\":\"get\",\"node\":{\"key\":\"/dir\",\"dir\":true,\"nodes\":["
            "{\"key\":\"/dir/a\",\"dir\":true,\"modifiedIndex\":N,\"createdIndex\":N},"
            "{\"key\":\"/dir/c\",\"value\":\"2\",\"modifiedIndex\":N,\"createdIndex\":N}],"
            "\"modifiedIndex\":N,\"createdIndex\":N}}\n");
  EXPECT_EQ(seen(client_.get("/v2/keys/dir?recursive=true&sorted=true")),
            "200 {\"action\":\"get\",\"node\":{\"key\":\"/dir\",\"dir\":true,\"nodes\":["
            "{\"key\":\"/dir/a\",\"dir\":true,\"nodes\":[{\"key\":\"/dir/a/b\",\"value\":\"1\","
            "\"modifiedIndex\":N,\"createdIndex\":N}],\"modifiedIndex\":N,\"createdIndex\":N},"
            "{\"key\":\"/dir/c\",\"value\":\"2\",\"modifiedIndex\":N,\"createdIndex\":N}],"
            "\"modifiedIndex\":N,\"createdIndex\":N}}\n");
  EXPECT_EQ(seen(client_.get("/v2/keys/dir/_hidden")).substr(0, 3), "200");

  EXPECT_EQ(seen(client_.put("/v2/keys/dir/c/d", "value=x")),
            "400 {\"errorCode\":104,\"message\":\"Not a directory\",\"cause\":\"/dir/c\","
            "\"index\":N}\n");
  EXPECT_EQ(seen(client_.put("/v2/keys/dir", "value=x")),
            "403 {\"errorCode\":102,\"message\":\"Not a file\",\"cause\":\"/dir\",\"index\":N}\n");
  EXPECT_EQ(seen(client_.del("/v2/keys/dir")),
            "403 {\"errorCode\":102,\"message\":\"Not a file\",\"cause\":\"/dir\",\"index\":N}\n");
  EXPECT_EQ(seen(client_.del("/v2/keys/dir?dir=true")),
            "403 {\"errorCode\":108,\"message\":\"Directory not empty\",\"cause\":\"/dir\","
            "\"index\":N}\n");
  EXPECT_EQ(seen(client_.put("/v2/keys/", "value=x")),
            "400 {\"errorCode\":107,\"message\":\"Root is read only\",\"cause\":\"/\","
            "\"index\":N}\n");
  EXPECT_EQ(seen(client_.del("/v2/keys/dir?recursive=true")),
            "200 {\"action\":\"delete\",\"node\":{\"key\":\"/dir\",\"dir\":true,"
            "\"modifiedIndex\":N,\"createdIndex\":N},\"prevNode\":{\"key\":\"/dir\",\"dir\":true,"
            "\"modifiedIndex\":N,\"createdIndex\":N}}\n");
  EXPECT_EQ(client_.get("/v2/keys/dir/a/b").status, 404u);
  ASSERT_EQ(client_.put("/v2/keys/empty?dir=true").status, 201u);
  EXPECT_EQ(client_.del("/v2/keys/empty?dir=true").status, 200u);
}

TEST_F(V2KeysApiTest, CompareAndSwapAndDelete) {
  EXPECT_EQ(seen(client_.put("/v2/keys/k?prevExist=false", "value=one")),
            "201 {\"action\":\"create\",\"node\":{\"key\":\"/k\",\"value\":\"one\","
            "\"modifiedIndex\":N,\"createdIndex\":N}}\n");
  EXPECT_EQ(seen(client_.put("/v2/keys/k?prevExist=false", "value=two")),
            "412 {\"errorCode\":105,\"message\":\"Key already exists\",\"cause\":\"/k\","
            "\"index\":N}\n");
  EXPECT_EQ(seen(client_.put("/v2/keys/nope?prevExist=true", "value=two")),
            "404 {\"errorCode\":100,\"message\":\"Key not found\",\"cause\":\"/nope\","
            "\"index\":N}\n");
  EXPECT_TRUE(seen(client_.put("/v2/keys/k?prevExist=true", "value=two"))
                  .starts_with("200 {\"action\":\"update\","));
  EXPECT_EQ(seen(client_.put("/v2/keys/k?prevValue=one", "value=three")),
            "412 {\"errorCode\":101,\"message\":\"Compare failed\",\"cause\":\"[one != two]\","
            "\"index\":N}\n");
  const HttpReply swapped = client_.put("/v2/keys/k?prevValue=two", "value=three");
  EXPECT_TRUE(seen(swapped).starts_with("200 {\"action\":\"compareAndSwap\","));
  const std::string index = swapped.header("x-etcd-index");
  EXPECT_EQ(seen(client_.put("/v2/keys/k?prevIndex=1", "value=four")),
            "412 {\"errorCode\":101,\"message\":\"Compare failed\",\"cause\":\"[1 != N]\","
            "\"index\":N}\n");
  EXPECT_EQ(client_.put("/v2/keys/k?prevIndex=" + index, "value=four").status, 200u);
  EXPECT_EQ(seen(client_.del("/v2/keys/k?prevValue=three")).substr(0, 28),
            "412 {\"errorCode\":101,\"messag");
  EXPECT_EQ(seen(client_.del("/v2/keys/k?prevValue=four")),
            "200 {\"action\":\"compareAndDelete\",\"node\":{\"key\":\"/k\",\"modifiedIndex\":N,"
            "\"createdIndex\":N},\"prevNode\":{\"key\":\"/k\",\"value\":\"four\","
            "\"modifiedIndex\":N,\"createdIndex\":N}}\n");
}

TEST_F(V2KeysApiTest, BadInputGetsEtcdsErrorCodes) {
  EXPECT_EQ(seen(client_.put("/v2/keys/k?prevValue=", "value=x")),
            "400 {\"errorCode\":201,\"message\":\"PrevValue is Required in POST form\","
            "\"cause\":\"\\\"prevValue\\\" cannot be empty\",\"index\":N}\n");
  EXPECT_EQ(seen(client_.put("/v2/keys/k?ttl=abc", "value=x")),
            "400 {\"errorCode\":202,\"message\":\"The given TTL in POST form is not a number\","
            "\"cause\":\"invalid value for \\\"ttl\\\"\",\"index\":N}\n");
  EXPECT_EQ(seen(client_.put("/v2/keys/k?prevIndex=x", "value=x")),
            "400 {\"errorCode\":203,\"message\":\"The given index in POST form is not a "
            "number\",\"cause\":\"invalid value for \\\"prevIndex\\\"\",\"index\":N}\n");
  EXPECT_EQ(seen(client_.put("/v2/keys/k?prevExist=maybe", "value=x")),
            "400 {\"errorCode\":209,\"message\":\"Invalid field\",\"cause\":\"invalid value for "
            "prevExist\",\"index\":N}\n");
  EXPECT_EQ(seen(client_.put("/v2/keys/k?refresh=true", "value=x")).substr(0, 22),
            "400 {\"errorCode\":211,\"");
  EXPECT_EQ(seen(client_.put("/v2/keys/k?refresh=true")).substr(0, 22),
            "400 {\"errorCode\":212,\"");
  EXPECT_EQ(seen(client_.get("/v2/keys/k?recursive=maybe")),
            "400 {\"errorCode\":209,\"message\":\"Invalid field\",\"cause\":\"invalid value for "
            "\\\"recursive\\\"\",\"index\":N}\n");
  EXPECT_EQ(client_.get("/v2/keys/k%zz").status, 400u);
  const HttpReply patch = client_.send(beast_http::verb::patch, "/v2/keys/k");
  EXPECT_EQ(patch.status, 405u);
  EXPECT_EQ(patch.header("allow"), "GET, HEAD, POST, PUT, DELETE");
  // Nothing above was written.
  EXPECT_EQ(client_.get("/v2/keys/k").status, 404u);
}

TEST_F(V2KeysApiTest, InOrderKeysArePostedInOrder) {
  const HttpReply first = client_.post("/v2/keys/queue", "value=job1");
  const HttpReply second = client_.post("/v2/keys/queue", "value=job2");
  EXPECT_EQ(seen(first),
            "201 {\"action\":\"create\",\"node\":{\"key\":\"/queue/<index>\",\"value\":\"job1\","
            "\"modifiedIndex\":N,\"createdIndex\":N}}\n");
  ASSERT_EQ(second.status, 201u);
  const auto key_of = [](const std::string& body) {
    const std::size_t at = body.find("\"key\":\"") + 7;
    return body.substr(at, body.find('"', at) - at);
  };
  EXPECT_LT(key_of(first.body), key_of(second.body));
  const std::string listing = client_.get("/v2/keys/queue?sorted=true").body;
  EXPECT_LT(listing.find("job1"), listing.find("job2")) << listing;
  EXPECT_EQ(client_.put("/v2/keys/file", "value=x").status, 201u);
  EXPECT_EQ(client_.post("/v2/keys/file", "value=y").status, 400u);  // 104 Not a directory
}

TEST_F(V2KeysApiTest, WaitAnswersTheNextChange) {
  auto waiting = client_.start(beast_http::verb::get, "/v2/keys/w?wait=true");
  ASSERT_TRUE(testing::run_until(io_, [&] { return member_.api->keys().waits() == 1; }));
  EXPECT_FALSE(testing::HttpTestClient::arrived(waiting));
  ASSERT_EQ(client_.put("/v2/keys/other", "value=x").status, 201u);
  ASSERT_EQ(client_.put("/v2/keys/w", "value=1").status, 201u);
  const HttpReply event = client_.finish(waiting);
  EXPECT_EQ(seen(event),
            "200 {\"action\":\"set\",\"node\":{\"key\":\"/w\",\"value\":\"1\","
            "\"modifiedIndex\":N,\"createdIndex\":N}}\n");
  EXPECT_EQ(member_.api->keys().waits(), 0u);

  // From history: waitIndex names a past revision.
  const HttpReply update = client_.put("/v2/keys/w", "value=2");
  client_.put("/v2/keys/w", "value=3");
  const HttpReply past =
      client_.get("/v2/keys/w?wait=true&waitIndex=" + update.header("x-etcd-index"));
  EXPECT_EQ(seen(past),
            "200 {\"action\":\"set\",\"node\":{\"key\":\"/w\",\"value\":\"2\","
            "\"modifiedIndex\":N,\"createdIndex\":N},\"prevNode\":{\"key\":\"/w\","
            "\"value\":\"1\",\"modifiedIndex\":N,\"createdIndex\":N}}\n");

  // Recursive: a change below the directory; the deletion of the directory answers waits below.
  auto below = client_.start(beast_http::verb::get, "/v2/keys/d?wait=true&recursive=true");
  auto inside = client_.start(beast_http::verb::get,
                              "/v2/keys/d/x/y?wait=true&waitIndex=" +
                                  std::to_string(member_.service->store().revision() + 2));
  ASSERT_TRUE(testing::run_until(io_, [&] { return member_.api->keys().waits() == 2; }));
  ASSERT_EQ(client_.put("/v2/keys/d/x/y", "value=1").status, 201u);
  EXPECT_EQ(json_shape(client_.finish(below).body),
            "{\"action\":\"set\",\"node\":{\"key\":\"/d/x/y\",\"value\":\"1\","
            "\"modifiedIndex\":N,\"createdIndex\":N}}\n");
  ASSERT_EQ(client_.del("/v2/keys/d?recursive=true").status, 200u);
  EXPECT_EQ(json_shape(client_.finish(inside).body),
            "{\"action\":\"delete\",\"node\":{\"key\":\"/d\",\"dir\":true,\"modifiedIndex\":N,"
            "\"createdIndex\":N},\"prevNode\":{\"key\":\"/d\",\"dir\":true,\"modifiedIndex\":N,"
            "\"createdIndex\":N}}\n");
}

TEST_F(V2KeysApiTest, AWaitFromCompactedHistoryGets401) {
  const HttpReply first = client_.put("/v2/keys/old", "value=1");
  ASSERT_EQ(client_.put("/v2/keys/old", "value=2").status, 200u);
  bool compacted = false;
  member_.service->submit(
      kv::Request{0, 0, kv::CompactRequest{member_.service->store().revision()}},
      [&](Result<kv::Response> done) { compacted = done.has_value(); });
  ASSERT_TRUE(testing::run_until(io_, [&] { return compacted; }));
  const HttpReply cleared =
      client_.get("/v2/keys/old?wait=true&waitIndex=" + first.header("x-etcd-index"));
  EXPECT_TRUE(seen(cleared).starts_with(
      "400 {\"errorCode\":401,\"message\":\"The event in requested index is outdated and "
      "cleared\",\"cause\":\"the requested history has been cleared ["))
      << cleared.body;
}

TEST_F(V2KeysApiTest, AClientHangingUpCancelsItsWait) {
  auto raw = std::make_unique<testing::RawClient>(io_, member_.port());
  const std::string wait = "GET /v2/keys/gone?wait=true HTTP/1.1\r\nHost: x\r\n\r\n";
  raw->write(Bytes(wait.begin(), wait.end()));
  ASSERT_TRUE(testing::run_until(io_, [&] { return member_.api->keys().waits() == 1; }));
  EXPECT_EQ(member_.service->watches().size(), 1u);
  raw.reset();
  ASSERT_TRUE(testing::run_until(io_, [&] { return member_.api->keys().waits() == 0; }));
  EXPECT_EQ(member_.service->watches().size(), 0u);
}

TEST_F(V2KeysApiTest, ConcurrentConflictingWritesArePlannedAgain) {
  // Both plans are made at the same revision; the second txn's compares fail and it is planned
  // again, now seeing the first one's key.
  auto first = client_.start(beast_http::verb::put, "/v2/keys/race?prevExist=false", "value=a");
  auto second = client_.start(beast_http::verb::put, "/v2/keys/race?prevExist=false", "value=b");
  auto post_one = client_.start(beast_http::verb::post, "/v2/keys/jobs", "value=1");
  auto post_two = client_.start(beast_http::verb::post, "/v2/keys/jobs", "value=2");
  const HttpReply one = client_.finish(first);
  const HttpReply two = client_.finish(second);
  std::multiset<unsigned> statuses{one.status, two.status};
  EXPECT_EQ(statuses, (std::multiset<unsigned>{201, 412})) << one.body << two.body;
  EXPECT_GE(member_.api->keys().replans(), 1u);
  EXPECT_EQ(client_.finish(post_one).status, 201u);
  EXPECT_EQ(client_.finish(post_two).status, 201u);
  // A child created while its directory is being removed is never lost: the removal, planned on
  // an empty directory, sees the directory's children change and is planned again.
  ASSERT_EQ(client_.put("/v2/keys/e?dir=true").status, 201u);
  auto child = client_.start(beast_http::verb::put, "/v2/keys/e/x", "value=1");
  auto rmdir = client_.start(beast_http::verb::delete_, "/v2/keys/e?dir=true");
  EXPECT_EQ(client_.finish(child).status, 201u);
  EXPECT_EQ(json_shape(client_.finish(rmdir).body),
            "{\"errorCode\":108,\"message\":\"Directory not empty\",\"cause\":\"/e\","
            "\"index\":N}\n");
  EXPECT_EQ(client_.get("/v2/keys/e/x").status, 200u);
  const std::string jobs = client_.get("/v2/keys/jobs").body;
  EXPECT_NE(jobs.find("\"value\":\"1\""), std::string::npos) << jobs;
  EXPECT_NE(jobs.find("\"value\":\"2\""), std::string::npos) << jobs;
}

TEST_F(V2KeysApiTest, TtlKeysShowTheirTtlAndExpire) {
  const HttpReply set = client_.put("/v2/keys/tmp?ttl=1", "value=soon");
  EXPECT_EQ(seen(set),
            "201 {\"action\":\"set\",\"node\":{\"key\":\"/tmp\",\"value\":\"soon\","
            "\"expiration\":\"T\",\"ttl\":S,\"modifiedIndex\":N,\"createdIndex\":N}}\n");
  EXPECT_NE(set.body.find("\"ttl\":1,"), std::string::npos) << set.body;
  const HttpReply expired =
      client_.send(beast_http::verb::get, "/v2/keys/tmp?wait=true", "", std::chrono::seconds(10));
  EXPECT_EQ(seen(expired),
            "200 {\"action\":\"expire\",\"node\":{\"key\":\"/tmp\",\"modifiedIndex\":N,"
            "\"createdIndex\":N},\"prevNode\":{\"key\":\"/tmp\",\"value\":\"soon\","
            "\"expiration\":\"T\",\"modifiedIndex\":N,\"createdIndex\":N}}\n");
  EXPECT_EQ(client_.get("/v2/keys/tmp").status, 404u);
  // refresh keeps the value and sets a new TTL; ttl= makes the key permanent again.
  ASSERT_EQ(client_.put("/v2/keys/r?ttl=5", "value=v").status, 201u);
  const HttpReply refreshed = client_.put("/v2/keys/r?ttl=20&refresh=true&prevExist=true");
  EXPECT_EQ(refreshed.status, 200u) << refreshed.body;
  EXPECT_NE(refreshed.body.find("\"value\":\"v\",\"expiration\""), std::string::npos);
  EXPECT_NE(refreshed.body.find("\"ttl\":20,"), std::string::npos) << refreshed.body;
  const std::string permanent = client_.put("/v2/keys/r?ttl=", "value=w").body;
  EXPECT_GT(permanent.find("expiration"), permanent.find("prevNode")) << permanent;
}

TEST_F(V2KeysApiTest, CurlScriptsWork) {
  if (!testing::find_in_path("curl")) GTEST_SKIP() << "curl is not installed";
  const std::string url = "http://127.0.0.1:" + std::to_string(member_.port()) + "/v2/keys/big";
  const std::string log = member_.dir + "/curl.log";
  // A 2 KiB value: curl sends "Expect: 100-continue" and waits for the server's go-ahead.
  testing::Subprocess curl("curl", {"-sS", "-XPUT", url, "-d", "value=" + std::string(2048, 'v')},
                           log, log);
  ASSERT_TRUE(testing::run_until(io_, [&] { return curl.wait_exit(Duration(0)).has_value(); }));
  EXPECT_EQ(curl.wait_exit(Duration(0)), 0);
  EXPECT_TRUE(testing::read_text(log).starts_with("{\"action\":\"set\",\"node\":{\"key\":\"/big\""))
      << testing::read_text(log);
  EXPECT_NE(client_.get("/v2/keys/big").body.find(std::string(2048, 'v')), std::string::npos);
}

TEST_F(V2KeysApiTest, QuorumGetAndRoot) {
  ASSERT_EQ(client_.put("/v2/keys/q", "value=1").status, 201u);
  EXPECT_TRUE(seen(client_.get("/v2/keys/q?quorum=true")).starts_with("200 {\"action\":\"get\","));
  EXPECT_EQ(seen(client_.get("/v2/keys/")),
            "200 {\"action\":\"get\",\"node\":{\"dir\":true,\"nodes\":[{\"key\":\"/q\","
            "\"value\":\"1\",\"modifiedIndex\":N,\"createdIndex\":N}]}}\n");
}

}  // namespace
}  // namespace keel::real
