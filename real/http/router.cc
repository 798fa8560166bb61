#include "real/http/router.h"

#include "core/env/assert.h"

namespace keel::real::http {

namespace beast_http = boost::beast::http;

void Router::exact(std::string path, Handler handler) {
  KEEL_ASSERT(!path.empty() && path[0] == '/', "a route starts with '/': ", path);
  exact_[std::move(path)] = std::move(handler);
}

void Router::prefix(std::string path_with_slash, Handler handler) {
  KEEL_ASSERT(path_with_slash.size() > 1 && path_with_slash.back() == '/',
              "a prefix route ends with '/': ", path_with_slash);
  prefixes_[std::move(path_with_slash)] = std::move(handler);
}

std::string_view target_path(std::string_view target) { return target.substr(0, target.find('?')); }

void Router::dispatch(const std::shared_ptr<Exchange>& exchange) const {
  const std::string_view path = target_path(target_of(exchange->request()));
  if (auto it = exact_.find(path); it != exact_.end()) return it->second(exchange);
  const Handler* best = nullptr;
  std::size_t best_length = 0;
  for (const auto& [prefix, handler] : prefixes_) {
    const std::string_view bare = std::string_view(prefix).substr(0, prefix.size() - 1);
    const bool matches = path.starts_with(prefix) || path == bare;
    if (matches && prefix.size() > best_length) {
      best = &handler;
      best_length = prefix.size();
    }
  }
  if (best != nullptr) return (*best)(exchange);
  exchange->respond(
      make_response(beast_http::status::not_found, "{\"message\":\"404 page not found\"}\n"));
}

}  // namespace keel::real::http
