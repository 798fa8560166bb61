#include "bench/loadgen/load_client.h"

#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>

#include "core/env/str.h"

namespace keel::bench {

namespace beast = boost::beast;
namespace beast_http = boost::beast::http;

// An answer slower than this counts as an error and the connection is opened again.
constexpr std::chrono::seconds kRequestTimeout(10);
// The pause before a preload's PUT that was refused is sent again.
constexpr std::chrono::milliseconds kRetryPause(10);
// A client whose connection cannot be opened this many times in a row gives up.
constexpr int kMaxConnectFailures = 3;

LoadClient::LoadClient(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint server,
                       const LoadPlan& plan, int id)
    : stream_(io), retry_timer_(io), server_(std::move(server)), plan_(plan), id_(id) {}

void LoadClient::connect(int failures) {
  stream_.expires_after(kRequestTimeout);
  stream_.async_connect(server_, [self = shared_from_this(), failures](beast::error_code error) {
    if (!error) {
      self->stream_.socket().set_option(boost::asio::ip::tcp::no_delay(true));
      return self->send();
    }
    self->count_error(str("connect: ", error.message()));
    if (failures + 1 < kMaxConnectFailures) self->connect(failures + 1);
  });
}

void LoadClient::send() {
  if (std::chrono::steady_clock::now() >= plan_.stop_at) return;
  if (plan_.each_key_once && id_ + sequence_ * plan_.clients >= plan_.keys) return;
  request_ = {};
  request_.version(11);
  request_.set(beast_http::field::host, "127.0.0.1");
  request_.keep_alive(true);
  const std::string target = str("/v2/keys/bench/k", key());
  if (plan_.op == LoadOp::kPut) {
    request_.method(beast_http::verb::put);
    request_.target(target);
    request_.set(beast_http::field::content_type, "application/x-www-form-urlencoded");
    request_.body() = str("value=", plan_.value);
  } else {
    request_.method(beast_http::verb::get);
    request_.target(str(target, "?quorum=true"));
  }
  request_.prepare_payload();
  response_ = {};
  sent_at_ = std::chrono::steady_clock::now();
  stream_.expires_after(kRequestTimeout);
  beast_http::async_write(
      stream_, request_, [self = shared_from_this()](beast::error_code error, std::size_t) {
        if (error) return self->fail(str("write: ", error.message()));
        beast_http::async_read(
            self->stream_, self->buffer_, self->response_,
            [self](beast::error_code read_error, std::size_t) { self->on_answer(read_error); });
      });
}

void LoadClient::on_answer(beast::error_code error) {
  if (error) return fail(str("read: ", error.message()));
  const SteadyTime now = std::chrono::steady_clock::now();
  const unsigned status = response_.result_int();
  const bool ok = status >= 200 && status < 300;
  if (!ok) {
    count_error(str("HTTP ", status, ": ", response_.body().substr(0, 200)));
  } else if (sent_at_ >= plan_.measure_from) {
    histogram_.record(static_cast<std::uint64_t>(
        std::chrono::duration_cast<std::chrono::microseconds>(now - sent_at_).count()));
  }
  const bool move_on = ok || !plan_.each_key_once;
  if (move_on) ++sequence_;
  if (!response_.keep_alive()) {
    stream_.socket().close();
    return connect();
  }
  if (move_on) return send();
  retry_timer_.expires_after(kRetryPause);
  retry_timer_.async_wait([self = shared_from_this()](beast::error_code) { self->send(); });
}

void LoadClient::count_error(const std::string& error) {
  if (errors_++ == 0) first_error_ = error;
}

void LoadClient::fail(const std::string& error) {
  count_error(error);
  beast::error_code ignored;
  stream_.socket().close(ignored);
  buffer_.clear();
  if (std::chrono::steady_clock::now() < plan_.stop_at) connect();
}

}  // namespace keel::bench
