#include "real/support/proxy_mesh.h"

#include <boost/asio/post.hpp>
#include <future>

namespace keel::real::testing {

ProxyMesh::ProxyMesh(KeeldCluster& cluster) : work_(io_.get_executor()) {
  // The proxies are made before the thread starts, so nothing runs on io_ yet.
  for (int from = 1; from <= cluster.size(); ++from) {
    for (int to = 1; to <= cluster.size(); ++to) {
      if (from == to) continue;
      auto proxy = std::make_unique<FaultProxy>(io_, cluster.peer_port(to));
      cluster.route(from, to, proxy->port());
      proxies_.emplace(std::pair(from, to), std::move(proxy));
    }
  }
  thread_ = std::thread([this] { io_.run(); });
}

ProxyMesh::~ProxyMesh() {
  on_proxy_thread([this] { proxies_.clear(); });
  work_.reset();
  io_.stop();
  thread_.join();
}

void ProxyMesh::isolate(int k) {
  on_proxy_thread([&] {
    for (auto& [link, proxy] : proxies_) {
      if (link.first == k || link.second == k) proxy->blackhole();
    }
  });
}

void ProxyMesh::heal() {
  on_proxy_thread([&] {
    for (auto& [link, proxy] : proxies_) proxy->restore();
  });
}

void ProxyMesh::on_proxy_thread(const std::function<void()>& action) {
  std::promise<void> done;
  boost::asio::post(io_, [&] {
    action();
    done.set_value();
  });
  done.get_future().wait();
}

}  // namespace keel::real::testing
