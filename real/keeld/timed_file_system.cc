#include "real/keeld/timed_file_system.h"

#include <chrono>

namespace keel::real::keeld {
namespace {

class TimedFile final : public File {
 public:
  TimedFile(std::unique_ptr<File> inner, LatencyHistogram& syncs)
      : inner_(std::move(inner)), syncs_(syncs) {}

  Status append(ByteView data) override { return inner_->append(data); }
  Result<Bytes> read(std::uint64_t offset, std::size_t length) const override {
    return inner_->read(offset, length);
  }
  std::uint64_t size() const override { return inner_->size(); }
  Status truncate(std::uint64_t size) override { return inner_->truncate(size); }
  Status sync() override {
    const auto start = std::chrono::steady_clock::now();
    Status synced = inner_->sync();
    syncs_.observe(std::chrono::duration_cast<Duration>(std::chrono::steady_clock::now() - start));
    return synced;
  }

 private:
  std::unique_ptr<File> inner_;
  LatencyHistogram& syncs_;
};

}  // namespace

Result<std::unique_ptr<File>> TimedFileSystem::open(std::string_view path, OpenMode mode) {
  auto file = inner_.open(path, mode);
  if (!file || !path.starts_with(timed_dir_ + "/")) return file;
  return std::unique_ptr<File>(std::make_unique<TimedFile>(std::move(*file), syncs_));
}

}  // namespace keel::real::keeld
