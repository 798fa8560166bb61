// Form: the parameters of a request, as Go's http.Request.FormValue sees them (etcd reads v2
// parameters that way): the body's application/x-www-form-urlencoded fields first, then the
// URL query's. Names and values are percent-decoded ('+' is a space).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/env/error.h"
#include "real/http/exchange.h"

namespace keel::real::http {

class Form {
 public:
  // Fails (kInvalidArgument) on a bad percent escape.
  static Result<Form> parse(const Request& request);

  // The first value of `name`, or nothing if it is absent.
  std::optional<std::string> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  // Every parameter's name, once per time it was given, in name order.
  std::vector<std::string_view> names() const;

 private:
  Status add(std::string_view encoded);
  std::multimap<std::string, std::string, std::less<>> fields_;  // in arrival order per name
};

// Percent-decodes one component; kInvalidArgument on a bad escape.
Result<std::string> percent_decode(std::string_view text, bool plus_is_space);

}  // namespace keel::real::http
