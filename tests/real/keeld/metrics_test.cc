#include "real/keeld/metrics.h"

#include <gtest/gtest.h>

namespace keel::real::keeld {
namespace {

using std::chrono::microseconds;
using std::chrono::milliseconds;

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.starts_with(line + "\n");
}

TEST(LatencyHistogramTest, BucketsAreCumulativeWithEtcdBounds) {
  LatencyHistogram h;
  h.observe(microseconds(500));         // <= 1 ms
  h.observe(milliseconds(1));           // <= 1 ms (bounds are inclusive)
  h.observe(milliseconds(3));           // <= 4 ms
  h.observe(std::chrono::seconds(20));  // above every bound
  EXPECT_EQ(h.count(), 4u);
  EXPECT_EQ(h.count_at_or_below(0), 2u);
  EXPECT_EQ(h.count_at_or_below(1), 2u);
  EXPECT_EQ(h.count_at_or_below(2), 3u);
  EXPECT_EQ(h.count_at_or_below(LatencyHistogram::kBounds - 1), 3u);
  EXPECT_DOUBLE_EQ(LatencyHistogram::bound_seconds(LatencyHistogram::kBounds - 1), 8.192);
  EXPECT_NEAR(h.sum_seconds(), 20.0045, 1e-9);
}

TEST(MetricsTest, ComposesPrometheusText) {
  MetricsSample s;
  s.machine = "n2";
  s.term = 5;
  s.leader = 3;
  s.commit_index = 40;
  s.applied_index = 39;
  s.proposals = 12;
  s.watchers = 2;
  s.leases = 1;
  s.peer_connections = 4;
  s.dead_peer_closes = 3;
  s.wal_fsync.observe(milliseconds(3));
  const std::string text = compose_metrics(s);
  EXPECT_TRUE(has_line(text, "# HELP keel_raft_term The current Raft term.")) << text;
  EXPECT_TRUE(has_line(text, "# TYPE keel_raft_term gauge"));
  EXPECT_TRUE(has_line(text, "keel_raft_term{machine=\"n2\"} 5"));
  EXPECT_TRUE(has_line(text, "keel_raft_leader{machine=\"n2\"} 3"));
  EXPECT_TRUE(has_line(text, "keel_raft_is_leader{machine=\"n2\"} 0"));
  EXPECT_TRUE(has_line(text, "keel_raft_commit_index{machine=\"n2\"} 40"));
  EXPECT_TRUE(has_line(text, "keel_raft_applied_index{machine=\"n2\"} 39"));
  EXPECT_TRUE(has_line(text, "# TYPE keel_proposals_total counter"));
  EXPECT_TRUE(has_line(text, "keel_proposals_total{machine=\"n2\"} 12"));
  EXPECT_TRUE(has_line(text, "keel_watchers{machine=\"n2\"} 2"));
  EXPECT_TRUE(has_line(text, "keel_leases{machine=\"n2\"} 1"));
  EXPECT_TRUE(has_line(text, "keel_peer_connections{machine=\"n2\"} 4"));
  EXPECT_TRUE(has_line(text, "# TYPE keel_peer_dead_closes_total counter"));
  EXPECT_TRUE(has_line(text, "keel_peer_dead_closes_total{machine=\"n2\"} 3"));
  EXPECT_TRUE(has_line(text, "# TYPE keel_wal_fsync_duration_seconds histogram"));
  EXPECT_TRUE(
      has_line(text, "keel_wal_fsync_duration_seconds_bucket{machine=\"n2\",le=\"0.002\"} 0"));
  EXPECT_TRUE(
      has_line(text, "keel_wal_fsync_duration_seconds_bucket{machine=\"n2\",le=\"0.004\"} 1"));
  EXPECT_TRUE(
      has_line(text, "keel_wal_fsync_duration_seconds_bucket{machine=\"n2\",le=\"+Inf\"} 1"));
  EXPECT_TRUE(has_line(text, "keel_wal_fsync_duration_seconds_sum{machine=\"n2\"} 0.003"));
  EXPECT_TRUE(has_line(text, "keel_wal_fsync_duration_seconds_count{machine=\"n2\"} 1"));
  EXPECT_TRUE(text.ends_with("\n"));
}

TEST(MetricsTest, LabelValuesAreEscaped) {
  MetricsSample s;
  s.machine = "a\"b\\c\nd";
  EXPECT_TRUE(has_line(compose_metrics(s), "keel_raft_term{machine=\"a\\\"b\\\\c\\nd\"} 0"));
}

}  // namespace
}  // namespace keel::real::keeld
