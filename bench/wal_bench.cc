// WAL and codec throughput. BM_WalAppendSync runs over SimFileSystem (in memory, instant syncs)
// to measure Keel's own cost per entry (encoding, CRC, buffering, bookkeeping);
// BM_WalAppendSyncRealFiles measures the same on real files with fdatasync.
#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>

#include "core/codec/crc32c.h"
#include "core/codec/frame.h"
#include "core/codec/raft_codec.h"
#include "core/env/random.h"
#include "core/storage/wal.h"
#include "real/posix_file_system.h"
#include "sim/sim_file_system.h"

namespace keel {
namespace {

Bytes random_bytes(Random& random, std::size_t n) {
  Bytes data(n);
  for (auto& b : data) b = static_cast<std::uint8_t>(random.next());
  return data;
}

std::vector<raft::Entry> make_entries(Random& random, raft::Index first, std::size_t count,
                                      std::size_t bytes) {
  std::vector<raft::Entry> entries;
  for (std::size_t i = 0; i < count; ++i) {
    entries.push_back({3, first + i, raft::EntryType::kNormal, random_bytes(random, bytes)});
  }
  return entries;
}

// Appends batches of 1 KiB entries with one sync per batch (what a node does per Ready), and
// compacts now and then so the disk stays small.
void append_and_sync(benchmark::State& state, FileSystem& fs) {
  const auto batch_size = static_cast<std::size_t>(state.range(0));
  Random random(1);
  auto wal = storage::Wal::open(fs, "wal", {1, 1}, {.segment_bytes = 4u << 20});
  if (!wal) return state.SkipWithError(wal.error().message.c_str());
  std::vector<raft::Entry> batch = make_entries(random, 1, batch_size, 1024);
  raft::HardState hard_state{3, 1, 0};
  for (auto _ : state) {
    hard_state.commit = batch.back().index;
    if (!wal->append(&hard_state, batch) || !wal->sync()) state.SkipWithError("append failed");
    for (auto& entry : batch) entry.index += batch_size;
    if (wal->segment_files().size() > 4) {
      const raft::Index last = wal->last_index();
      if (!wal->save_snapshot({last, 3}) || !wal->sync() || !wal->release_before(last)) {
        state.SkipWithError("compaction failed");
      }
    }
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * batch_size));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * batch_size * 1024));
}

// Keel's own cost per entry: the simulated disk syncs instantly.
void BM_WalAppendSync(benchmark::State& state) {
  sim::SimFileSystem fs{Random(2)};
  append_and_sync(state, fs);
}
BENCHMARK(BM_WalAppendSync)->Arg(1)->Arg(16)->Arg(256);

// The same on real files in /tmp, where every sync is an fdatasync(2): batching is what pays.
void BM_WalAppendSyncRealFiles(benchmark::State& state) {
  char pattern[] = "/tmp/keel-wal-bench-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) return state.SkipWithError("mkdtemp failed");
  {
    real::PosixFileSystem fs(pattern);
    append_and_sync(state, fs);
  }
  std::filesystem::remove_all(pattern);
}
BENCHMARK(BM_WalAppendSyncRealFiles)->Arg(1)->Arg(16)->Arg(256)->UseRealTime();

// Recovery: reading and replaying 16 MiB of 1 KiB entries.
void BM_WalRecover(benchmark::State& state) {
  Random random(3);
  sim::SimFileSystem fs{Random(4)};
  constexpr std::size_t kEntries = 16 * 1024;
  {
    auto wal = storage::Wal::open(fs, "wal", {1, 1});
    const auto entries = make_entries(random, 1, kEntries, 1024);
    if (!wal || !wal->append(nullptr, entries) || !wal->sync()) state.SkipWithError("setup");
  }
  for (auto _ : state) {
    auto wal = storage::Wal::open(fs, "wal", {1, 1});
    if (!wal || wal->take_recovered().entries.size() != kEntries) state.SkipWithError("recover");
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kEntries));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kEntries * 1024));
}
BENCHMARK(BM_WalRecover)->Unit(benchmark::kMillisecond);

raft::Message append_message(std::size_t entries, std::size_t bytes) {
  Random random(5);
  raft::Message m;
  m.type = raft::MessageType::kAppend;
  m.from = 1;
  m.to = 2;
  m.term = 3;
  m.log_term = 3;
  m.index = 1000;
  m.commit = 999;
  m.entries = make_entries(random, 1001, entries, bytes);
  return m;
}

void BM_CodecEncodeMessage(benchmark::State& state) {
  const raft::Message m = append_message(64, static_cast<std::size_t>(state.range(0)));
  std::size_t size = 0;
  for (auto _ : state) {
    Bytes encoded = codec::encode(m);
    size = encoded.size();
    benchmark::DoNotOptimize(encoded.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_CodecEncodeMessage)->Arg(16)->Arg(1024);

void BM_CodecDecodeMessage(benchmark::State& state) {
  const Bytes encoded = codec::encode(append_message(64, static_cast<std::size_t>(state.range(0))));
  for (auto _ : state) {
    auto decoded = codec::decode<raft::Message>(encoded);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * encoded.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}
BENCHMARK(BM_CodecDecodeMessage)->Arg(16)->Arg(1024);

// A whole network frame, CRC included, both ways.
void BM_CodecFrameRoundTrip(benchmark::State& state) {
  const raft::Message m = append_message(64, 1024);
  std::size_t size = 0;
  for (auto _ : state) {
    const SharedBytes frame = codec::encode_frame(7, m);
    size = frame.size();
    auto decoded = codec::decode_frame(frame);
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * size));
}
BENCHMARK(BM_CodecFrameRoundTrip);

void BM_CodecCrc32c(benchmark::State& state) {
  Random random(6);
  const Bytes data = random_bytes(random, 64 * 1024);
  const bool portable = state.range(0) == 0;
  if (!portable && !codec::detail::crc32c_hardware_available()) state.SkipWithError("no SSE4.2");
  for (auto _ : state) {
    benchmark::DoNotOptimize(portable ? codec::detail::crc32c_extend_portable(0, data)
                                      : codec::crc32c(data));
  }
  state.SetLabel(portable ? "portable slicing-by-8" : "dispatched (SSE4.2 if present)");
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}
BENCHMARK(BM_CodecCrc32c)->Arg(0)->Arg(1);

}  // namespace
}  // namespace keel
