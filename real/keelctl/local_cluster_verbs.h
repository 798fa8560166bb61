// A cluster on this machine in one command, for trying Keel out and for tests:
//
//   cluster up --members N [--workers N] --dir DIR [--keeld PATH] [--wait S]
//     starts N member keelds (and the workers) on free loopback peer and client ports, each with
//     its data dir DIR/<name>.keeld and JSON log DIR/<name>.log, detached from the terminal
//     (their own session), records them in DIR/cluster.state (local_cluster_state.h), and waits
//     at most S seconds (default 20) until every member names the same leader in its log (the
//     raft.role events). Then it prints a table NAME, ROLE, PID, PEER, CLIENT and the endpoints.
//     If a keeld exits or no leader is agreed in time, it kills all it started, removes the state
//     file, and fails naming the machine or the bound (the logs stay in DIR).
//   cluster down --dir DIR [--wait S]
//     sends SIGTERM to each keeld of DIR/cluster.state that still runs, SIGKILL to those still
//     running after S seconds (default 10), prints what became of each and removes the state
//     file; data dirs and logs stay. A pid is signalled only while /proc says it runs keeld, so a
//     reused pid is left alone.
//
// keeld is looked for next to the keelctl executable unless --keeld says where.
#pragma once

#include <vector>

#include "real/keelctl/verb.h"

namespace keel::real::keelctl {

std::vector<Verb> local_cluster_verbs();

}  // namespace keel::real::keelctl
