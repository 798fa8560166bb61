// Where a node's snapshot spends its time at 100 k and 1 M keys (issue 7: a snapshot near 900 k
// keys stalled the leader past an election timeout). BM_KvSnapshot runs the steps of
// Node::maybe_snapshot one by one on real files in /tmp and reports each as a counter in ms:
//   encode_ms  kv::Store::snapshot() (16-byte keys, 100-byte values, history as the load leaves it)
//   copy_ms    a copy of the image (what the node avoids: the writer reads Raft's own copy)
//   save_ms    storage::SnapshotStore::save in one go (frame + CRC, write, fdatasync, rename...)
//   steps_ms   the same file written by a SnapshotWriter in steps of NodeConfig's default
//              snapshot_step_bytes, as the node now does across turns of its loop, and
//   max_step_ms the longest of those steps: what a turn of the loop may now wait for
//   wal_ms     the WAL marker, its sync and the release of the segments below it
// and snapshot_mb, the size of the state machine's image. What stalls the loop at once is now
// encode_ms + max_step_ms; before, it was encode_ms + save_ms + wal_ms.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "core/kv/store.h"
#include "core/node/node.h"
#include "core/storage/snapshot_store.h"
#include "core/storage/wal.h"
#include "real/posix_file_system.h"

namespace keel {
namespace {

constexpr std::size_t kKeyBytes = 16;
constexpr std::size_t kValueBytes = 100;
constexpr std::size_t kPutsPerEntry = 128;  // KvService's default max_batch_requests

// A store holding `keys` keys, written in batches as KvService proposes them.
std::unique_ptr<kv::Store> loaded_store(std::size_t keys) {
  auto store = std::make_unique<kv::Store>();
  kv::Batch batch;
  std::uint64_t index = 0;
  for (std::size_t i = 0; i < keys; ++i) {
    char text[32];
    std::snprintf(text, sizeof text, "key/%012zu", i);
    kv::PutRequest put;
    put.key = Bytes(text, text + kKeyBytes);
    put.value = Bytes(kValueBytes, static_cast<std::uint8_t>('a' + i % 26));
    batch.requests.emplace_back().op.emplace<kv::PutRequest>(std::move(put));
    if (batch.requests.size() == kPutsPerEntry || i + 1 == keys) {
      (void)store->apply(batch, ++index);
      batch.requests.clear();
    }
  }
  return store;
}

double ms_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

void BM_KvSnapshot(benchmark::State& state) {
  const auto keys = static_cast<std::size_t>(state.range(0));
  const std::unique_ptr<kv::Store> store = loaded_store(keys);
  char pattern[] = "/tmp/keel-snapshot-bench-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) return state.SkipWithError("mkdtemp failed");
  const std::size_t step_bytes = node::NodeConfig{}.snapshot_step_bytes;
  double encode_ms = 0, copy_ms = 0, save_ms = 0, steps_ms = 0, max_step_ms = 0, wal_ms = 0;
  double bytes = 0;
  {
    real::PosixFileSystem fs(pattern);
    auto snapshots = storage::SnapshotStore::open(fs, "snap");
    auto wal = storage::Wal::open(fs, "wal", {1, 1}, {.segment_bytes = 4u << 20});
    if (!snapshots || !wal) return state.SkipWithError("cannot open the stores");
    raft::Index index = 0;
    for (auto _ : state) {
      // A log of 16 MiB to release, as the entries since the last snapshot would be.
      state.PauseTiming();
      std::vector<raft::Entry> entries;
      for (int i = 0; i < 16; ++i)
        entries.push_back({1, ++index, raft::EntryType::kNormal, Bytes(1u << 20, 0x78)});
      if (!wal->append(nullptr, entries) || !wal->sync()) state.SkipWithError("wal append");
      state.ResumeTiming();

      auto start = std::chrono::steady_clock::now();
      raft::Snapshot snapshot{{index, 1, {}}, ChunkedBytes(store->snapshot())};
      encode_ms += ms_since(start);
      bytes += static_cast<double>(snapshot.data.size());

      start = std::chrono::steady_clock::now();
      raft::Snapshot kept = snapshot;
      copy_ms += ms_since(start);
      benchmark::DoNotOptimize(kept.data.chunks().data());

      start = std::chrono::steady_clock::now();
      if (!snapshots->save(snapshot)) state.SkipWithError("save");
      save_ms += ms_since(start);

      snapshot.meta.index = ++index;  // a second file, written in steps
      storage::SnapshotWriter writer = snapshots->begin_save(snapshot.meta, snapshot.data.size());
      for (bool done = false; !done;) {
        start = std::chrono::steady_clock::now();
        auto stepped = writer.step(snapshot.data, step_bytes);
        const double step_ms = ms_since(start);
        if (!stepped) {
          state.SkipWithError("step");
          break;
        }
        done = *stepped;
        steps_ms += step_ms;
        max_step_ms = std::max(max_step_ms, step_ms);
      }

      start = std::chrono::steady_clock::now();
      if (!wal->save_snapshot({index, 1}) || !wal->sync() || !wal->release_before(index) ||
          !snapshots->release_before(index)) {
        state.SkipWithError("release");
      }
      wal_ms += ms_since(start);
    }
  }
  std::filesystem::remove_all(pattern);
  const auto n = static_cast<double>(state.iterations());
  state.counters["encode_ms"] = encode_ms / n;
  state.counters["copy_ms"] = copy_ms / n;
  state.counters["save_ms"] = save_ms / n;
  state.counters["steps_ms"] = steps_ms / n;
  state.counters["max_step_ms"] = max_step_ms;
  state.counters["wal_ms"] = wal_ms / n;
  state.counters["snapshot_mb"] = bytes / n / (1 << 20);
}
BENCHMARK(BM_KvSnapshot)
    ->Arg(100000)
    ->Arg(1000000)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->Iterations(3);

}  // namespace
}  // namespace keel
