#include "sim/workload/watch_workload.h"

#include <algorithm>
#include <limits>

#include "core/client/stream_order.h"
#include "core/codec/frame.h"
#include "core/env/str.h"
#include "core/node/client_protocol.h"

namespace keel::sim {

class WatchWorkload::Watcher final : public Program {
 public:
  Watcher(Env& env, WatchWorkload& workload, int number)
      : env_(env), workload_(workload), number_(number) {
    env_.transport.set_receive_handler(
        [this](NodeId from, ByteView frame) { on_frame(from, frame); });
    const auto members = workload_.members_();
    member_ = members.empty() ? kNoNode : members[env_.random.below(members.size())];
    env_.clock.after(Duration(0), [this] { open(); });
    arm_renew();
  }

  // Every revision up to this one has been delivered (or announced as complete).
  kv::Revision covered() const { return std::max(last_revision_, progress_); }

 private:
  WatcherLog& log() { return workload_.logs_[static_cast<std::size_t>(number_ - 1)]; }
  const WatchWorkloadOptions& options() const { return workload_.options_; }

  void open() {
    if (member_ == kNoNode) member_ = next_member();
    if (member_ == kNoNode) return;
    ++workload_.stats_.streams;
    ++stream_;
    order_.restart();
    heard_ = env_.clock.now();
    WatchStream stream;
    stream.member = workload_.world_.host(member_).name();
    stream.start_revision = last_revision_ + 1;
    stream.opened = workload_.world_.now();
    log().streams.push_back(std::move(stream));
    kv::WatchRequest request{log().key, log().range_end, last_revision_ + 1, false};
    send(node::WatchOpen{stream_, std::move(request)});
  }

  // Gives the stream up and resumes on the next member after what was received.
  void resume(std::uint64_t& counter) {
    ++counter;
    send(node::WatchClose{stream_});  // best effort: the member also expires it
    env_.clock.cancel(gap_timer_);
    gap_timer_ = 0;
    member_ = next_member();
    open();
  }

  void send(const node::ClientMessage& message) {
    env_.transport.send(member_,
                        codec::encode_node_frame(options().cluster, node::encode_client(message)));
  }

  void arm_renew() {
    env_.clock.after(options().renew_every, [this] {
      if (env_.clock.now() - heard_ >= options().silence_timeout) {
        resume(workload_.stats_.resumed_after_silence);
      } else {
        send(node::WatchRenew{stream_});
      }
      arm_renew();
    });
  }

  void on_frame(NodeId from, ByteView frame) {
    if (from != member_ || !codec::is_node_frame(frame)) return;
    auto decoded = codec::decode_node_frame(frame);
    if (!decoded) return;
    auto message = node::decode_client(decoded->payload);
    if (!message) return;
    auto* data = std::get_if<node::WatchData>(&*message);
    if (data == nullptr || data->stream != stream_) return;
    if (!order_.add(data->seq, std::move(data->response))) return;  // delivered already
    heard_ = env_.clock.now();
    const std::uint64_t stream = stream_;
    while (stream == stream_) {
      auto next = order_.next();
      if (!next) break;
      deliver(next->seq, next->response);
    }
    if (stream != stream_) return;
    if (order_.held() == 0) {
      env_.clock.cancel(gap_timer_);
      gap_timer_ = 0;
    } else if (order_.held() > options().max_early) {
      resume(workload_.stats_.resumed_after_gap);
    } else if (gap_timer_ == 0) {
      gap_timer_ = env_.clock.after(options().gap_timeout, [this, stream] {
        gap_timer_ = 0;
        if (stream == stream_ && order_.held() > 0) resume(workload_.stats_.resumed_after_gap);
      });
    }
  }

  void deliver(std::uint64_t seq, const kv::WatchResponse& response) {
    WatchStream& stream = log().streams.back();
    const bool first = seq == 0;
    if (response.canceled) {
      stream.canceled = true;
      stream.cancel_reason = response.cancel_reason;
      ++workload_.stats_.canceled_by_member;
      member_ = next_member();
      // Not at once: a member that refuses (too many watchers) is given a moment.
      env_.clock.after(std::chrono::milliseconds(100), [this, stream = stream_] {
        if (stream == stream_) open();
      });
      return;
    }
    if (first) return;  // the stream is open
    for (const kv::Event& event : response.events) {
      stream.events.push_back(event);
      last_revision_ = std::max(last_revision_, event.kv.mod_revision);
      ++workload_.stats_.events;
    }
    if (response.events.empty()) {
      stream.progress_revision = std::max(stream.progress_revision, response.revision);
      progress_ = std::max(progress_, response.revision);
    }
  }

  NodeId next_member() const {
    const std::vector<NodeId> members = workload_.members_();
    if (members.empty()) return kNoNode;
    auto it = std::upper_bound(members.begin(), members.end(), member_);
    return it == members.end() ? members.front() : *it;
  }

  Env& env_;
  WatchWorkload& workload_;
  const int number_;
  NodeId member_ = kNoNode;
  std::uint64_t stream_ = 0;   // the current stream's number
  client::StreamOrder order_;  // its responses, back in order
  Time heard_{};
  TimerId gap_timer_ = 0;
  kv::Revision last_revision_ = 0;  // of the last event received
  kv::Revision progress_ = 0;       // the highest progress notification
};

WatchWorkload::WatchWorkload(World& world, Members members, WatchWorkloadOptions options)
    : world_(world), members_(std::move(members)), options_(std::move(options)) {}

WatchWorkload::~WatchWorkload() = default;

void WatchWorkload::start() {
  // etcd's convention: key "\0" to range_end "\0" is every key.
  const Bytes key = options_.prefix.empty() ? Bytes{0} : kv::to_bytes(options_.prefix);
  const Bytes range_end = options_.prefix.empty() ? Bytes{0} : kv::prefix_end(key);
  for (int i = 1; i <= options_.clients; ++i) {
    logs_.push_back(WatcherLog{i, key, range_end, {}});
  }
  for (int i = 1; i <= options_.clients; ++i) {
    world_.add_client(str("x", i), [this, i](Env& env) {
      auto watcher = std::make_unique<Watcher>(env, *this, i);
      watchers_.push_back(watcher.get());
      return watcher;
    });
  }
}

kv::Revision WatchWorkload::caught_up_to() const {
  kv::Revision lowest = std::numeric_limits<kv::Revision>::max();
  for (const Watcher* watcher : watchers_) lowest = std::min(lowest, watcher->covered());
  return watchers_.empty() ? 0 : lowest;
}

}  // namespace keel::sim
