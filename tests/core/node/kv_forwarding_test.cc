#include "core/node/kv_forwarding.h"

#include <gtest/gtest.h>

#include "core/env/random.h"

namespace keel::node {
namespace {

TEST(KvForwarding, RequestsAndResponsesRoundTrip) {
  ForwardedRequest request;
  request.id = 77;
  request.mode = ReadMode::kSerializable;
  request.request.client = 5;
  request.request.seq = 9;
  auto& put = request.request.op.emplace<kv::PutRequest>();
  put.key = kv::to_bytes("k");
  put.value = kv::to_bytes("v");
  auto decoded = decode_forward(encode_forward(request));
  ASSERT_TRUE(decoded) << decoded.error().message;
  const auto& back = std::get<ForwardedRequest>(*decoded);
  EXPECT_EQ(back.id, 77u);
  EXPECT_EQ(back.mode, ReadMode::kSerializable);
  EXPECT_EQ(back.request, request.request);

  ForwardedResponse response{78, fail(Errc::kNotLeader, "not the leader; the leader is n2")};
  auto answer = decode_forward(encode_forward(response));
  ASSERT_TRUE(answer) << answer.error().message;
  const auto& result = std::get<ForwardedResponse>(*answer).result;
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, Errc::kNotLeader);
  EXPECT_EQ(result.error().message, "not the leader; the leader is n2");
}

TEST(KvForwarding, KeepAlivesRoundTrip) {
  auto asked = decode_forward(encode_forward(ForwardedKeepAlive{3, 41}));
  ASSERT_TRUE(asked) << asked.error().message;
  EXPECT_EQ(std::get<ForwardedKeepAlive>(*asked).lease, 41);
  auto renewed = decode_forward(encode_forward(ForwardedKeepAliveResponse{3, 7}));
  ASSERT_TRUE(renewed) << renewed.error().message;
  EXPECT_EQ(std::get<ForwardedKeepAliveResponse>(*renewed).ttl, 7);
  auto refused = decode_forward(encode_forward(
      ForwardedKeepAliveResponse{4, fail(Errc::kNotFound, "requested lease not found: 9")}));
  ASSERT_TRUE(refused) << refused.error().message;
  const auto& ttl = std::get<ForwardedKeepAliveResponse>(*refused).ttl;
  ASSERT_FALSE(ttl);
  EXPECT_EQ(ttl.error().code, Errc::kNotFound);
  EXPECT_EQ(ttl.error().message, "requested lease not found: 9");
  Bytes bad = encode_forward(ForwardedKeepAliveResponse{4, fail(Errc::kNotFound, "x")});
  bad[10] = 200;  // the error code
  EXPECT_NE(decode_forward(bad).error().message.find("forward.error.code"), std::string::npos);
}

TEST(KvForwarding, GarbageIsRefusedNamingTheField) {
  EXPECT_NE(decode_forward(Bytes{9}).error().message.find("forward.kind"), std::string::npos);
  EXPECT_FALSE(decode_forward(Bytes{}));
  ForwardedRequest request;
  request.request.op.emplace<kv::RangeRequest>().key = kv::to_bytes("k");
  Bytes bytes = encode_forward(request);
  bytes[9] = 7;  // the read mode
  EXPECT_NE(decode_forward(bytes).error().message.find("forward.mode"), std::string::npos);
  bytes = encode_forward(request);
  bytes.push_back(0);
  EXPECT_FALSE(decode_forward(bytes));
  Random random(3);
  for (int i = 0; i < 2000; ++i) {
    Bytes garbage(random.below(64));
    for (auto& b : garbage) b = static_cast<std::uint8_t>(random.next());
    (void)decode_forward(garbage);  // must not crash
  }
}

}  // namespace
}  // namespace keel::node
