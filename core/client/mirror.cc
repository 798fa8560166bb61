// Mirror's implementation: etcd's mirror.Syncer (clientv3/mirror/syncer.go) in callbacks. A copy
// is read in pages at one revision R (etcd's SyncBase: the first page fixes R, later pages read
// at R from the key after the last one), then a watch from R + 1 keeps it (etcd's SyncUpdates).
//
// The mirror is in one of three states, each holding at most one outstanding thing: a read in
// flight, a watch open, or a retry timer set. Pending read answers check `alive_`, since the
// mirror may be destroyed before its StoreClient.
#include "core/client/mirror.h"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/env/assert.h"
#include "core/env/str.h"

namespace keel::client {

namespace {

std::string key_of(const Bytes& key) { return kv::to_string(key); }

// The key right after `key` in byte order: `key` followed by a zero byte.
Bytes key_after(const Bytes& key) {
  Bytes next = key;
  next.push_back(0);
  return next;
}

}  // namespace

class Mirror::Impl {
 public:
  Impl(Env& env, StoreClient& store, std::string prefix, MirrorListener listener, Duration retry)
      : env_(env),
        store_(store),
        prefix_(kv::to_bytes(prefix)),
        range_end_(kv::prefix_end(prefix_)),
        listener_(std::move(listener)),
        retry_(retry) {
    KEEL_ASSERT(retry_ > Duration::zero(), "a mirror's retry delay must be positive");
    read_page(prefix_, 0);
  }

  ~Impl() {
    *alive_ = false;
    if (watch_ != 0) store_.cancel_watch(watch_);
    if (timer_) env_.clock.cancel(*timer_);
  }

  bool synced() const { return synced_; }
  kv::Revision revision() const { return revision_; }
  const std::map<std::string, kv::KeyValue, std::less<>>& entries() const { return entries_; }

 private:
  using Entries = std::map<std::string, kv::KeyValue, std::less<>>;

  // One page of the copy: from `from`, at `at` (0 for the first page, which fixes the revision).
  void read_page(Bytes from, kv::Revision at) {
    kv::RangeRequest range;
    range.key = std::move(from);
    range.range_end = range_end_;
    range.revision = at;
    store_.call(std::move(range), [this, alive = alive_, at](Result<kv::Response> result) {
      if (*alive) on_page(at, std::move(result));
    });
  }

  void on_page(kv::Revision at, Result<kv::Response> result) {
    if (!result) {
      env_.emit("mirror", "read_failed",
                {{"prefix", key_of(prefix_)}, {"error", result.error().message}});
      incoming_.clear();
      retry_later([this] { read_page(prefix_, 0); });
      return;
    }
    auto* range = std::get_if<kv::RangeResponse>(&result->result);
    KEEL_ASSERT(range != nullptr, "a range request was answered with another response");
    kv::Revision read_at = at != 0 ? at : result->revision;
    for (kv::KeyValue& kv : range->kvs) {
      std::string key = key_of(kv.key);
      incoming_.insert_or_assign(std::move(key), std::move(kv));
    }
    if (range->more && !range->kvs.empty()) {
      read_page(key_after(incoming_.rbegin()->second.key), read_at);
      return;
    }
    replace_copy(read_at);
  }

  // Makes the freshly read copy the mirror's, telling the listener every key that differs, one
  // key at a time in key order, each after the map holds it.
  void replace_copy(kv::Revision read_at) {
    Entries fresh = std::exchange(incoming_, {});
    std::vector<std::string> changed;
    for (const auto& [key, kv] : entries_) {
      auto it = fresh.find(key);
      if (it == fresh.end() || it->second != kv) changed.push_back(key);
    }
    for (const auto& [key, kv] : fresh) {
      if (!entries_.contains(key)) changed.push_back(key);
    }
    std::sort(changed.begin(), changed.end());
    revision_ = read_at;
    settled_ = read_at;
    for (const std::string& key : changed) {
      std::optional<kv::KeyValue> previous;
      if (auto it = entries_.find(key); it != entries_.end()) previous = std::move(it->second);
      std::optional<kv::KeyValue> current;
      if (auto it = fresh.find(key); it != fresh.end()) current = it->second;
      if (current) {
        entries_.insert_or_assign(key, *current);
      } else {
        entries_.erase(key);
      }
      if (listener_.on_change) listener_.on_change(key, previous, current);
    }
    synced_ = true;
    env_.emit("mirror", "synced",
              {{"prefix", key_of(prefix_)},
               {"revision", revision_},
               {"keys", static_cast<std::uint64_t>(entries_.size())}});
    if (listener_.on_synced) listener_.on_synced();
    open_watch();
  }

