#include "core/node/client_protocol.h"

#include <gtest/gtest.h>

namespace keel::node {
namespace {

template <class T>
T round_trip(const ClientMessage& message) {
  auto decoded = decode_client(encode_client(message));
  EXPECT_TRUE(decoded) << decoded.error().message;
  return std::get<T>(*decoded);
}

TEST(ClientProtocol, EveryMessageRoundTrips) {
  ClientCall call;
  call.id = 9;
  call.mode = ReadMode::kSerializable;
  call.request.client = 4;
  call.request.seq = 2;
  call.request.op.emplace<kv::RangeRequest>().key = kv::to_bytes("k1");
  const auto call_back = round_trip<ClientCall>(call);
  EXPECT_EQ(call_back.id, 9u);
  EXPECT_EQ(call_back.mode, ReadMode::kSerializable);
  EXPECT_EQ(call_back.request, call.request);

  const auto refused = round_trip<ClientAnswer>(ClientAnswer{9, fail(Errc::kNotLeader, "no")});
  ASSERT_FALSE(refused.result);
  EXPECT_EQ(refused.result.error().code, Errc::kNotLeader);

  WatchOpen open{3, kv::WatchRequest{kv::to_bytes("a"), kv::to_bytes("b"), 17, false}};
  EXPECT_EQ(round_trip<WatchOpen>(open).request, open.request);

  WatchData data;
  data.stream = 3;
  data.seq = 12;
  data.response.revision = 40;
  data.response.events.push_back(kv::Event{kv::Event::Type::kDelete, {}, std::nullopt});
  data.response.events.back().kv.key = kv::to_bytes("k");
  data.response.events.back().kv.mod_revision = 40;
  const auto data_back = round_trip<WatchData>(data);
  EXPECT_EQ(data_back.seq, 12u);
  EXPECT_EQ(data_back.response, data.response);

  EXPECT_EQ(round_trip<WatchRenew>(WatchRenew{5}).stream, 5u);
  EXPECT_EQ(round_trip<WatchClose>(WatchClose{6}).stream, 6u);

  const auto keep_alive = round_trip<ClientKeepAlive>(ClientKeepAlive{7, -3});
  EXPECT_EQ(keep_alive.id, 7u);
  EXPECT_EQ(keep_alive.lease, -3);
  const auto renewed = round_trip<ClientKeepAliveAnswer>(ClientKeepAliveAnswer{7, 30});
  EXPECT_EQ(renewed.id, 7u);
  ASSERT_TRUE(renewed.ttl);
  EXPECT_EQ(*renewed.ttl, 30);
  const auto gone = round_trip<ClientKeepAliveAnswer>(
      ClientKeepAliveAnswer{8, fail(Errc::kNotFound, "lease 5 not found")});
  ASSERT_FALSE(gone.ttl);
  EXPECT_EQ(gone.ttl.error().code, Errc::kNotFound);
  EXPECT_EQ(gone.ttl.error().message, "lease 5 not found");
}

TEST(ClientProtocol, TellsClientMessagesFromForwardedOnes) {
  EXPECT_TRUE(is_client_message(encode_client(WatchRenew{1})));
  EXPECT_TRUE(is_client_message(encode_client(ClientKeepAliveAnswer{1, 2})));
  EXPECT_FALSE(is_client_message(Bytes{24}));
  EXPECT_FALSE(is_client_message(encode_forward(ForwardedKeepAlive{1, 2})));
  EXPECT_FALSE(is_client_message({}));
}

TEST(ClientProtocol, RejectsWhatDoesNotDecodeNamingTheField) {
  auto unknown = decode_client(Bytes{99});
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("client.kind"), std::string::npos);

  Bytes truncated = encode_client(WatchData{3, 4, {}});
  truncated.resize(5);
  auto cut = decode_client(truncated);
  ASSERT_FALSE(cut);
  EXPECT_NE(cut.error().message.find("client.stream"), std::string::npos) << cut.error().message;

  Bytes trailing = encode_client(WatchClose{1});
  trailing.push_back(0);
  EXPECT_FALSE(decode_client(trailing));

  Bytes bad_mode = encode_client(ClientCall{1, ReadMode::kLinearizable, {}});
  bad_mode[9] = 7;  // kind, id (8 bytes), then the mode
  auto mode = decode_client(bad_mode);
  ASSERT_FALSE(mode);
  EXPECT_NE(mode.error().message.find("client.mode"), std::string::npos) << mode.error().message;

  Bytes short_lease = encode_client(ClientKeepAlive{1, 2});
  short_lease.resize(12);
  auto lease = decode_client(short_lease);
  ASSERT_FALSE(lease);
  EXPECT_NE(lease.error().message.find("client.lease"), std::string::npos) << lease.error().message;

  Bytes bad_code = encode_client(ClientKeepAliveAnswer{1, fail(Errc::kNotFound, "gone")});
  bad_code[10] = 200;  // kind, id (8 bytes), ok flag, then the error code
  auto code = decode_client(bad_code);
  ASSERT_FALSE(code);
  EXPECT_NE(code.error().message.find("client.error.code"), std::string::npos)
      << code.error().message;

  Bytes no_ttl = encode_client(ClientKeepAliveAnswer{1, 60});
  no_ttl.resize(10);
  auto ttl = decode_client(no_ttl);
  ASSERT_FALSE(ttl);
  EXPECT_NE(ttl.error().message.find("client.ttl"), std::string::npos) << ttl.error().message;
}

}  // namespace
}  // namespace keel::node
