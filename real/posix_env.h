// PosixEnv: the Env of a real machine, as keeld assembles it: an AsioClock and a TcpTransport on
// the caller's io_context, a PosixFileSystem under the data directory, a Random seeded from the
// operating system, a StreamTraceSink writing the log, and NamespaceContainers logging each unit's
// output under <data_dir>/logs and finding images under <data_dir>/images. Everything runs on the
// one thread that runs the io_context (DESIGN.md principle 1).
//
// Order of use: create(), hand env() to the program (which sets its receive handler), start()
// to accept connections, run the io_context; stop() before leaving the loop.
#pragma once

#include <boost/asio/io_context.hpp>
#include <map>
#include <memory>
#include <optional>
#include <ostream>
#include <string>

#include "core/env/env.h"
#include "core/env/error.h"
#include "core/env/random.h"
#include "real/asio_clock.h"
#include "real/containers/namespace_containers.h"
#include "real/endpoint.h"
#include "real/machine_trace.h"
#include "real/posix_file_system.h"
#include "real/stream_trace_sink.h"
#include "real/tcp_transport.h"

namespace keel::real {

struct PosixEnvConfig {
  std::string name;                  // the machine's name in the log, e.g. "n1"
  TcpTransportOptions transport;     // our node id, cluster id, listening address and limits
  std::map<NodeId, Endpoint> peers;  // every machine of the cluster; our own entry is skipped
  std::string data_dir;              // created if missing
  TraceFormat log_format = TraceFormat::kText;
};

class PosixEnv {
 public:
  // Fails (naming the problem) when the data directory cannot be made or the listening address
  // cannot be bound. `log` must outlive the PosixEnv.
  static Result<std::unique_ptr<PosixEnv>> create(boost::asio::io_context& io,
                                                  PosixEnvConfig config, std::ostream& log);

  Env& env() { return *env_; }
  AsioClock& clock() { return clock_; }
  TcpTransport& transport() { return *transport_; }
  const NamespaceContainers& containers() const { return containers_; }
  std::uint64_t seed() const { return random_.seed(); }

  void start() { transport_->start(); }
  void stop() { transport_->stop(); }

 private:
  PosixEnv(boost::asio::io_context& io, const PosixEnvConfig& config, std::ostream& log);

  AsioClock clock_;
  StreamTraceSink log_;
  MachineTrace trace_;
  PosixFileSystem fs_;
  NamespaceContainers containers_;
  Random random_;
  std::unique_ptr<TcpTransport> transport_;
  std::optional<Env> env_;  // built once the transport exists
};

// A seed from the operating system's entropy (std::random_device: allowed in real/, never in
// core/, DESIGN.md principle 2).
std::uint64_t seed_from_os();

// Where a machine's units' output logs live, given its data directory (for `keelctl journal`).
std::string container_log_dir(const std::string& data_dir);
// Where its ImageStore lives (for `keelctl image import`); seeded with busybox:latest.
std::string container_image_dir(const std::string& data_dir);

}  // namespace keel::real
