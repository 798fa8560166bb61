#include "core/client/stream_order.h"

#include <gtest/gtest.h>

#include <vector>

namespace keel::client {
namespace {

kv::WatchResponse at(kv::Revision revision) {
  kv::WatchResponse response;
  response.revision = revision;
  return response;
}

// Everything next() gives now, as revisions.
std::vector<kv::Revision> drain(StreamOrder& order) {
  std::vector<kv::Revision> out;
  while (auto next = order.next()) {
    EXPECT_EQ(next->response.revision, static_cast<kv::Revision>(next->seq) * 10);
    out.push_back(next->response.revision);
  }
  return out;
}

TEST(StreamOrder, DeliversInSeqOrderHoldingWhatComesEarly) {
  StreamOrder order;
  EXPECT_TRUE(order.add(1, at(10)));
  EXPECT_TRUE(order.add(2, at(20)));
  EXPECT_TRUE(drain(order).empty());  // seq 0 is missing
  EXPECT_EQ(order.held(), 2u);
  EXPECT_TRUE(order.add(0, at(0)));
  EXPECT_EQ(drain(order), (std::vector<kv::Revision>{0, 10, 20}));
  EXPECT_EQ(order.held(), 0u);
}

TEST(StreamOrder, RefusesWhatWasDeliveredAndKeepsOneCopyOfWhatIsHeld) {
  StreamOrder order;
  ASSERT_TRUE(order.add(0, at(0)));
  ASSERT_EQ(drain(order).size(), 1u);
  EXPECT_FALSE(order.add(0, at(0)));
  EXPECT_TRUE(order.add(2, at(20)));
  EXPECT_TRUE(order.add(2, at(20)));
  EXPECT_EQ(order.held(), 1u);
  ASSERT_TRUE(order.add(1, at(10)));
  EXPECT_EQ(drain(order), (std::vector<kv::Revision>{10, 20}));
}

TEST(StreamOrder, ARestartForgetsTheOldStream) {
  StreamOrder order;
  ASSERT_TRUE(order.add(0, at(0)));
  ASSERT_TRUE(order.add(3, at(30)));
  ASSERT_EQ(drain(order).size(), 1u);
  order.restart();
  EXPECT_EQ(order.held(), 0u);
  EXPECT_TRUE(order.add(0, at(0)));  // seq 0 again: the new stream's first
  EXPECT_EQ(drain(order), (std::vector<kv::Revision>{0}));
}

}  // namespace
}  // namespace keel::client
