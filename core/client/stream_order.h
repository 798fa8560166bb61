// StreamOrder: puts the numbered responses of one watch stream (node::WatchData, numbered from 0
// by the member, client_protocol.h) back in order, over a transport that reorders, duplicates and
// loses frames (env/transport.h), as TCP's sequence numbers do for gRPC's streams. Responses that
// arrive early are held until the missing ones come; what to do about a response that never
// comes (a timeout, a bound on held()) is the caller's: it gives the stream up and restarts.
// Shared by RemoteStoreClient and the simulator's WatchWorkload.
#pragma once

#include <cstdint>
#include <map>
#include <optional>

#include "core/kv/types.h"

namespace keel::client {

class StreamOrder {
 public:
  struct Numbered {
    std::uint64_t seq = 0;
    kv::WatchResponse response;
  };

  // A new stream: the next response is seq 0; everything held is dropped.
  void restart();
  // Takes response `seq`; false if it was delivered already (a copy of one still held is
  // dropped, and counts as heard).
  bool add(std::uint64_t seq, kv::WatchResponse response);
  // The next response in order, once it has arrived.
  std::optional<Numbered> next();
  // Responses held while an earlier one is missing.
  std::size_t held() const { return held_.size(); }

 private:
  std::uint64_t next_seq_ = 0;
  std::map<std::uint64_t, kv::WatchResponse> held_;
};

}  // namespace keel::client
