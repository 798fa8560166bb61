#include "real/unsupported_containers.h"

#include <boost/asio/post.hpp>

namespace keel::real {

ContainerId UnsupportedContainers::start(const ContainerSpec& spec) {
  const ContainerId id = next_id_++;
  trace_.emit("containers", "start_refused", {{"unit", spec.name}, {"reason", kReason}});
  boost::asio::post(io_, [this, life = std::weak_ptr<const bool>(lifetime_), id] {
    if (life.expired() || !handler_) return;
    handler_(ContainerEvent{
        .kind = ContainerEvent::Kind::kFailedToStart, .id = id, .reason = std::string(kReason)});
  });
  return id;
}

}  // namespace keel::real
