// Test helper: an HTTP/1.1 client over Beast on the test's io_context, for driving an HttpServer
// that runs on the same loop: each call sends one request on its own connection and runs the loop
// until the answer arrives or a bound passes (never a sleep).
#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/beast/http/verb.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>

namespace keel::real::testing {

struct HttpReply {
  bool answered = false;  // false: the connection failed or the bound passed
  unsigned status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class HttpTestClient {
 public:
  struct Pending;  // a request sent and not yet awaited

  HttpTestClient(boost::asio::io_context& io, std::uint16_t port) : io_(io), port_(port) {}

  // `body`, if not empty, is sent as application/x-www-form-urlencoded (what curl -d sends).
  HttpReply send(boost::beast::http::verb method, const std::string& target,
                 const std::string& body = "",
                 std::chrono::milliseconds limit = std::chrono::seconds(5));
  // Sends without waiting: for a long poll that a later request answers.
  std::shared_ptr<Pending> start(boost::beast::http::verb method, const std::string& target,
                                 const std::string& body = "");
  HttpReply finish(const std::shared_ptr<Pending>& pending,
                   std::chrono::milliseconds limit = std::chrono::seconds(5));
  // Whether the answer of `pending` has come (or the connection failed).
  static bool arrived(const std::shared_ptr<Pending>& pending);

  HttpReply get(const std::string& target) { return send(boost::beast::http::verb::get, target); }
  HttpReply put(const std::string& target, const std::string& body = "") {
    return send(boost::beast::http::verb::put, target, body);
  }
  HttpReply post(const std::string& target, const std::string& body = "") {
    return send(boost::beast::http::verb::post, target, body);
  }
  HttpReply del(const std::string& target) {
    return send(boost::beast::http::verb::delete_, target);
  }

 private:
  boost::asio::io_context& io_;
  std::uint16_t port_;
};

}  // namespace keel::real::testing
