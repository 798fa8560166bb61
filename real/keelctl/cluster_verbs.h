// The cluster verbs: what the members are, which one leads, and whether each is healthy. They
// read /v2/members from the endpoints (etcd's member list, which keeld serves too), then ask each
// member at its first client URL:
//   cluster members   a table ID, NAME, PEER URLS, CLIENT URLS, in the order the cluster lists them
//   cluster leader    the leader as a one-row table ID, NAME, CLIENT URLS; a member leads when its
//                     /metrics says so (etcd's etcd_server_is_leader, keeld's keel_raft_is_leader)
//   cluster health    a table MEMBER, ENDPOINT, HEALTH from each member's /health, then "cluster
//                     is healthy", "degraded" (exit 1) or "unavailable" (exit 1), as etcdctl
//                     cluster-health says it
#pragma once

#include <optional>
#include <string_view>
#include <vector>

#include "real/keelctl/verb.h"

namespace keel::real::keelctl {

std::vector<Verb> cluster_verbs();

// Whether a Prometheus text exposition says this member leads: the value of the first sample of
// etcd_server_is_leader or keel_raft_is_leader (labels allowed); nullopt if there is none.
std::optional<bool> leads_by_metrics(std::string_view metrics);

}  // namespace keel::real::keelctl
