#include "real/keelctl/endpoints.h"

#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::real::keelctl {

Endpoints::Endpoints(std::vector<HttpUrl> urls, Duration timeout)
    : urls_(std::move(urls)), timeout_(timeout) {
  KEEL_ASSERT(!urls_.empty(), "keelctl needs at least one endpoint");
}

Result<HttpAnswer> Endpoints::exchange(const HttpRequest& request, bool long_poll) {
  const HttpTimeouts timeouts{.connect = timeout_,
                              .answer = long_poll ? std::nullopt : std::optional(timeout_)};
  std::string tried;
  for (std::size_t attempt = 0; attempt < urls_.size(); ++attempt) {
    const std::size_t at = (current_ + attempt) % urls_.size();
    auto answer = http_exchange(urls_[at], request, timeouts);
    if (answer || answer.error().code != Errc::kUnavailable) {
      current_ = at;
      return answer;
    }
    tried += str(tried.empty() ? "" : "; ", urls_[at].text, " (", answer.error().message, ")");
  }
  return fail(Errc::kUnavailable, str("cannot reach any endpoint: ", tried));
}

}  // namespace keel::real::keelctl
