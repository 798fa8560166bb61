// Endpoints: the client URLs keelctl was given (--endpoint, several allowed), tried in turn.
// An exchange goes to the endpoint that answered last (the first one at the start); when an
// endpoint cannot be reached (http_client.h's kUnavailable: nothing was sent), the next one is
// tried, as etcdctl and fleetctl do with several endpoints. Any other failure is final: the
// request may have reached a server, so it is not sent again elsewhere.
//
// Contract: exchange() returns the first answer, or kUnavailable naming every endpoint tried and
// why each failed, or the other failure of the endpoint that was reached.
#pragma once

#include <vector>

#include "real/keelctl/http_client.h"
#include "real/keelctl/http_url.h"

namespace keel::real::keelctl {

class Endpoints {
 public:
  // `urls` is not empty (asserted); `timeout` bounds connecting, and answers unless long_poll.
  Endpoints(std::vector<HttpUrl> urls, Duration timeout);

  Result<HttpAnswer> exchange(const HttpRequest& request, bool long_poll = false);

  Duration timeout() const { return timeout_; }

 private:
  std::vector<HttpUrl> urls_;
  Duration timeout_;
  std::size_t current_ = 0;
};

}  // namespace keel::real::keelctl
