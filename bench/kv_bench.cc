// The key-value state machine without Raft: apply throughput of puts and txns, range scans, watch
// fan-out, and memory held per key.
#include <benchmark/benchmark.h>
#include <malloc.h>

#include <cstdio>
#include <string>
#include <vector>

#include "core/kv/store.h"
#include "core/kv/watch_hub.h"

namespace keel::kv {
namespace {

constexpr std::size_t kKeyBytes = 16;
constexpr std::size_t kValueBytes = 100;

Bytes key_of(std::size_t i, const char* prefix = "key/") {
  char text[32];
  std::snprintf(text, sizeof text, "%s%012zu", prefix, i);
  Bytes key(text, text + kKeyBytes);
  return key;
}

std::vector<Request> puts(std::size_t keys) {
  std::vector<Request> requests;
  requests.reserve(keys);
  for (std::size_t i = 0; i < keys; ++i) {
    PutRequest put;
    put.key = key_of(i);
    put.value = Bytes(kValueBytes, static_cast<std::uint8_t>('a' + i % 26));
    requests.emplace_back().op.emplace<PutRequest>(std::move(put));
  }
  return requests;
}

// Puts of 16-byte keys and 100-byte values over 100,000 keys, history auto-compacted at the
// default limit.
void BM_KvPut(benchmark::State& state) {
  const std::vector<Request> requests = puts(100000);
  Store store;
  std::uint64_t index = 0;
  std::size_t i = 0;
  for (auto _ : state) {
    benchmark::DoNotOptimize(store.apply(requests[i], ++index, 0));
    if (++i == requests.size()) i = 0;
  }
  state.counters["puts_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_KvPut);

// The same puts from 1,000 client sessions (exactly-once bookkeeping and cached replies).
void BM_KvPutWithSessions(benchmark::State& state) {
  std::vector<Request> requests = puts(100000);
  Store store;
  std::uint64_t index = 0;
  std::size_t i = 0;
  std::vector<std::uint64_t> seq(1000, 0);
  for (auto _ : state) {
    Request& request = requests[i];
    request.client = 1 + i % seq.size();
    request.seq = ++seq[i % seq.size()];
    ++index;
    benchmark::DoNotOptimize(store.apply(request, index, static_cast<std::int64_t>(index)));
    if (++i == requests.size()) i = 0;
  }
  state.counters["puts_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_KvPutWithSessions);

// Compare-and-swap txns: if the key's mod revision is what was read, put a new value.
void BM_KvTxnCompareAndPut(benchmark::State& state) {
  const std::size_t keys = 100000;
  const std::vector<Request> initial = puts(keys);
  Store store;
  std::uint64_t index = 0;
  for (const Request& request : initial) (void)store.apply(request, ++index, 0);
  std::vector<Revision> mod(keys);
  for (std::size_t k = 0; k < keys; ++k) mod[k] = static_cast<Revision>(k + 2);
  const Bytes value(kValueBytes, 'v');
  std::size_t i = 0;
  std::int64_t succeeded = 0;
  for (auto _ : state) {
    state.PauseTiming();
    TxnRequest txn;
    Compare compare;
    compare.target = Compare::Target::kMod;
    compare.key = key_of(i);
    compare.number = mod[i];
    txn.compare.push_back(std::move(compare));
    PutRequest put;
    put.key = key_of(i);
    put.value = value;
    txn.success.emplace_back(std::move(put));
    const Request request{0, 0, std::move(txn)};
    state.ResumeTiming();
    Result<Response> response = store.apply(request, ++index, 0);
    if (std::get<TxnResponse>(response->result).succeeded) {
      ++succeeded;
      mod[i] = response->revision;
    }
    if (++i == keys) i = 0;
  }
  if (succeeded != static_cast<std::int64_t>(state.iterations()))
    state.SkipWithError("compare failed");
  state.counters["txns_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_KvTxnCompareAndPut);

Store& store_of_100k() {
  static Store* store = [] {
    auto* s = new Store;
    std::uint64_t index = 0;
    for (const Request& request : puts(100000)) (void)s->apply(request, ++index, 0);
    return s;
  }();
  return *store;
}

// A range over all 100,000 keys (10,000 per response: the store's cap), paged to the end.
void BM_KvRangeFullScan100k(benchmark::State& state) {
  Store& store = store_of_100k();
  std::int64_t keys = 0;
  for (auto _ : state) {
    RangeRequest range;
    range.key = key_of(0);
    range.range_end = prefix_end(to_bytes("key/"));
    for (;;) {
      Result<RangeResponse> page = store.range(range);
      keys += static_cast<std::int64_t>(page->kvs.size());
      if (!page->more) break;
      range.key = page->kvs.back().key;
      range.key.push_back(0);
    }
  }
  state.counters["keys_per_second"] =
      benchmark::Counter(static_cast<double>(keys), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_KvRangeFullScan100k)->Unit(benchmark::kMillisecond);

// One 100-key page from the middle of 100,000 keys (etcd counts the whole rest of the range).
void BM_KvRangePage100(benchmark::State& state) {
  Store& store = store_of_100k();
  RangeRequest range;
  range.key = key_of(50000);
  range.range_end = prefix_end(to_bytes("key/"));
  range.limit = 100;
  for (auto _ : state) benchmark::DoNotOptimize(store.range(range));
  state.counters["pages_per_second"] =
      benchmark::Counter(static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_KvRangePage100)->Unit(benchmark::kMicrosecond);

// The same page within a 1,000-key range (count is cheap when the range is small).
void BM_KvRangePage100Of1000(benchmark::State& state) {
  Store& store = store_of_100k();
  RangeRequest range;
  range.key = key_of(50000);
  range.range_end = key_of(51000);
  range.limit = 100;
  for (auto _ : state) benchmark::DoNotOptimize(store.range(range));
}
BENCHMARK(BM_KvRangePage100Of1000)->Unit(benchmark::kMicrosecond);

// 1,000 watchers on one prefix; each iteration applies one put under it and delivers the event to
// every watcher.
void BM_KvWatchFanOut1000(benchmark::State& state) {
  Store store;
  WatchHub hub(store, WatchLimits{2000, 1024});
  const Bytes prefix = to_bytes("svc/");
  std::vector<WatchId> ids;
  for (int i = 0; i < 1000; ++i) {
    ids.push_back(hub.watch(WatchRequest{prefix, prefix_end(prefix), 0, false}).value());
  }
  PutRequest put;
  put.key = key_of(0, "svc/");
  put.value = Bytes(kValueBytes, 'v');
  const Request request{0, 0, put};
  std::uint64_t index = 0;
  std::int64_t delivered = 0;
  for (auto _ : state) {
    (void)store.apply(request, ++index, 0);
    hub.on_applied();
    for (WatchId id : ids) {
      if (auto response = hub.poll(id))
        delivered += static_cast<std::int64_t>(response->events.size());
    }
  }
  state.counters["events_per_second"] =
      benchmark::Counter(static_cast<double>(delivered), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_KvWatchFanOut1000)->Unit(benchmark::kMicrosecond);

// Heap bytes held per key for 1,000,000 keys of 16 bytes with 100-byte values, each written twice
// and history compacted (mallinfo2: bytes in use, chunk overhead included). Raw data: 116 bytes.
void BM_KvMemoryPerKey(benchmark::State& state) {
  constexpr std::size_t kKeys = 1000000;
  for (auto _ : state) {
    malloc_trim(0);
    const std::size_t before = mallinfo2().uordblks;
    auto store = std::make_unique<Store>();
    std::uint64_t index = 0;
    PutRequest put;
    put.value = Bytes(kValueBytes, 'v');
    Request request{0, 0, put};
    for (int round = 0; round < 2; ++round) {
      for (std::size_t i = 0; i < kKeys; ++i) {
        std::get<PutRequest>(request.op).key = key_of(i);
        (void)store->apply(request, ++index, 0);
      }
    }
    (void)store->apply(Request{0, 0, CompactRequest{store->revision()}}, ++index, 0);
    request = Request{};
    const std::size_t after = mallinfo2().uordblks;
    state.counters["bytes_per_key"] =
        static_cast<double>(after - before) / static_cast<double>(kKeys);
    state.counters["keys"] = static_cast<double>(store->key_count());
  }
}
BENCHMARK(BM_KvMemoryPerKey)->Iterations(1)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace keel::kv
