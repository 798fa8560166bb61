// Reading etcd v2 answers (v2_answer.h): etcd 3.4's own JSON, and answers keelctl must refuse.
#include "real/keelctl/v2_answer.h"

#include <gtest/gtest.h>

namespace keel::real::keelctl {
namespace {

TEST(KeelctlV2Answer, AnEventWithANestedListing) {
  // As etcd 3.4 answered GET /v2/keys/?recursive=true&sorted=true.
  auto event = parse_v2_event(
      R"({"action":"get","node":{"dir":true,"nodes":[{"key":"/a","value":"1","modifiedIndex":4,)"
      R"("createdIndex":4},{"key":"/d","dir":true,"nodes":[{"key":"/d/x","value":"2","expiration":)"
      R"("2026-11-27T07:37:28.4Z","ttl":30,"modifiedIndex":5,"createdIndex":5}],"modifiedIndex":5,)"
      R"("createdIndex":5}]}})");
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_EQ(event->action, "get");
  EXPECT_TRUE(event->node.dir);
  EXPECT_EQ(event->node.key, "");
  ASSERT_EQ(event->node.nodes.size(), 2u);
  EXPECT_EQ(event->node.nodes[0].value, "1");
  EXPECT_EQ(event->node.nodes[0].modified_index, 4u);
  const V2Node& x = event->node.nodes[1].nodes.at(0);
  EXPECT_EQ(x.key, "/d/x");
  EXPECT_EQ(x.ttl, 30);
  EXPECT_FALSE(event->prev_node);
}

TEST(KeelctlV2Answer, AnEventWithItsPreviousNode) {
  auto event =
      parse_v2_event(R"({"action":"delete","node":{"key":"/a","modifiedIndex":9,"createdIndex":4},)"
                     R"("prevNode":{"key":"/a","value":"1","modifiedIndex":4,"createdIndex":4}})");
  // etcd writes a deleted file's node without a value.
  ASSERT_TRUE(event) << event.error().message;
  EXPECT_FALSE(event->node.value);
  EXPECT_FALSE(event->node.dir);
  EXPECT_EQ(event->node.modified_index, 9u);
  ASSERT_TRUE(event->prev_node);
  EXPECT_EQ(event->prev_node->value, "1");
  auto with_value = parse_v2_event(
      R"({"action":"set","node":{"key":"/a","value":"","modifiedIndex":9,"createdIndex":9},)"
      R"("prevNode":{"key":"/a","value":"1","modifiedIndex":4,"createdIndex":4}})");
  ASSERT_TRUE(with_value) << with_value.error().message;
  EXPECT_EQ(with_value->node.value, "");
  ASSERT_TRUE(with_value->prev_node);
  EXPECT_EQ(with_value->prev_node->value, "1");
}

TEST(KeelctlV2Answer, ErrorsReadAndPrintAsEtcdctlPrintsThem) {
  auto error =
      parse_v2_error(R"({"errorCode":100,"message":"Key not found","cause":"/nope","index":4})");
  ASSERT_TRUE(error) << error.error().message;
  EXPECT_EQ(error->code, kEtcdKeyNotFound);
  EXPECT_EQ(describe(*error), "100: Key not found (/nope) [4]");
}

TEST(KeelctlV2Answer, MembersAsEtcdListsThem) {
  auto members = parse_v2_members(
      R"({"members":[{"id":"bdae9bbc11dd390d","name":"default","peerURLs":["http://127.0.0.1:23801"],)"
      R"("clientURLs":["http://127.0.0.1:23791","http://10.0.0.1:2379"]}]})");
  ASSERT_TRUE(members) << members.error().message;
  ASSERT_EQ(members->size(), 1u);
  EXPECT_EQ((*members)[0].id, "bdae9bbc11dd390d");
  EXPECT_EQ((*members)[0].name, "default");
  EXPECT_EQ((*members)[0].peer_urls, std::vector<std::string>{"http://127.0.0.1:23801"});
  EXPECT_EQ((*members)[0].client_urls.size(), 2u);
}

TEST(KeelctlV2Answer, RefusesWhatIsNotAnAnswer) {
  for (const std::string_view bad :
       {"", "not json", "{", R"({"node":{"key":"/a","value":"1"}})", R"({"action":"get"})",
        R"({"action":"get","node":"flat"})", R"([1,2])"}) {
    auto event = parse_v2_event(bad);
    ASSERT_FALSE(event) << bad;
    EXPECT_EQ(event.error().code, Errc::kCorrupt);
  }
  EXPECT_FALSE(parse_v2_error(R"({"message":"no code"})"));
  EXPECT_FALSE(parse_v2_error(R"({"errorCode":"abc"})"));
  EXPECT_FALSE(parse_v2_members(R"({"other":[]})"));
}

}  // namespace
}  // namespace keel::real::keelctl
