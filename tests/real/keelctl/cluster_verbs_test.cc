// Reading leadership from a member's /metrics (cluster_verbs.h), as etcd 3.4 and keeld write it.
#include "real/keelctl/cluster_verbs.h"

#include <gtest/gtest.h>

namespace keel::real::keelctl {
namespace {

TEST(KeelctlLeaderMetrics, EtcdAndKeeldSamples) {
  EXPECT_EQ(leads_by_metrics("# HELP etcd_server_is_leader Whether...\n"
                             "# TYPE etcd_server_is_leader gauge\n"
                             "etcd_server_is_leader 1\n"),
            true);
  EXPECT_EQ(leads_by_metrics("etcd_server_has_leader 1\netcd_server_is_leader 0\n"), false);
  EXPECT_EQ(leads_by_metrics("keel_raft_leader{machine=\"n2\"} 2\n"
                             "keel_raft_is_leader{machine=\"n2\"} 1\n"),
            true);
  EXPECT_EQ(leads_by_metrics("keel_raft_is_leader{machine=\"n1\"} 0"), false);
}

TEST(KeelctlLeaderMetrics, NoSampleIsNoAnswer) {
  EXPECT_EQ(leads_by_metrics(""), std::nullopt);
  EXPECT_EQ(leads_by_metrics("# etcd_server_is_leader 1\n"), std::nullopt);
  EXPECT_EQ(leads_by_metrics("etcd_server_is_leader_total 1\nkeel_raft_is_leaderx 1\n"),
            std::nullopt);
}

}  // namespace
}  // namespace keel::real::keelctl
