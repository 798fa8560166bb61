// HttpConnection: one accepted HTTP/1.1 connection, served on the io_context thread: read a
// request (within the limits and the read deadline), hand it to the router as an Exchange, write
// the answer, and go on with the next request while the client keeps the connection alive.
//
// Malformed input never crashes the server: a request Beast cannot parse gets 400, an oversized
// header 431, an oversized body 413, then the connection is closed; a client that stops half way
// is cut at the read deadline. A client that asks for "Expect: 100-continue" (curl, for bodies
// over 1 KiB) is told to continue once its header passed the limits. While a request is being
// handled (a long poll), the connection watches for the client hanging up and aborts the exchange
// if it does.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>

#include "real/http/exchange.h"
#include "real/http/http_limits.h"
#include "real/http/router.h"

namespace keel::real::http {

// What the connections of one server share; it outlives the server while connections remain.
struct ConnectionContext {
  HttpLimits limits;
  const Router* router = nullptr;  // null once the server stopped
  std::size_t in_flight = 0;
  std::size_t connections = 0;
  std::uint64_t requests = 0;
  std::uint64_t rejected = 0;  // malformed, oversized or refused for the in-flight limit
};

class HttpConnection : public std::enable_shared_from_this<HttpConnection> {
 public:
  HttpConnection(boost::asio::ip::tcp::socket socket, std::shared_ptr<ConnectionContext> context);
  ~HttpConnection();

  void start() { read_request(); }
  // Aborts the request in flight, if any, and closes the socket.
  void close();

 private:
  void read_request();
  void on_header(boost::beast::error_code error);
  void on_read(boost::beast::error_code error);
  void reject(boost::beast::http::status status, std::string_view why);
  void handle(Request request);
  void watch_for_hangup();
  void write(Response response, bool keep_alive);

  boost::beast::tcp_stream stream_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<ConnectionContext> context_;
  std::optional<boost::beast::http::request_parser<boost::beast::http::string_body>> parser_;
  std::shared_ptr<Exchange> exchange_;  // the request being handled
  std::shared_ptr<Response> outgoing_;  // the answer being written
  bool head_ = false;                   // the request being answered is a HEAD
  bool closed_ = false;
};

}  // namespace keel::real::http
