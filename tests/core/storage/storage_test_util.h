// Test helpers for core/storage: a FileSystem that dies after a budget of operations (a crash in
// the middle of a write sequence), and whole-file read/rewrite for injecting corruption.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "core/env/file_system.h"
#include "core/env/str.h"
#include "sim/sim_file_system.h"

namespace keel::storage::testing {

// Forwards to another FileSystem until `budget` mutating operations (append, truncate, sync,
// open, rename, remove, create_dir, sync_dir) have run; from then on every operation fails with
// Errc::kIo, as if the process had died there. Reads keep working.
class DyingFileSystem final : public FileSystem {
 public:
  DyingFileSystem(FileSystem& inner, std::uint64_t budget) : inner_(inner), budget_(budget) {}

  bool dead() const { return used_ >= budget_; }
  std::uint64_t used() const { return used_; }

  Result<std::unique_ptr<File>> open(std::string_view path, OpenMode mode) override {
    if (!spend()) return std::unexpected(died());
    auto file = inner_.open(path, mode);
    if (!file) return file;
    return std::make_unique<DyingFile>(*this, std::move(*file));
  }
  Status rename(std::string_view from, std::string_view to) override {
    if (!spend()) return std::unexpected(died());
    return inner_.rename(from, to);
  }
  Status remove(std::string_view path) override {
    if (!spend()) return std::unexpected(died());
    return inner_.remove(path);
  }
  Status create_dir(std::string_view path) override {
    if (!spend()) return std::unexpected(died());
    return inner_.create_dir(path);
  }
  Status sync_dir(std::string_view path) override {
    if (!spend()) return std::unexpected(died());
    return inner_.sync_dir(path);
  }
  Result<std::vector<std::string>> list(std::string_view dir) const override {
    return inner_.list(dir);
  }
  bool exists(std::string_view path) const override { return inner_.exists(path); }

 private:
  class DyingFile final : public File {
   public:
    DyingFile(DyingFileSystem& fs, std::unique_ptr<File> inner)
        : fs_(fs), inner_(std::move(inner)) {}
    Status append(ByteView data) override {
      if (!fs_.spend()) return std::unexpected(died());
      return inner_->append(data);
    }
    Result<Bytes> read(std::uint64_t offset, std::size_t length) const override {
      return inner_->read(offset, length);
    }
    std::uint64_t size() const override { return inner_->size(); }
    Status truncate(std::uint64_t size) override {
      if (!fs_.spend()) return std::unexpected(died());
      return inner_->truncate(size);
    }
    Status sync() override {
      if (!fs_.spend()) return std::unexpected(died());
      return inner_->sync();
    }

   private:
    DyingFileSystem& fs_;
    std::unique_ptr<File> inner_;
  };

  static Error died() { return Error{Errc::kIo, "injected crash"}; }
  bool spend() {
    if (used_ >= budget_) return false;
    ++used_;
    return true;
  }

  FileSystem& inner_;
  std::uint64_t budget_;
  std::uint64_t used_ = 0;
};

inline Bytes read_file(FileSystem& fs, std::string_view path) {
  auto file = fs.open(path, OpenMode::kOpenExisting);
  EXPECT_TRUE(file.has_value()) << path;
  if (!file) return {};
  auto data = (*file)->read(0, (*file)->size());
  EXPECT_TRUE(data.has_value());
  return data ? *data : Bytes{};
}

// Replaces a file's contents durably.
inline void rewrite_file(FileSystem& fs, std::string_view path, const Bytes& contents) {
  auto file = fs.open(path, OpenMode::kOpenExisting);
  ASSERT_TRUE(file.has_value()) << path;
  ASSERT_TRUE((*file)->truncate(0));
  ASSERT_TRUE((*file)->append(contents));
  ASSERT_TRUE((*file)->sync());
}

inline Bytes bytes_of(std::string_view text) { return Bytes(text.begin(), text.end()); }

}  // namespace keel::storage::testing
