// FileContents: a simulated file's contents, kept in fixed-size chunks.
//
// Contract: a byte string that grows at its end and is cut back from its end. Appending never moves
// a byte already stored: a full chunk stays where it is and the next byte starts a new one, so a
// file of n bytes costs n bytes of copying to write, where a std::vector that doubles would copy
// its whole contents (and fault in fresh pages) each time it outgrows its capacity. Chunks are
// below glibc's mmap threshold, so a released segment's chunks are reused by the next one.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/env/types.h"

namespace keel::sim {

class FileContents {
 public:
  static constexpr std::size_t kChunkBytes = std::size_t{64} << 10;

  FileContents() = default;
  FileContents(FileContents&&) noexcept = default;
  FileContents& operator=(FileContents&&) noexcept = default;
  // Copies are explicit (prefix()), since a file's contents may be megabytes.
  FileContents(const FileContents&) = delete;
  FileContents& operator=(const FileContents&) = delete;

  std::uint64_t size() const { return size_; }
  void append(ByteView data);
  // Up to `length` bytes at `offset`: fewer at the end, none past it (as env::File::read).
  Bytes read(std::uint64_t offset, std::size_t length) const;
  // Cuts the contents to `length` bytes, which must not exceed size(); frees the chunks past it.
  void truncate(std::uint64_t length);
  // A copy of the first `length` bytes, which must not exceed size().
  FileContents prefix(std::uint64_t length) const;

 private:
  std::vector<std::unique_ptr<std::uint8_t[]>> chunks_;  // chunk k holds bytes k * kChunkBytes...
  std::uint64_t size_ = 0;
};

}  // namespace keel::sim
