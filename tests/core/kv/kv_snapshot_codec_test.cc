// Snapshots round-trip byte for byte; the codec round-trips and refuses bad input by field.
#include <gtest/gtest.h>

#include "core/kv/kv_codec.h"
#include "core/kv/kv_test_util.h"
#include "core/kv/store.h"

namespace keel::kv {
namespace {

using test::b;
using test::del_req;
using test::get_req;
using test::put_req;
using test::StoreHarness;

void fill(StoreHarness& h) {
  const LeaseId lease = h.ok<LeaseGrantResponse>(LeaseGrantRequest{30, 0}).id;
  ASSERT_TRUE(h.apply(LeaseGrantRequest{60, 0}));
  for (int i = 0; i < 30; ++i) {
    h.now_ms += 10;
    ASSERT_TRUE(h.apply(put_req(str("k", i % 11), str("v", i), i % 3 == 0 ? lease : 0),
                        static_cast<std::uint64_t>(1 + i % 4),
                        static_cast<std::uint64_t>(1 + i / 4)));
  }
  ASSERT_TRUE(h.apply(del_req("k3")));
  ASSERT_TRUE(h.apply(get_req("k1"), 9, 1));
  TxnRequest txn;
  txn.success = {put_req("t", "1"), get_req("k", "l")};
  ASSERT_TRUE(h.apply(txn, 10, 1));
}

TEST(KvSnapshot, RoundTripIsByteIdentical) {
  StoreHarness h;
  fill(h);
  const Bytes snapshot = h.store.snapshot();
  Store restored;
  ASSERT_TRUE(restored.restore(snapshot));
  EXPECT_EQ(restored.snapshot(), snapshot);
  EXPECT_EQ(restored.revision(), h.store.revision());
  EXPECT_EQ(restored.range(get_req("k", "l")).value(), h.store.range(get_req("k", "l")).value());
  EXPECT_EQ(restored.range(get_req("k", "l", 10)).value(),
            h.store.range(get_req("k", "l", 10)).value());
  EXPECT_EQ(restored.lease_time_to_live({1, true}).value(),
            h.store.lease_time_to_live({1, true}).value());
  // The restored store goes on exactly like the original, retries included.
  Result<Response> a = h.store.apply(Request{10, 1, TxnRequest{}}, 100, 1000);
  Result<Response> c = restored.apply(Request{10, 1, TxnRequest{}}, 100, 1000);
  ASSERT_TRUE(a && c);
  EXPECT_EQ(*a, *c);
  EXPECT_EQ(h.store.apply(Request{0, 0, put_req("z", "z")}, 101, 1000).value(),
            restored.apply(Request{0, 0, put_req("z", "z")}, 101, 1000).value());
  EXPECT_EQ(restored.snapshot(), h.store.snapshot());
}

TEST(KvSnapshot, RoundTripAfterCompaction) {
  StoreHarness h;
  fill(h);
  ASSERT_TRUE(h.apply(CompactRequest{h.store.revision() - 5}));
  const Bytes snapshot = h.store.snapshot();
  Store restored;
  ASSERT_TRUE(restored.restore(snapshot));
  EXPECT_EQ(restored.snapshot(), snapshot);
  EXPECT_EQ(restored.compact_revision(), h.store.compact_revision());
  std::vector<Event> a, c;
  ASSERT_TRUE(h.store.events(h.store.compact_revision(), h.store.revision(), 100, a));
  ASSERT_TRUE(restored.events(h.store.compact_revision(), h.store.revision(), 100, c));
  EXPECT_EQ(a, c);
}

TEST(KvSnapshot, CorruptSnapshotsAreRefusedAndChangeNothing) {
  StoreHarness h;
  fill(h);
  const Bytes snapshot = h.store.snapshot();
  Store target;
  ASSERT_TRUE(target.apply(Request{0, 0, put_req("keep", "me")}, 1, 0));
  const Bytes before = target.snapshot();
  for (std::size_t cut = 0; cut < snapshot.size(); cut += 7) {
    Bytes truncated(snapshot.begin(), snapshot.begin() + static_cast<std::ptrdiff_t>(cut));
    EXPECT_FALSE(target.restore(truncated)) << cut;
  }
  for (std::size_t i = 4; i < snapshot.size(); i += 3) {
    Bytes flipped = snapshot;
    flipped[i] ^= 0x5a;
    (void)target.restore(flipped);  // may decode into another valid state; must not crash
  }
  ASSERT_TRUE(target.restore(before));
  EXPECT_EQ(target.snapshot(), before);
}

TEST(KvCodec, RequestsAndResponsesRoundTrip) {
  StoreHarness h;
  TxnRequest txn;
  txn.compare = {test::cmp(Compare::Target::kMod, Compare::Op::kLess, "a", -3)};
  txn.success = {put_req("a", "1", 5), get_req("a", "b", 7), del_req("c", "d")};
  txn.failure = {put_req("x", "")};
  Batch batch{12345,
              {Request{1, 2, txn}, Request{3, 4, LeaseGrantRequest{10, 0}},
               Request{0, 0, CompactRequest{9}}, Request{5, 6, LeaseLeasesRequest{}}}};
  const Bytes encoded = encode_to_bytes(batch);
  EXPECT_EQ(decode<Batch>(encoded, "batch").value(), batch);

  Response response{7, TxnResponse{true,
                                   {RangeResponse{{KeyValue{b("a"), b("1"), 2, 3, 1, 0}}, true, 4},
                                    PutResponse{KeyValue{b("p"), b("q"), 1, 1, 1, 9}},
                                    DeleteRangeResponse{1, {}}}}};
  Result<Response> ok = response;
  EXPECT_TRUE(test::same(decode<Result<Response>>(encode_to_bytes(ok), "response").value(), ok));
  Result<Response> err = std::unexpected(Error{Errc::kNotFound, "requested lease not found: 5"});
  Result<Response> back = decode<Result<Response>>(encode_to_bytes(err), "response").value();
  ASSERT_FALSE(back);
  EXPECT_EQ(back.error().code, Errc::kNotFound);
  EXPECT_EQ(back.error().message, err.error().message);

  WatchResponse watch{3,
                      9,
                      {Event{Event::Type::kDelete, KeyValue{b("k"), {}, 0, 9, 0, 0},
                             KeyValue{b("k"), b("v"), 2, 8, 3, 0}}},
                      false,
                      "",
                      0};
  EXPECT_EQ(decode<WatchResponse>(encode_to_bytes(watch), "watch").value(), watch);
  WatchRequest watch_request{b("a"), b("b"), 5, true};
  EXPECT_EQ(decode<WatchRequest>(encode_to_bytes(watch_request), "watch").value(), watch_request);
}

TEST(KvCodec, BadInputFailsNamingTheField) {
  Request request{1, 1, put_req(std::string(kMaxKeyBytes + 1, 'k'), "v")};
  Result<Request> r = decode<Request>(encode_to_bytes(request), "request");
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::kLimitExceeded);
  EXPECT_NE(r.error().message.find("PutRequest.key"), std::string::npos);
  Bytes unknown_kind = encode_to_bytes(Request{1, 1, CompactRequest{3}});
  unknown_kind[2] = 200;
  r = decode<Request>(unknown_kind, "request");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("Request.kind"), std::string::npos);
  const Bytes good = encode_to_bytes(Request{1, 1, put_req("k", "v")});
  for (std::size_t cut = 0; cut < good.size(); ++cut) {
    EXPECT_FALSE(decode<Request>(ByteView(good.data(), cut), "request")) << cut;
  }
  Bytes trailing = good;
  trailing.push_back(0);
  EXPECT_FALSE(decode<Request>(trailing, "request"));
  TxnRequest txn;
  for (std::size_t i = 0; i <= kMaxTxnOps; ++i) txn.success.emplace_back(del_req("k"));
  r = decode<Request>(encode_to_bytes(Request{1, 1, txn}), "request");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message.find("TxnRequest.success"), std::string::npos);
}

}  // namespace
}  // namespace keel::kv