  void open_watch() {
    watch_opened_ = false;
    watch_ = store_.watch(kv::WatchRequest{prefix_, range_end_, revision_ + 1, false},
                          [this](const kv::WatchResponse& response) { on_watch(response); });
  }

  void on_watch(const kv::WatchResponse& response) {
    if (response.canceled) {
      watch_ = 0;
      if (response.compact_revision > 0) {
        // The history after our revision is gone: read everything again (etcd's ErrCompacted).
        env_.emit("mirror", "compacted",
                  {{"prefix", key_of(prefix_)},
                   {"revision", revision_},
                   {"compact_revision", response.compact_revision}});
        read_page(prefix_, 0);
      } else {
        env_.emit("mirror", "watch_canceled",
                  {{"prefix", key_of(prefix_)}, {"reason", response.cancel_reason}});
        retry_later([this] { open_watch(); });
      }
      return;
    }
    if (!watch_opened_) {
      // The first response only says the watch is open; its revision is no promise.
      watch_opened_ = true;
      return;
    }
    if (response.events.empty()) {
      // A progress notification: every change up to response.revision has been sent.
      revision_ = std::max(revision_, response.revision);
      settled_ = revision_;
      return;
    }
    for (const kv::Event& event : response.events) apply(event);
  }

  void apply(const kv::Event& event) {
    // Events of one revision (a txn) share it, so an event may repeat the last event's revision;
    // one at a revision a read or a progress notification covered would be a duplicate.
    KEEL_ASSERT(event.kv.mod_revision >= revision_ && event.kv.mod_revision > settled_,
                str("the mirror of ", key_of(prefix_), " got an event at revision ",
                    event.kv.mod_revision, " after revision ", revision_));
    revision_ = event.kv.mod_revision;
    std::string key = key_of(event.kv.key);
    std::optional<kv::KeyValue> previous;
    if (auto it = entries_.find(key); it != entries_.end()) previous = std::move(it->second);
    std::optional<kv::KeyValue> current;
    if (event.type == kv::Event::Type::kPut) {
      current = event.kv;
      entries_.insert_or_assign(key, event.kv);
    } else {
      entries_.erase(key);
    }
    if (listener_.on_change) listener_.on_change(key, previous, current);
  }

  void retry_later(std::function<void()> step) {
    KEEL_ASSERT(!timer_, "a mirror retries one thing at a time");
    timer_ = env_.clock.after(retry_, [this, step = std::move(step)] {
      timer_.reset();
      step();
    });
  }

  Env& env_;
  StoreClient& store_;
  const Bytes prefix_;
  const Bytes range_end_;
  MirrorListener listener_;
  const Duration retry_;

  Entries entries_;
  Entries incoming_;  // the pages read so far of a copy in progress
  kv::Revision revision_ = 0;
  kv::Revision settled_ = 0;  // every change up to it is held: read, or told by a progress
  bool synced_ = false;
  WatchHandle watch_ = 0;
  bool watch_opened_ = false;
  std::optional<TimerId> timer_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

Mirror::Mirror(Env& env, StoreClient& store, std::string prefix, MirrorListener listener,
               Duration retry)
    : impl_(std::make_unique<Impl>(env, store, std::move(prefix), std::move(listener), retry)) {}

Mirror::~Mirror() = default;

bool Mirror::synced() const { return impl_->synced(); }
kv::Revision Mirror::revision() const { return impl_->revision(); }
const std::map<std::string, kv::KeyValue, std::less<>>& Mirror::entries() const {
  return impl_->entries();
}

}  // namespace keel::client
