#include "real/liveness_check.h"

#include <gtest/gtest.h>

namespace keel::real {
namespace {

using std::chrono::milliseconds;
using Verdict = LivenessCheck::Verdict;

const LivenessCheck::TimePoint kStart = LivenessCheck::TimePoint{} + std::chrono::hours(1);

LivenessCheck::TimePoint at(int ms) { return kStart + milliseconds(ms); }

TEST(LivenessCheckTest, ASilentPeerIsDeadAtTheTimeoutNotBefore) {
  LivenessCheck check(milliseconds(500));
  check.reset(at(0));
  EXPECT_NE(check.tick(at(100), false), Verdict::kDead);
  EXPECT_NE(check.tick(at(499), false), Verdict::kDead);
  EXPECT_EQ(check.tick(at(500), false), Verdict::kDead);
}

TEST(LivenessCheckTest, HearingFromThePeerPostponesDeath) {
  LivenessCheck check(milliseconds(500));
  check.reset(at(0));
  check.heard(at(400));
  EXPECT_NE(check.tick(at(800), false), Verdict::kDead);
  EXPECT_EQ(check.tick(at(900), false), Verdict::kDead);
  // A write in flight proves nothing about the peer.
  EXPECT_EQ(check.tick(at(901), true), Verdict::kDead);
}

TEST(LivenessCheckTest, AKeepaliveGoesOutOnlyWhenNoFrameDidSinceTheLastTick) {
  LivenessCheck check(milliseconds(500));
  check.reset(at(0));
  EXPECT_EQ(check.tick(at(100), false), Verdict::kAlive) << "the handshake just went out";
  EXPECT_EQ(check.tick(at(200), false), Verdict::kSendKeepalive);
  check.heard(at(250));
  check.wrote();
  EXPECT_EQ(check.tick(at(300), false), Verdict::kAlive);
  EXPECT_EQ(check.tick(at(400), true), Verdict::kAlive) << "a write is in flight";
  EXPECT_EQ(check.tick(at(500), false), Verdict::kSendKeepalive);
  EXPECT_EQ(check.tick(at(600), false), Verdict::kSendKeepalive) << "every quiet tick";
}

}  // namespace
}  // namespace keel::real
