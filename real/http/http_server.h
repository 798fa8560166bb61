// HttpServer: an HTTP/1.1 server on Boost.Beast, on the caller's io_context (the machine's one
// loop, DESIGN.md principle 1): it accepts connections up to the limit and serves each request
// through a Router, whose handlers therefore run on the loop thread and may call the core.
//
// Order of use: build, add routes to router(), start() (binds; port() then tells the bound port,
// useful with port 0), run the io_context, stop() before destroying. stop() closes the listener
// and every connection, aborting the requests in flight.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <map>
#include <memory>

#include "core/env/error.h"
#include "real/endpoint.h"
#include "real/http/http_connection.h"
#include "real/http/http_limits.h"
#include "real/http/router.h"

namespace keel::real::http {

struct HttpServerStats {
  std::size_t connections = 0;  // open now
  std::size_t in_flight = 0;    // requests being handled now
  std::uint64_t requests = 0;
  std::uint64_t rejected = 0;  // malformed, oversized, or past a limit
};

class HttpServer {
 public:
  HttpServer(boost::asio::io_context& io, Endpoint listen, HttpLimits limits = {});
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  Router& router() { return router_; }
  // Binds and starts accepting; fails (kIo, naming the address) if the address cannot be bound.
  Status start();
  void stop();
  std::uint16_t port() const { return port_; }
  HttpServerStats stats() const;

 private:
  void accept();

  boost::asio::io_context& io_;
  Endpoint listen_;
  Router router_;
  std::shared_ptr<ConnectionContext> context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::uint64_t next_connection_ = 1;
  std::map<std::uint64_t, std::weak_ptr<HttpConnection>> connections_;
  std::uint16_t port_ = 0;
  bool running_ = false;
};

}  // namespace keel::real::http
