// UnsupportedContainers: the Containers keeld has until namespace containers land. Every start()
// fails, with the reason saying so; the failure arrives as an event on the loop like any other
// (core/env/containers.h: never from inside start()).
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>

#include "core/env/containers.h"
#include "real/machine_trace.h"

namespace keel::real {

class UnsupportedContainers final : public Containers {
 public:
  static constexpr std::string_view kReason =
      "containers are not supported yet by keeld (namespace containers are not implemented)";

  UnsupportedContainers(boost::asio::io_context& io, const MachineTrace& trace)
      : io_(io), trace_(trace) {}

  ContainerId start(const ContainerSpec& spec) override;
  // Every container has already ended (it never started): nothing to do.
  void stop(ContainerId, Duration) override {}
  void set_event_handler(EventHandler handler) override { handler_ = std::move(handler); }

 private:
  boost::asio::io_context& io_;
  const MachineTrace& trace_;
  EventHandler handler_;
  ContainerId next_id_ = 1;
  // Posted events hold a weak copy: expired means the stub is gone.
  std::shared_ptr<const bool> lifetime_ = std::make_shared<const bool>(true);
};

}  // namespace keel::real
