// LoadClient: one client of the load generator, one HTTP/1.1 keep-alive connection (Boost.Beast)
// to one endpoint, sending its next request when the previous answer has come (a closed loop, as
// etcd's own benchmark tool does). Requests are etcd v2 keys API requests, which Keel and etcd
// both serve: PUT /v2/keys/bench/k<N> (value=...) or GET /v2/keys/bench/k<N>?quorum=true (a
// linearizable read: etcd's v2 quorum GET goes through Raft, Keel's through the leader).
// Latencies of answers that come after `measure_from` are recorded; a non-2xx answer or a broken
// connection counts as an error (the connection is then opened again), and the first one is kept
// to be shown. A request that failed is sent again when every key must be written once (a
// preload), after a short pause (a refusal under backpressure is not hammered); otherwise the
// client moves on to its next key.
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "bench/loadgen/latency_histogram.h"

namespace keel::bench {

using SteadyTime = std::chrono::steady_clock::time_point;

enum class LoadOp { kPut, kGet };

struct LoadPlan {
  LoadOp op = LoadOp::kPut;
  int clients = 1;
  int keys = 1000;             // keys bench/k0 .. k<keys-1>
  std::string value;           // the value every PUT writes
  bool each_key_once = false;  // the clients together PUT every key once, then stop (a preload)
  SteadyTime measure_from;     // answers before this are a warm-up, not recorded
  SteadyTime stop_at;          // no request is sent after this
};

class LoadClient : public std::enable_shared_from_this<LoadClient> {
 public:
  LoadClient(boost::asio::io_context& io, boost::asio::ip::tcp::endpoint server,
             const LoadPlan& plan, int id);
  void start() { connect(); }

  const LatencyHistogram& histogram() const { return histogram_; }
  std::uint64_t errors() const { return errors_; }
  // The first error: "HTTP 503: <the body's start>" or the connection's error; "" if none.
  const std::string& first_error() const { return first_error_; }

 private:
  void connect(int failures = 0);
  void send();
  void on_answer(boost::beast::error_code error);
  void fail(const std::string& error);
  void count_error(const std::string& error);
  // The key of request number `sequence_`: clients interleave so that they cover every key.
  int key() const { return (id_ + sequence_ * plan_.clients) % plan_.keys; }

  boost::beast::tcp_stream stream_;
  boost::asio::steady_timer retry_timer_;
  boost::asio::ip::tcp::endpoint server_;
  const LoadPlan& plan_;
  int id_;
  int sequence_ = 0;
  boost::beast::flat_buffer buffer_;
  boost::beast::http::request<boost::beast::http::string_body> request_;
  boost::beast::http::response<boost::beast::http::string_body> response_;
  SteadyTime sent_at_;
  LatencyHistogram histogram_;
  std::uint64_t errors_ = 0;
  std::string first_error_;
};

}  // namespace keel::bench
