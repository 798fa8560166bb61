// PosixFileSystem: env::FileSystem over real files under one directory, with the durability the
// contract promises made real: sync() is fdatasync(2), sync_dir() fsyncs the directory.
#pragma once

#include <string>

#include "core/env/file_system.h"

namespace keel::real {

class PosixFileSystem final : public FileSystem {
 public:
  // Paths given to the methods are relative to `root`, which must exist.
  explicit PosixFileSystem(std::string root);

  Result<std::unique_ptr<File>> open(std::string_view path, OpenMode mode) override;
  Status rename(std::string_view from, std::string_view to) override;
  Status remove(std::string_view path) override;
  Status create_dir(std::string_view path) override;
  Status sync_dir(std::string_view path) override;
  Result<std::vector<std::string>> list(std::string_view dir) const override;
  bool exists(std::string_view path) const override;

 private:
  std::string full(std::string_view path) const;
  std::string root_;
};

}  // namespace keel::real
