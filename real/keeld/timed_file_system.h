// TimedFileSystem: a FileSystem that passes every call to another and times the sync() of the
// files under one directory (keeld times "wal": etcd's wal fsync duration) into a
// LatencyHistogram. Time is read from std::chrono::steady_clock, which real/ may use (DESIGN.md
// principle 2 keeps it out of core/ only). Both the inner file system and the histogram must
// outlive it and every file it opens.
#pragma once

#include <string>

#include "core/env/file_system.h"
#include "real/keeld/latency_histogram.h"

namespace keel::real::keeld {

class TimedFileSystem final : public FileSystem {
 public:
  TimedFileSystem(FileSystem& inner, std::string timed_dir, LatencyHistogram& syncs)
      : inner_(inner), timed_dir_(std::move(timed_dir)), syncs_(syncs) {}

  Result<std::unique_ptr<File>> open(std::string_view path, OpenMode mode) override;
  Status rename(std::string_view from, std::string_view to) override {
    return inner_.rename(from, to);
  }
  Status remove(std::string_view path) override { return inner_.remove(path); }
  Status create_dir(std::string_view path) override { return inner_.create_dir(path); }
  Status sync_dir(std::string_view path) override { return inner_.sync_dir(path); }
  Result<std::vector<std::string>> list(std::string_view dir) const override {
    return inner_.list(dir);
  }
  bool exists(std::string_view path) const override { return inner_.exists(path); }

 private:
  FileSystem& inner_;
  std::string timed_dir_;
  LatencyHistogram& syncs_;
};

}  // namespace keel::real::keeld
