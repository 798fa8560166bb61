#include "real/support/http_client.h"

#include <algorithm>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <memory>

#include "real/support/run_loop.h"

namespace keel::real::testing {

namespace beast = boost::beast;
namespace beast_http = boost::beast::http;
using boost::asio::ip::tcp;

struct HttpTestClient::Pending {
  explicit Pending(boost::asio::io_context& io) : stream(io) {}
  beast::tcp_stream stream;
  beast::flat_buffer buffer;
  beast_http::request<beast_http::string_body> request;
  beast_http::response<beast_http::string_body> response;
  bool done = false;
  bool ok = false;
};

bool HttpTestClient::arrived(const std::shared_ptr<Pending>& pending) { return pending->done; }

HttpReply HttpTestClient::send(beast_http::verb method, const std::string& target,
                               const std::string& body, std::chrono::milliseconds limit) {
  return finish(start(method, target, body), limit);
}

std::shared_ptr<HttpTestClient::Pending> HttpTestClient::start(beast_http::verb method,
                                                               const std::string& target,
                                                               const std::string& body) {
  auto call = std::make_shared<Pending>(io_);
  call->request = {method, target, 11};
  call->request.set(beast_http::field::host, "127.0.0.1");
  if (!body.empty()) {
    call->request.set(beast_http::field::content_type, "application/x-www-form-urlencoded");
    call->request.body() = body;
  }
  call->request.prepare_payload();
  call->stream.async_connect(
      tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_),
      [call](beast::error_code error) {
        if (error) {
          call->done = true;
          return;
        }
        beast_http::async_write(
            call->stream, call->request, [call](beast::error_code write_error, std::size_t) {
              if (write_error) {
                call->done = true;
                return;
              }
              beast_http::async_read(call->stream, call->buffer, call->response,
                                     [call](beast::error_code read_error, std::size_t) {
                                       call->ok = !read_error;
                                       call->done = true;
                                     });
            });
      });
  return call;
}

HttpReply HttpTestClient::finish(const std::shared_ptr<Pending>& call,
                                 std::chrono::milliseconds limit) {
  run_until(
      io_, [&] { return call->done; }, limit);
  HttpReply reply;
  beast::error_code ignored;
  call->stream.socket().close(ignored);
  if (!call->ok) return reply;
  reply.answered = true;
  reply.status = call->response.result_int();
  reply.body = call->response.body();
  for (const auto& field : call->response) {
    std::string name(field.name_string().data(), field.name_string().size());
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    reply.headers[name] = std::string(field.value().data(), field.value().size());
  }
  return reply;
}

}  // namespace keel::real::testing
