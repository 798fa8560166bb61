#include "real/http/http_server.h"

#include <boost/asio/ip/address.hpp>

#include "core/env/str.h"

namespace keel::real::http {

namespace asio = boost::asio;
using asio::ip::tcp;

HttpServer::HttpServer(asio::io_context& io, Endpoint listen, HttpLimits limits)
    : io_(io),
      listen_(std::move(listen)),
      context_(std::make_shared<ConnectionContext>()),
      acceptor_(io) {
  context_->limits = limits;
}

HttpServer::~HttpServer() { stop(); }

Status HttpServer::start() {
  if (Status valid = check_endpoint(listen_); !valid) return valid;
  boost::system::error_code error;
  const tcp::endpoint endpoint(asio::ip::make_address(listen_.address, error), listen_.port);
  if (!error) acceptor_.open(endpoint.protocol(), error);
  if (!error) acceptor_.set_option(asio::socket_base::reuse_address(true), error);
  if (!error) acceptor_.bind(endpoint, error);
  if (!error) acceptor_.listen(asio::socket_base::max_listen_connections, error);
  if (error) {
    acceptor_.close(error);
    return fail(Errc::kIo,
                str("http: cannot listen on ", to_string(listen_), ": ", error.message()));
  }
  port_ = acceptor_.local_endpoint().port();
  context_->router = &router_;
  running_ = true;
  accept();
  return {};
}

void HttpServer::stop() {
  if (!running_) return;
  running_ = false;
  context_->router = nullptr;
  boost::system::error_code ignored;
  acceptor_.close(ignored);
  std::map<std::uint64_t, std::weak_ptr<HttpConnection>> open = std::move(connections_);
  connections_.clear();
  for (auto& [id, weak] : open) {
    if (const std::shared_ptr<HttpConnection> connection = weak.lock()) connection->close();
  }
}

HttpServerStats HttpServer::stats() const {
  return HttpServerStats{context_->connections, context_->in_flight, context_->requests,
                         context_->rejected};
}

void HttpServer::accept() {
  acceptor_.async_accept(
      [this, context = context_](boost::system::error_code error, tcp::socket socket) {
        if (context->router == nullptr) return;  // stopped: `this` may be gone
        if (!error) {
          if (context->connections >= context->limits.max_connections) {
            ++context->rejected;
            boost::system::error_code ignored;
            socket.close(ignored);
          } else {
            for (auto it = connections_.begin(); it != connections_.end();) {
              it = it->second.expired() ? connections_.erase(it) : std::next(it);
            }
            auto connection = std::make_shared<HttpConnection>(std::move(socket), context);
            connections_.emplace(next_connection_++, connection);
            connection->start();
          }
        }
        accept();
      });
}

}  // namespace keel::real::http
