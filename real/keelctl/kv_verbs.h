// The key-value verbs, over etcd's v2 keys API (v2_keys.h); their output follows etcdctl's v2
// commands where keelctl has no fleetctl model:
//   get KEY                  the value alone, one line (etcdctl get)
//   put KEY VALUE [--ttl S]  the value set (etcdctl set); with --ttl the key expires after S s
//   del KEY [--prefix]       nothing; --prefix deletes the directory KEY and all below it
//   ls [DIR] [--recursive]   one key per line, sorted, directories ending in '/' (etcdctl ls -p)
//   watch KEY [--prefix] [--once]
//                            one line per change, "ACTION KEY [VALUE]", until interrupted or,
//                            with --once, after the first; --prefix watches below KEY too
// A watch is a chain of long polls, each asking for the index after the last change it printed
// (waitIndex), so no change between two polls is lost; if etcd has already dropped that index from
// its history (error 401), the watch says so on stderr and resumes from the current index.
#pragma once

#include <vector>

#include "real/keelctl/verb.h"

namespace keel::real::keelctl {

std::vector<Verb> kv_verbs();

}  // namespace keel::real::keelctl
