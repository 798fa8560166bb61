#include "core/client/stream_order.h"

#include <utility>

namespace keel::client {

void StreamOrder::restart() {
  next_seq_ = 0;
  held_.clear();
}

bool StreamOrder::add(std::uint64_t seq, kv::WatchResponse response) {
  if (seq < next_seq_) return false;
  held_.emplace(seq, std::move(response));  // a copy of one held already is dropped
  return true;
}

std::optional<StreamOrder::Numbered> StreamOrder::next() {
  auto it = held_.begin();
  if (it == held_.end() || it->first != next_seq_) return std::nullopt;
  Numbered out{it->first, std::move(it->second)};
  held_.erase(it);
  ++next_seq_;
  return out;
}

}  // namespace keel::client
