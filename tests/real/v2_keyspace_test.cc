// The pure pieces of the v2 API: path cleaning, the node value encoding (which must refuse keys it
// did not write), form decoding, JSON escaping and etcd's time format.
#include "real/http/v2_keyspace.h"

#include <gtest/gtest.h>

#include "real/http/form.h"
#include "real/http/json_writer.h"
#include "real/http/v2_json.h"

namespace keel::real::http {
namespace {

TEST(V2KeyspaceTest, CleansPathsLikeGo) {
  EXPECT_EQ(clean_path(""), "/");
  EXPECT_EQ(clean_path("/"), "/");
  EXPECT_EQ(clean_path("a//b/./c/"), "/a/b/c");
  EXPECT_EQ(clean_path("/a/b/../../../c"), "/c");
  EXPECT_EQ(ancestors("/a/b/c"), (std::vector<std::string>{"/a", "/a/b"}));
  EXPECT_TRUE(ancestors("/a").empty());
  EXPECT_TRUE(is_below("/a/b", "/a"));
  EXPECT_FALSE(is_below("/ab", "/a"));
  EXPECT_FALSE(is_below("/a", "/a"));
  EXPECT_TRUE(is_below("/a", "/"));
  EXPECT_TRUE(hidden_below("/d/_x/y", "/d"));
  EXPECT_FALSE(hidden_below("/_d/x", "/_d"));
}

TEST(V2KeyspaceTest, MapsPathsToKeysAndBack) {
  EXPECT_EQ(kv::to_string(node_key("/a/b")), "/v2k/a/b");
  EXPECT_EQ(kv::to_string(children_prefix("/a")), "/v2k/a/");
  EXPECT_EQ(kv::to_string(children_prefix("/")), "/v2k/");
  EXPECT_EQ(path_of(kv::to_bytes("/v2k/a/b")), "/a/b");
  EXPECT_FALSE(path_of(kv::to_bytes("/v2action")));
  EXPECT_FALSE(path_of(kv::to_bytes("/v2c/a")));
  EXPECT_EQ(kv::to_string(children_key("/")), "/v2c/");
  EXPECT_EQ(kv::to_string(children_key("/a")), "/v2c/a");
  EXPECT_EQ(kv::to_string(subdirectory_children_prefix("/a")), "/v2c/a/");
  EXPECT_FALSE(path_of(kv::to_bytes("/v2k")));
  EXPECT_FALSE(path_of(kv::to_bytes("/v2kx")));
}

TEST(V2KeyspaceTest, NodeValuesRoundTripAndForeignBytesAreRefused) {
  for (const NodeValue& value :
       {NodeValue{false, std::nullopt, "hello\nworld"}, NodeValue{true, std::nullopt, ""},
        NodeValue{false, 1700000000123, ""}}) {
    const std::optional<NodeValue> back = decode_node_value(encode_node_value(value));
    ASSERT_TRUE(back);
    EXPECT_EQ(back->dir, value.dir);
    EXPECT_EQ(back->expire_ms, value.expire_ms);
    EXPECT_EQ(back->data, value.data);
  }
  for (const char* foreign : {"", "plain value", "\nx", "x\n", "f@\n", "f@12z\n", "fx\n"}) {
    EXPECT_FALSE(decode_node_value(kv::to_bytes(foreign))) << foreign;
  }
}

TEST(V2KeyspaceTest, FormsDecodeBodyFirstAndRefuseBadEscapes) {
  Request request{boost::beast::http::verb::put, "/v2/keys/a?value=query&ttl=5", 11};
  request.set(boost::beast::http::field::content_type, "application/x-www-form-urlencoded");
  request.body() = "value=a+b%2Fc&flag";
  auto form = Form::parse(request);
  ASSERT_TRUE(form);
  EXPECT_EQ(form->get("value"), "a b/c");
  EXPECT_EQ(form->get("ttl"), "5");
  EXPECT_EQ(form->get("flag"), "");
  EXPECT_FALSE(form->has("missing"));
  request.body() = "value=%4";
  EXPECT_FALSE(Form::parse(request));
  EXPECT_FALSE(percent_decode("%zz", false));
  EXPECT_EQ(percent_decode("a+b", false), "a+b");
}

TEST(V2KeyspaceTest, JsonEscapesAsGoDoes) {
  EXPECT_EQ(json_quote("a\"b\\c\n<&>\x01"), "\"a\\\"b\\\\c\\n\\u003c\\u0026\\u003e\\u0001\"");
  JsonWriter json;
  json.begin_object().key("a").begin_array().value(std::int64_t{1}).value(true).end_array();
  json.key("b").value("x").end_object();
  EXPECT_EQ(json.text(), "{\"a\":[1,true],\"b\":\"x\"}");
}

TEST(V2KeyspaceTest, FormatsTimesAsRfc3339Nano) {
  EXPECT_EQ(rfc3339_nano(0), "1970-01-01T00:00:00Z");
  EXPECT_EQ(rfc3339_nano(1700000000120), "2023-11-14T22:13:20.12Z");
  EXPECT_EQ(rfc3339_nano(951782400001), "2000-02-29T00:00:00.001Z");
}

}  // namespace
}  // namespace keel::real::http
