// The state file of a local cluster, DIR/cluster.state, written by `keelctl cluster up` and read
// by `keelctl cluster down`: one line per keeld process it started,
//   NAME ROLE PID PEER CLIENT_URL        e.g. "n1 member 4242 127.0.0.1:40001
//   http://127.0.0.1:40002"
// after a first line "# keelctl local cluster v1". Each machine's data dir is DIR/NAME.keeld and
// its log (JSON lines) DIR/NAME.log.
//
// Contract: parse_cluster_state never throws or asserts on input; a file that is not such a
// state file is a kCorrupt Error naming the line.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/error.h"

namespace keel::real::keelctl {

inline constexpr std::string_view kClusterStateFile = "cluster.state";

struct LocalMachine {
  std::string name;  // "n1"
  std::string role;  // "member" or "worker"
  pid_t pid = 0;
  std::string peer;        // "127.0.0.1:40001"
  std::string client_url;  // "http://127.0.0.1:40002"

  friend bool operator==(const LocalMachine&, const LocalMachine&) = default;
};

std::string format_cluster_state(const std::vector<LocalMachine>& machines);
Result<std::vector<LocalMachine>> parse_cluster_state(std::string_view text);

}  // namespace keel::real::keelctl
