#include "real/support/proxy_mesh.h"

#include <boost/asio/post.hpp>
#include <future>
#include <set>
#include <vector>

namespace keel::real::testing {

ProxyMesh::ProxyMesh(KeeldCluster& cluster) : work_(io_.get_executor()) {
  // The cluster chose its members' ports but they bind them only when started, so the kernel may
  // hand one of them to a proxy: such a proxy is kept aside (holding that port, so the next one
  // gets another) and dropped at the end.
  std::set<std::uint16_t> members_ports;
  for (int k = 1; k <= cluster.size(); ++k) {
    members_ports.insert(cluster.peer_port(k));
    members_ports.insert(cluster.client_port(k));
  }
  std::vector<std::unique_ptr<FaultProxy>> set_aside;
  // The proxies are made before the thread starts, so nothing runs on io_ yet.
  for (int from = 1; from <= cluster.size(); ++from) {
    for (int to = 1; to <= cluster.size(); ++to) {
      if (from == to) continue;
      auto proxy = std::make_unique<FaultProxy>(io_, cluster.peer_port(to));
      while (members_ports.contains(proxy->port())) {
        set_aside.push_back(std::move(proxy));
        proxy = std::make_unique<FaultProxy>(io_, cluster.peer_port(to));
      }
      cluster.route(from, to, proxy->port());
      proxies_.emplace(std::pair(from, to), std::move(proxy));
    }
  }
  set_aside.clear();
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
