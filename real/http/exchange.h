// Exchange: one HTTP request in flight and the slot for its answer. The server makes one per
// request it reads and hands it to the route's handler, which answers with respond() at once or
// later (a long poll), always on the io_context thread.
//
// Contract: respond() takes effect once; later calls do nothing. If the client goes away first, or
// the server stops, the exchange is aborted: its on_abort() callback runs once (so a handler can
// drop a watcher) and respond() does nothing.
#pragma once

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <functional>
#include <string>
#include <string_view>

namespace keel::real::http {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

class Exchange {
 public:
  using Deliver = std::function<void(Response)>;

  Exchange(Request request, Deliver deliver)
      : request_(std::move(request)), deliver_(std::move(deliver)) {}

  const Request& request() const { return request_; }
  // Sends the answer (keep-alive and content length are set by the connection).
  void respond(Response response);
  bool done() const { return deliver_ == nullptr; }
  // Called by the connection when the client left or the server stops before the answer.
  void abort();
  void on_abort(std::function<void()> callback) { on_abort_ = std::move(callback); }

 private:
  Request request_;
  Deliver deliver_;
  std::function<void()> on_abort_;
};

// The request's target ("/v2/keys/a?recursive=true") as a std::string_view.
inline std::string_view target_of(const Request& request) {
  const auto target = request.target();
  return std::string_view(target.data(), target.size());
}

// A response with a body and its content type.
Response make_response(boost::beast::http::status status, std::string body,
                       std::string_view content_type = "application/json");

}  // namespace keel::real::http
