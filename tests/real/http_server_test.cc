// The HTTP server alone, with a toy router, against well-behaved and hostile clients on
// 127.0.0.1: every bad input gets a 4xx or a closed connection, and the server keeps serving.
#include "real/http/http_server.h"

#include <gtest/gtest.h>

#include <string>

#include "real/support/http_client.h"
#include "real/support/raw_client.h"
#include "real/support/run_loop.h"

namespace keel::real::http {
namespace {

using testing::RawClient;
using testing::run_until;
namespace beast_http = boost::beast::http;

Bytes bytes(std::string_view text) { return Bytes(text.begin(), text.end()); }
std::string text(const Bytes& bytes) { return std::string(bytes.begin(), bytes.end()); }

class HttpServerTest : public ::testing::Test {
 protected:
  void start(HttpLimits limits = {}) {
    server_ = std::make_unique<HttpServer>(io_, Endpoint{"127.0.0.1", 0}, limits);
    server_->router().exact("/hello", [](const std::shared_ptr<Exchange>& exchange) {
      exchange->respond(make_response(beast_http::status::ok, "hi", "text/plain"));
    });
    server_->router().prefix("/echo/", [](const std::shared_ptr<Exchange>& exchange) {
      exchange->respond(make_response(beast_http::status::ok, exchange->request().body()));
    });
    server_->router().exact("/hold", [this](const std::shared_ptr<Exchange>& exchange) {
      held_.push_back(exchange);
      exchange->on_abort([this] { ++aborted_; });
    });
    ASSERT_TRUE(server_->start());
  }

  // Whether the server still answers a well-formed request.
  bool still_serving() {
    testing::HttpTestClient client(io_, server_->port());
    const testing::HttpReply reply = client.get("/hello");
    return reply.status == 200 && reply.body == "hi";
  }

  bool answered_with(RawClient& client, std::string_view status_line) {
    run_until(
        io_, [&] { return text(client.received()).find("\r\n") != std::string::npos; },
        std::chrono::seconds(2));
    return text(client.received()).starts_with(status_line);
  }

