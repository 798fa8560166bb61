// EtcdServer: a real one-member etcd (Debian's etcd-server, 3.4) with the v2 API enabled, on free
// loopback ports in a temporary directory, for tests that compare Keel with etcd or that need an
// etcd v2 server to talk to. Tests call EtcdServer::start() and GTEST_SKIP when it gives nothing
// (no etcd binary here, or it did not become healthy within its bound): the reason says which.
#pragma once

#include <memory>
#include <string>

#include "core/env/error.h"
#include "real/support/subprocess.h"
#include "real/support/temp_dir.h"

namespace keel::real::testing {

class EtcdServer {
 public:
  static Result<std::unique_ptr<EtcdServer>> start();

  const std::string& client_url() const { return client_url_; }  // "http://127.0.0.1:P"
  std::string log() const;

 private:
  EtcdServer() = default;

  TempDir dir_;
  std::string client_url_;
  std::unique_ptr<Subprocess> process_;
};

}  // namespace keel::real::testing
