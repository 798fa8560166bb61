#include "real/http/http_connection.h"

#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "core/env/str.h"

namespace keel::real::http {

namespace beast = boost::beast;
namespace beast_http = boost::beast::http;

HttpConnection::HttpConnection(boost::asio::ip::tcp::socket socket,
                               std::shared_ptr<ConnectionContext> context)
    : stream_(std::move(socket)), context_(std::move(context)) {
  ++context_->connections;
}

HttpConnection::~HttpConnection() { --context_->connections; }

void HttpConnection::close() {
  if (closed_) return;
  closed_ = true;
  if (exchange_) {
    --context_->in_flight;
    std::shared_ptr<Exchange> exchange = std::move(exchange_);
    exchange->abort();
  }
  beast::error_code ignored;
  stream_.socket().shutdown(boost::asio::ip::tcp::socket::shutdown_both, ignored);
  stream_.socket().close(ignored);
}

void HttpConnection::read_request() {
  if (closed_) return;
  parser_.emplace();
  parser_->header_limit(static_cast<std::uint32_t>(context_->limits.max_header_bytes));
  parser_->body_limit(context_->limits.max_body_bytes);
  stream_.expires_after(context_->limits.read_timeout);
  beast_http::async_read_header(stream_, buffer_, *parser_,
                                [self = shared_from_this()](beast::error_code error, std::size_t) {
                                  self->on_header(error);
                                });
}

void HttpConnection::on_header(beast::error_code error) {
  if (closed_) return;
  if (error || parser_->is_done()) return on_read(error);
  const auto read_body = [self = shared_from_this()] {
    beast_http::async_read(
        self->stream_, self->buffer_, *self->parser_,
        [self](beast::error_code body_error, std::size_t) { self->on_read(body_error); });
  };
  const auto expect = parser_->get()[beast_http::field::expect];
  if (!beast::iequals(expect, "100-continue")) return read_body();
  // The client waits for this before sending its body (RFC 9110 §10.1.1; curl does above 1 KiB).
  static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
  boost::asio::async_write(
      stream_, boost::asio::buffer(kContinue.data(), kContinue.size()),
      [self = shared_from_this(), read_body](beast::error_code write_error, std::size_t) {
        if (write_error) return self->close();
        read_body();
      });
}

void HttpConnection::on_read(beast::error_code error) {
  if (closed_) return;
  if (error == beast_http::error::header_limit) {
    return reject(beast_http::status::request_header_fields_too_large,
                  str("request header larger than ", context_->limits.max_header_bytes, " bytes"));
  }
  if (error == beast_http::error::body_limit) {
    return reject(beast_http::status::payload_too_large,
                  str("request body larger than ", context_->limits.max_body_bytes, " bytes"));
  }
  if (!error) return handle(parser_->release());
  // A clean end, half a message, a deadline or a network error: nobody left to answer.
  const bool malformed =
      error.category() == beast_http::make_error_code(beast_http::error::bad_method).category() &&
      error != beast_http::error::end_of_stream && error != beast_http::error::partial_message;
  if (!malformed) return close();
  reject(beast_http::status::bad_request, error.message());
}

void HttpConnection::reject(beast_http::status status, std::string_view why) {
  ++context_->rejected;
  std::string body = str("{\"message\":\"", why, "\"}\n");
  write(make_response(status, std::move(body)), false);
}

void HttpConnection::handle(Request request) {
  ++context_->requests;
  const bool keep_alive = request.keep_alive();
  head_ = request.method() == beast_http::verb::head;
  if (context_->router == nullptr || context_->in_flight >= context_->limits.max_in_flight) {
    ++context_->rejected;
    return write(make_response(beast_http::status::service_unavailable,
                               str("{\"message\":\"too many requests in flight (limit ",
                                   context_->limits.max_in_flight, ")\"}\n")),
                 keep_alive);
  }
  ++context_->in_flight;
  std::weak_ptr<HttpConnection> weak = weak_from_this();
  exchange_ = std::make_shared<Exchange>(std::move(request), [weak, keep_alive](Response answer) {
    const std::shared_ptr<HttpConnection> self = weak.lock();
    if (!self || self->closed_) return;
    --self->context_->in_flight;
    self->exchange_.reset();
    beast::error_code ignored;
    self->stream_.socket().cancel(ignored);  // the hang-up watch
    self->write(std::move(answer), keep_alive);
  });
  const std::shared_ptr<Exchange> exchange = exchange_;
  context_->router->dispatch(exchange);
  if (!exchange->done()) watch_for_hangup();
}

void HttpConnection::watch_for_hangup() {
  stream_.expires_never();
  stream_.socket().async_wait(
      boost::asio::ip::tcp::socket::wait_read,
      [self = shared_from_this(),
       watched = std::weak_ptr<Exchange>(exchange_)](beast::error_code error) {
        // Answered meanwhile (maybe with the next request in flight already): not ours to judge.
        if (error || self->closed_ || !self->exchange_ || self->exchange_ != watched.lock()) {
          return;
        }
        beast::error_code available_error;
        const std::size_t available = self->stream_.socket().available(available_error);
        // Readable with nothing to read is the client's FIN; bytes are a
        // pipelined request, read after this answer.
        if (available_error || available == 0) self->close();
      });
}

void HttpConnection::write(Response response, bool keep_alive) {
  if (closed_) return;
  response.version(11);
  response.keep_alive(keep_alive);
  response.prepare_payload();
  if (head_) response.body().clear();  // HEAD: the GET's headers, Content-Length included
  head_ = false;
  outgoing_ = std::make_shared<Response>(std::move(response));
  stream_.expires_after(context_->limits.write_timeout);
  beast_http::async_write(
      stream_, *outgoing_,
      [self = shared_from_this(), keep_alive](beast::error_code error, std::size_t) {
        self->outgoing_.reset();
        if (error || !keep_alive) return self->close();
        self->read_request();
      });
}

}  // namespace keel::real::http
