// AsioHealthProber: keeld's HealthProber (core/discovery/health_prober.h) on the machine's
// io_context, for [X-Service] Check= (unit_file.h):
// - tcp: passes when a TCP connection to ip:port completes (Consul's TCP check);
// - http: sends "GET <path> HTTP/1.0" to ip:port and passes on a 2xx status line (Consul's HTTP
//   check: 2xx passing, anything else failing); the path defaults to "/";
// - exec: runs the command inside the unit's container (real/containers/container_exec.h) and
//   passes on exit code 0 (exec_probe.h); the container is the probe's `container`, looked up
//   in `containers`. A container that has ended, an unknown one, or no `containers` at all fails
//   the check, with a trace event saying why.
// Every probe answers within `timeout` (a check that hangs is a failed check; an exec check's
// processes are killed then, and reaped soon after); `done` runs once, on the loop, never from
// inside probe(). Only IP literals are probed: no name is resolved.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>

#include "core/discovery/health_prober.h"
#include "core/env/clock.h"
#include "real/containers/namespace_containers.h"
#include "real/machine_trace.h"

namespace keel::real {

class AsioHealthProber final : public discovery::HealthProber {
 public:
  static constexpr std::string_view kNoContainers = "exec checks need a container runtime";
  static constexpr std::size_t kMaxStatusLine = 1024;  // bytes read for the HTTP status line

  // `containers` (may be null: exec checks then fail) must outlive the prober. Past
  // `max_exec_running` exec checks not yet reaped, more fail at once (DESIGN.md principle 6).
  AsioHealthProber(boost::asio::io_context& io, MachineTrace trace,
                   const NamespaceContainers* containers,
                   Duration timeout = std::chrono::seconds(2), std::size_t max_exec_running = 64)
      : io_(io),
        trace_(std::move(trace)),
        containers_(containers),
        timeout_(timeout),
        max_exec_running_(max_exec_running) {}

  void probe(const fleet::ServiceRecord& target, ContainerId container, fleet::CheckKind kind,
             std::string_view argument, Done done) override;

  // Exec checks whose processes are not all reaped yet (answered or not).
  std::size_t exec_running() const { return *exec_running_; }

 private:
  void probe_exec(ContainerId container, std::string_view command, Done done);
  void fail_later(std::string_view why, std::string_view detail, Done done);

  boost::asio::io_context& io_;
  const MachineTrace trace_;
  const NamespaceContainers* const containers_;
  const Duration timeout_;
  const std::size_t max_exec_running_;
  std::shared_ptr<std::size_t> exec_running_ = std::make_shared<std::size_t>(0);
};

// The status code of an HTTP status line ("HTTP/1.1 204 No Content"), or 0 when it is not one.
int http_status_code(std::string_view status_line);

}  // namespace keel::real
