// Router: picks the handler of a request by its path (the target without its query): an exact
// path ("/health") or a prefix ending in '/' ("/v2/keys/", which also takes "/v2/keys"). The
// longest matching route wins; no match is a 404 with a JSON body.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "real/http/exchange.h"

namespace keel::real::http {

using Handler = std::function<void(const std::shared_ptr<Exchange>&)>;

class Router {
 public:
  void exact(std::string path, Handler handler);
  void prefix(std::string path_with_slash, Handler handler);

  void dispatch(const std::shared_ptr<Exchange>& exchange) const;

 private:
  std::map<std::string, Handler, std::less<>> exact_;
  std::map<std::string, Handler, std::less<>> prefixes_;
};

// The path of a request target: everything before '?'.
std::string_view target_path(std::string_view target);

}  // namespace keel::real::http
