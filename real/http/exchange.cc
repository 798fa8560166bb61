#include "real/http/exchange.h"

namespace keel::real::http {

void Exchange::respond(Response response) {
  if (!deliver_) return;
  Deliver deliver = std::move(deliver_);
  deliver_ = nullptr;
  on_abort_ = nullptr;
  deliver(std::move(response));
}

void Exchange::abort() {
  deliver_ = nullptr;
  std::function<void()> callback = std::move(on_abort_);
  on_abort_ = nullptr;
  if (callback) callback();
}

Response make_response(boost::beast::http::status status, std::string body,
                       std::string_view content_type) {
  Response response{status, 11};
  response.set(boost::beast::http::field::content_type, std::string(content_type));
  response.body() = std::move(body);
  return response;
}

}  // namespace keel::real::http