  boost::asio::io_context io_;
  std::unique_ptr<HttpServer> server_;
  std::vector<std::shared_ptr<Exchange>> held_;
  int aborted_ = 0;
};

TEST_F(HttpServerTest, RoutesAndKeepsConnectionsAlive) {
  start();
  RawClient client(io_, server_->port());
  client.write(bytes("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(run_until(io_, [&] { return text(client.received()).ends_with("hi"); }));
  client.write(bytes("POST /echo/a HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"));
  ASSERT_TRUE(run_until(io_, [&] { return text(client.received()).ends_with("hello"); }));
  client.write(bytes("HEAD /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(run_until(io_, [&] { return text(client.received()).ends_with("\r\n\r\n"); }));
  EXPECT_NE(text(client.received()).rfind("Content-Length: 2\r\n"), std::string::npos);
  EXPECT_FALSE(client.closed());
  EXPECT_EQ(server_->stats().connections, 1u);
  EXPECT_EQ(server_->stats().requests, 3u);

  testing::HttpTestClient http(io_, server_->port());
  EXPECT_EQ(http.get("/nowhere").status, 404u);
  EXPECT_EQ(http.get("/echo").status, 200u);  // a prefix route takes its bare path too
  EXPECT_EQ(http.get("/hello/more").status, 404u);
}

TEST_F(HttpServerTest, AnswersExpect100ContinueBeforeTheBody) {
  start();
  RawClient client(io_, server_->port());
  client.write(
      bytes("PUT /echo/x HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n"
            "Expect: 100-continue\r\n\r\n"));
  ASSERT_TRUE(answered_with(client, "HTTP/1.1 100 Continue\r\n\r\n"));
  client.write(bytes("body"));
  ASSERT_TRUE(run_until(io_, [&] { return text(client.received()).ends_with("body"); }));
  EXPECT_NE(text(client.received()).find("HTTP/1.1 200 OK"), std::string::npos);
}

TEST_F(HttpServerTest, GarbageGets400AndTheConnectionCloses) {
  start();
  RawClient client(io_, server_->port());
  client.write(bytes("\x01\x02\xff garbage \r\n\r\n"));
  EXPECT_TRUE(answered_with(client, "HTTP/1.1 400"));
  EXPECT_TRUE(run_until(io_, [&] { return client.closed(); }));
  RawClient bad_version(io_, server_->port());
  bad_version.write(bytes("GET /hello HTTP/9\r\n\r\n"));
  EXPECT_TRUE(answered_with(bad_version, "HTTP/1.1 400"));
  EXPECT_TRUE(still_serving());
  EXPECT_EQ(server_->stats().rejected, 2u);
}

TEST_F(HttpServerTest, HugeHeaderGets431) {
  HttpLimits limits;
  limits.max_header_bytes = 1024;
  start(limits);
  RawClient client(io_, server_->port());
  client.write(bytes("GET /hello HTTP/1.1\r\nX-Big: " + std::string(4096, 'a') + "\r\n\r\n"));
  EXPECT_TRUE(answered_with(client, "HTTP/1.1 431"));
  EXPECT_TRUE(run_until(io_, [&] { return client.closed(); }));
  EXPECT_TRUE(still_serving());
}

TEST_F(HttpServerTest, HugeBodyGets413BeforeItIsSent) {
  HttpLimits limits;
  limits.max_body_bytes = 1000;
  start(limits);
  RawClient client(io_, server_->port());
  client.write(bytes("PUT /echo/x HTTP/1.1\r\nContent-Length: 100000000\r\n\r\nabc"));
  EXPECT_TRUE(answered_with(client, "HTTP/1.1 413"));
  EXPECT_TRUE(run_until(io_, [&] { return client.closed(); }));
  EXPECT_TRUE(still_serving());
}

TEST_F(HttpServerTest, HalfARequestThenSilenceIsCutAtTheDeadline) {
  HttpLimits limits;
  limits.read_timeout = std::chrono::milliseconds(200);
  start(limits);
  RawClient half(io_, server_->port());
  half.write(bytes("GET /hello HTTP/1.1\r\nHost: x\r\n"));
  RawClient idle(io_, server_->port());
  EXPECT_TRUE(still_serving());
  EXPECT_TRUE(run_until(
      io_, [&] { return half.closed() && idle.closed(); }, std::chrono::seconds(3)));
  EXPECT_TRUE(half.received().empty());
  EXPECT_TRUE(still_serving());
}

TEST_F(HttpServerTest, ConnectionsPastTheLimitAreClosed) {
  HttpLimits limits;
  limits.max_connections = 2;
  start(limits);
  RawClient one(io_, server_->port());
  RawClient two(io_, server_->port());
  ASSERT_TRUE(run_until(io_, [&] { return server_->stats().connections == 2; }));
  RawClient three(io_, server_->port());
  EXPECT_TRUE(run_until(io_, [&] { return three.closed(); }));
  EXPECT_FALSE(one.closed());
  one.write(bytes("GET /hello HTTP/1.1\r\nHost: x\r\n\r\n"));
  EXPECT_TRUE(answered_with(one, "HTTP/1.1 200"));
}

TEST_F(HttpServerTest, InFlightLimitAndClientsHangingUpDuringALongPoll) {
  HttpLimits limits;
  limits.max_in_flight = 1;
  start(limits);
  auto holder = std::make_unique<RawClient>(io_, server_->port());
  holder->write(bytes("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(run_until(io_, [&] { return server_->stats().in_flight == 1; }));
  testing::HttpTestClient http(io_, server_->port());
  EXPECT_EQ(http.get("/hello").status, 503u);
  holder.reset();  // the client hangs up: the held exchange is aborted
  ASSERT_TRUE(run_until(io_, [&] { return aborted_ == 1 && server_->stats().in_flight == 0; }));
  EXPECT_TRUE(held_.front()->done());
  EXPECT_TRUE(still_serving());
}

TEST_F(HttpServerTest, StopAbortsRequestsInFlight) {
  start();
  RawClient holder(io_, server_->port());
  holder.write(bytes("GET /hold HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(run_until(io_, [&] { return held_.size() == 1; }));
  server_->stop();
  EXPECT_EQ(aborted_, 1);
  EXPECT_TRUE(run_until(io_, [&] { return holder.closed(); }));
  held_.front()->respond(make_response(beast_http::status::ok, "late"));  // does nothing
}

TEST_F(HttpServerTest, RefusesAnAddressItCannotBind) {
  HttpServer server(io_, Endpoint{"not-an-ip", 0});
  const Status started = server.start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code, Errc::kInvalidArgument);
}

}  // namespace
}  // namespace keel::real::http
