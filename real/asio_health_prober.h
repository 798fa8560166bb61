// AsioHealthProber: keeld's HealthProber (core/discovery/health_prober.h) on the machine's
// io_context, for [X-Service] Check= (unit_file.h):
// - tcp: passes when a TCP connection to ip:port completes (Consul's TCP check);
// - http: sends "GET <path> HTTP/1.0" to ip:port and passes on a 2xx status line (Consul's HTTP
//   check: 2xx passing, anything else failing); the path defaults to "/";
// - exec: not supported yet; it always fails, with a trace event saying so.
// Every probe ends within `timeout` (a check that hangs is a failed check); `done` runs once, on
// the loop, never from inside probe(). Only IP literals are probed: no name is resolved.
#pragma once

#include <boost/asio/io_context.hpp>

#include "core/discovery/health_prober.h"
#include "core/env/clock.h"
#include "real/machine_trace.h"

namespace keel::real {

class AsioHealthProber final : public discovery::HealthProber {
 public:
  static constexpr std::string_view kExecUnsupported = "exec checks are not supported yet";
  static constexpr std::size_t kMaxStatusLine = 1024;  // bytes read for the HTTP status line

  AsioHealthProber(boost::asio::io_context& io, MachineTrace trace,
                   Duration timeout = std::chrono::seconds(2))
      : io_(io), trace_(std::move(trace)), timeout_(timeout) {}

  void probe(const fleet::ServiceRecord& target, fleet::CheckKind kind, std::string_view argument,
             Done done) override;

 private:
  boost::asio::io_context& io_;
  const MachineTrace trace_;
  const Duration timeout_;
};

// The status code of an HTTP status line ("HTTP/1.1 204 No Content"), or 0 when it is not one.
int http_status_code(std::string_view status_line);

}  // namespace keel::real
