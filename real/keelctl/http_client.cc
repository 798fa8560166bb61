#include "real/keelctl/http_client.h"

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http.hpp>
#include <charconv>

#include "core/env/str.h"
#include "real/http/journal_api.h"

namespace keel::real::keelctl {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// The header `name` of `response` as a whole number, if it is there and one.
std::optional<std::uint64_t> number_header(const http::response<http::string_body>& response,
                                           std::string_view name) {
  const auto field = response.find(beast::string_view(name.data(), name.size()));
  if (field == response.end()) return std::nullopt;
  const std::string_view text(field->value().data(), field->value().size());
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// The exchange's steps as a chain of completion handlers on one io_context, so that each step
// can carry its own deadline (Beast's tcp_stream deadlines apply to asynchronous operations).
class Exchange {
 public:
  Exchange(const HttpUrl& url, const HttpRequest& request, const HttpTimeouts& timeouts)
      : url_(url), timeouts_(timeouts), stream_(io_) {
    request_.method_string(request.method);
    request_.target(request.target);
    request_.version(11);
    request_.set(http::field::host, str(url.host, ":", url.port));
    request_.set(http::field::user_agent, "keelctl");
    request_.keep_alive(false);
    if (!request.body.empty()) {
      request_.set(http::field::content_type, "application/x-www-form-urlencoded");
      request_.body() = request.body;
    }
    request_.prepare_payload();
    parser_.body_limit(kMaxAnswerBytes);
  }

  Result<HttpAnswer> run() {
    tcp::resolver resolver(io_);
    boost::system::error_code error;
    // Names resolve through the system resolver, synchronously; IP literals resolve at once.
    const auto addresses = resolver.resolve(url_.host, std::to_string(url_.port), error);
    if (error) return unreachable(str("cannot resolve ", url_.host, ": ", error.message()));
    stream_.expires_after(timeouts_.connect);
    stream_.async_connect(
        addresses, [this](const boost::system::error_code& e, const auto&) { on_connect(e); });
    io_.run();
    return std::move(result_);
  }

 private:
  static Result<HttpAnswer> unreachable(std::string why) {
    return fail(Errc::kUnavailable, std::move(why));
  }

  void on_connect(const boost::system::error_code& error) {
    if (error == beast::error::timeout) {
      result_ = unreachable(str("not connected within ", seconds(timeouts_.connect), "s"));
      return;
    }
    if (error) {
      result_ = unreachable(error.message());
      return;
    }
    arm_answer_deadline();
    http::async_write(stream_, request_,
                      [this](const boost::system::error_code& e, std::size_t) { on_write(e); });
  }

  void on_write(const boost::system::error_code& error) {
    if (error) return broken("sending the request", error);
    http::async_read(stream_, buffer_, parser_,
                     [this](const boost::system::error_code& e, std::size_t) { on_read(e); });
  }

  void on_read(const boost::system::error_code& error) {
    if (error) return broken("reading the answer", error);
    const auto& response = parser_.get();
    result_ =
        HttpAnswer{.status = response.result_int(),
                   .body = response.body(),
                   .etcd_index = number_header(response, "X-Etcd-Index"),
                   .log_offset = number_header(response, ::keel::real::http::kLogOffsetHeader)};
    boost::system::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  void arm_answer_deadline() {
    if (timeouts_.answer) {
      stream_.expires_after(*timeouts_.answer);
    } else {
      stream_.expires_never();
    }
  }

  void broken(std::string_view during, const boost::system::error_code& error) {
    if (error == beast::error::timeout) {
      result_ = fail(Errc::kTimeout, str(url_.text, ": no answer within ",
                                         seconds(timeouts_.answer.value_or(Duration{})), "s"));
    } else if (error == http::error::body_limit) {
      result_ = fail(Errc::kLimitExceeded,
                     str(url_.text, ": the answer is larger than ", kMaxAnswerBytes, " bytes"));
    } else if (malformed(error)) {
      result_ = fail(Errc::kCorrupt, str(url_.text, ": ", during, ": ", error.message()));
    } else {
      result_ =
          fail(Errc::kIo, str(url_.text, ": the connection broke ", during, ": ", error.message()));
    }
  }

  // A parse error of Beast's HTTP parser, as opposed to a connection that ended early.
  static bool malformed(const boost::system::error_code& error) {
    return error.category() == make_error_code(http::error::bad_version).category() &&
           error != http::error::end_of_stream && error != http::error::partial_message;
  }

  static double seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

  const HttpUrl& url_;
  const HttpTimeouts& timeouts_;
  asio::io_context io_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
  http::response_parser<http::string_body> parser_;
  Result<HttpAnswer> result_ = fail(Errc::kIo, "the exchange did not finish");
};

}  // namespace

Result<HttpAnswer> http_exchange(const HttpUrl& url, const HttpRequest& request,
                                 const HttpTimeouts& timeouts) {
  return Exchange(url, request, timeouts).run();
}

}  // namespace keel::real::keelctl
