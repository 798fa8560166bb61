// Crash at every point of a write sequence: a Raft-like workload (appends, overwrites of a
// suffix, hard states, local and installed snapshots, compaction) runs against Storage over a
// disk that dies after a seed-chosen number of operations; the disk then crashes (losing or
// corrupting unsynced tails and unsynced names) and Storage recovers, possibly dying again while
// it repairs. The recovered state must be exactly what the log held after some prefix of the
// records written since the last successful sync: everything synced comes back, nothing else does,
// and recovery never fails.
#include <gtest/gtest.h>

#include <iostream>

#include "core/env/random.h"
#include "core/storage/storage.h"
#include "sim/sim_file_system.h"
#include "storage_test_util.h"

namespace keel::storage {
namespace {

using testing::DyingFileSystem;

constexpr WalIdentity kId{0xABC, 1};

// An independent model of what the records mean (log_tracker.h), without released holes.
struct Model {
  raft::HardState hard_state;
  SnapshotMark mark;
  std::vector<raft::Entry> entries;  // mark.index + 1, ...

  raft::Index last() const { return mark.index + entries.size(); }
  raft::Term term_at(raft::Index i) const { return entries[i - mark.index - 1].term; }

  void entry(const raft::Entry& e) {
    if (e.index <= mark.index) return;
    ASSERT_LE(e.index, last() + 1);
    entries.resize(e.index - mark.index - 1);
    entries.push_back(e);
  }
  void snapshot(SnapshotMark m) {
    if (m.index <= last() && m.index > mark.index && term_at(m.index) == m.term) {
      entries.erase(entries.begin(),
                    entries.begin() + static_cast<std::ptrdiff_t>(m.index - mark.index));
    } else {
      entries.clear();
    }
    mark = m;
  }
  friend bool operator==(const Model&, const Model&) = default;
};

std::string describe(const Model& m) {
  return str("hs{", m.hard_state.term, ",", m.hard_state.vote, ",", m.hard_state.commit, "} snap{",
             m.mark.index, ",", m.mark.term, "} entries ", m.mark.index + 1, "..", m.last());
}

struct Counters {
  int crashes = 0;
  int recovered_unsynced = 0;  // recovered more than the last synced state
  int torn_tails = 0;          // recoveries that truncated something
  int deaths_in_recovery = 0;
  int releases = 0;
};

class Workload {
 public:
  Workload(std::uint64_t seed, Counters& counters)
      : random_(Random(seed).derive("workload")),
        disk_(Random(seed).derive("disk")),
        counters_(counters) {}

  void run(int cycles) {
    for (int cycle = 0; cycle < cycles; ++cycle) {
      std::unique_ptr<DyingFileSystem> fs;
      std::optional<Storage> storage = recover(fs);
      if (!storage) return;
      write(*storage);
      if (::testing::Test::HasFatalFailure()) return;
      storage.reset();
      crash();
    }
  }

 private:
  static constexpr StorageOptions kOptions{.wal = {.segment_bytes = 700}};

  void crash() {
    ++counters_.crashes;
    disk_.crash(random_.chance(0.5) ? sim::CrashMode::kCorruptTail : sim::CrashMode::kLoseUnsynced);
  }

  // Opens the storage, dying and retrying now and then, and checks what it recovered.
  std::optional<Storage> recover(std::unique_ptr<DyingFileSystem>& fs) {
    for (;;) {
      const std::uint64_t budget = random_.chance(0.2) ? random_.below(6) : 1000000;
      fs = std::make_unique<DyingFileSystem>(disk_, budget);
      {
        auto storage = Storage::open(*fs, "data", kId, kOptions);
        if (!storage) {
          if (fs->dead() && storage.error().code == Errc::kIo) {
            ++counters_.deaths_in_recovery;
            crash();
            continue;
          }
          ADD_FAILURE() << "recovery failed: " << storage.error().message;
          return std::nullopt;
        }
        Recovered recovered = storage->take_recovered();
        if (recovered.snapshot) {
          const raft::SnapshotMeta& meta = recovered.snapshot->meta;
          EXPECT_EQ(recovered.snapshot->data.flatten(), snapshot_data({meta.index, meta.term}))
              << "snapshot " << meta.index;
        }
        const Model got = from(std::move(recovered));
        check_in_history(got);
        if (storage->wal().stats().torn_bytes_dropped > 0) ++counters_.torn_tails;
        model_ = got;
        history_ = {model_};
        synced_mark_ = model_.mark;
      }
      // The next write phase dies somewhere.
      fs = std::make_unique<DyingFileSystem>(disk_, random_.below(150));
      auto reopened = Storage::open(*fs, "data", kId, kOptions);
      if (!reopened) {
        EXPECT_TRUE(fs->dead()) << reopened.error().message;
        crash();
        continue;
      }
      EXPECT_EQ(describe(model_), describe(from(reopened->take_recovered())));
      return std::move(*reopened);
    }
  }

  static Model from(Recovered recovered) {
    Model m{recovered.hard_state, {}, std::move(recovered.entries)};
    if (recovered.snapshot)
      m.mark = {recovered.snapshot->meta.index, recovered.snapshot->meta.term};
    return m;
  }

