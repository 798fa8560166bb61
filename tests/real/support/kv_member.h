// Test helper: a one-member Keel cluster in-process (a PosixEnv on a temporary directory and a
// KvService, on the test's io_context), elected leader before the constructor returns, with an
// ApiServer on 127.0.0.1: on the options' port, or a free one if they keep etcd's default 2379.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <sstream>
#include <string>

#include "core/node/kv_service.h"
#include "real/http/api_server.h"
#include "real/http/kv_backend.h"
#include "real/posix_env.h"

namespace keel::real::testing {

class KvMember {
 public:
  // Fails the test (ADD_FAILURE) if the member cannot start or is not leader within 5 s.
  explicit KvMember(boost::asio::io_context& io, http::ApiServerOptions options = {});
  ~KvMember();

  std::uint16_t port() const { return api->port(); }
  bool ready() const { return api != nullptr; }

  std::string dir;
  std::ostringstream log;
  std::unique_ptr<PosixEnv> env;
  std::unique_ptr<node::KvService> service;
  std::unique_ptr<http::KvServiceBackend> backend;
  std::unique_ptr<http::ApiServer> api;
};

}  // namespace keel::real::testing
