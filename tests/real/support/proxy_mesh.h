// ProxyMesh: a FaultProxy (fault_proxy.h) on every directed link between the members of a
// KeeldCluster, so that a test can partition real keeld processes. Member k reaches member j
// through proxy (k, j), which carries what k sends to j (the transport dials one connection per
// peer and sends only on it, real/tcp_transport.h). The proxies run on a thread of their own, so
// the test's thread is free to wait on the members' logs; every call below is carried out on that
// thread, and has been when it returns.
#pragma once

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <functional>
#include <map>
#include <memory>
#include <thread>
#include <utility>

#include "real/support/fault_proxy.h"
#include "real/support/keeld_cluster.h"

namespace keel::real::testing {

class ProxyMesh {
 public:
  // Routes every member of `cluster` to every other through a new proxy; members started from
  // now on use them (start the members after this).
  explicit ProxyMesh(KeeldCluster& cluster);
  ~ProxyMesh();
  ProxyMesh(const ProxyMesh&) = delete;
  ProxyMesh& operator=(const ProxyMesh&) = delete;

  // Blackholes every link to and from member k (FaultProxy::blackhole): it hears nothing and is
  // heard by no one, while every socket stays open, as behind a switch that drops its packets.
  void isolate(int k);
  // Restores every link (FaultProxy::restore).
  void heal();

 private:
  // Runs `action` on the proxies' thread and waits for it.
  void on_proxy_thread(const std::function<void()>& action);

  boost::asio::io_context io_;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> work_;
  std::map<std::pair<int, int>, std::unique_ptr<FaultProxy>> proxies_;  // (from, to)
  std::thread thread_;
};

}  // namespace keel::real::testing