  void check_in_history(const Model& got) {
    for (std::size_t i = 0; i < history_.size(); ++i) {
      if (history_[i] == got) {
        if (i > 0) ++counters_.recovered_unsynced;
        return;
      }
    }
    std::string states;
    for (const Model& m : history_) states += "\n  " + describe(m);
    ADD_FAILURE() << "recovered " << describe(got) << ", which is none of the states since the "
                  << "last sync:" << states;
  }

  void record() { history_.push_back(model_); }

  raft::Entry make_entry(raft::Index index) {
    Bytes data(random_.below(160));
    for (auto& b : data) b = static_cast<std::uint8_t>(random_.next());
    return {term_, index,
            random_.chance(0.1) ? raft::EntryType::kConfChange : raft::EntryType::kNormal,
            std::move(data)};
  }

  // Runs operations until the disk dies (or 40 operations pass).
  void write(Storage& storage) {
    for (int op = 0; op < 40; ++op) {
      const std::uint64_t kind = random_.below(100);
      Status status;
      if (kind < 40) {
        raft::Index from = model_.last() + 1;
        if (random_.chance(0.2) && model_.last() > model_.mark.index) {
          from = model_.mark.index + 1 + random_.below(model_.last() - model_.mark.index);
          ++term_;  // a new leader overwrites a suffix
        }
        std::vector<raft::Entry> batch;
        const std::uint64_t n = 1 + random_.below(6);
        for (std::uint64_t i = 0; i < n; ++i) batch.push_back(make_entry(from + i));
        std::optional<raft::HardState> state;
        if (random_.chance(0.5)) state = raft::HardState{term_, random_.below(4), model_.last()};
        status = storage.append(state ? &*state : nullptr, batch);
        if (!status) break;
        for (const raft::Entry& e : batch) {
          model_.entry(e);
          record();
        }
        if (state) {
          model_.hard_state = *state;
          record();
        }
      } else if (kind < 65) {
        status = storage.sync();
        if (!status) break;
        history_ = {model_};
        synced_mark_ = model_.mark;
      } else if (kind < 75) {
        const raft::HardState state{++term_, random_.below(4), model_.hard_state.commit};
        status = storage.append(&state, {});
        if (!status) break;
        model_.hard_state = state;
        record();
      } else if (kind < 85 && model_.last() > model_.mark.index) {
        // A local snapshot (compaction) at an index the log holds.
        const raft::Index at =
            model_.mark.index + 1 + random_.below(model_.last() - model_.mark.index);
        status = save_snapshot(storage, {at, model_.term_at(at)});
        if (!status) break;
      } else if (kind < 90) {
        // A snapshot installed from a leader, past our log.
        status = save_snapshot(storage, {model_.last() + 1 + random_.below(4), ++term_});
        if (!status) break;
      } else if (synced_mark_.index > 0) {
        status = storage.release_before(synced_mark_.index);
        if (!status) break;
        ++counters_.releases;
      }
    }
  }

  // A state machine is deterministic: the snapshot at one index and term is always the same.
  static Bytes snapshot_data(SnapshotMark mark) {
    Random random(mix64(mark.index * 1000003 + mark.term));
    Bytes data(1 + random.below(100));
    for (auto& b : data) b = static_cast<std::uint8_t>(random.next());
    return data;
  }

  Status save_snapshot(Storage& storage, SnapshotMark mark) {
    raft::Snapshot snapshot;
    snapshot.meta.index = mark.index;
    snapshot.meta.term = mark.term;
    snapshot.meta.conf.voters = {1, 2, 3};
    snapshot.data = ChunkedBytes(snapshot_data(mark));
    const Status saved = storage.save_snapshot(snapshot);
    if (saved) {
      model_.snapshot(mark);
      record();
    }
    return saved;
  }

  Random random_;
  sim::SimFileSystem disk_;
  Counters& counters_;
  Model model_;
  std::vector<Model> history_{Model{}};  // model states since the last sync, one per record
  SnapshotMark synced_mark_;
  raft::Term term_ = 1;
};

TEST(StorageCrash, EverySyncedRecordSurvivesAndNothingElse) {
  Counters counters;
  for (std::uint64_t seed = 1; seed <= 2000; ++seed) {
    SCOPED_TRACE(str("seed ", seed));
    Workload(seed, counters).run(5);
    if (HasFailure()) return;
  }
  // The workload must actually reach the interesting cases.
  EXPECT_GT(counters.recovered_unsynced, 50);
  EXPECT_GT(counters.torn_tails, 50);
  EXPECT_GT(counters.deaths_in_recovery, 20);
  EXPECT_GT(counters.releases, 50);
  std::cout << "crashes " << counters.crashes << ", recovered past the last sync "
            << counters.recovered_unsynced << ", torn tails " << counters.torn_tails
            << ", deaths in recovery " << counters.deaths_in_recovery << ", releases "
            << counters.releases << "\n";
}

}  // namespace
}  // namespace keel::storage
