// FileContents: a simulated file's contents, kept as a sequence of pieces: buffers of its own, and
// references to shared immutable chunks (core/env/chunked_bytes.h) that were appended as such.
//
// Contract: a byte string that grows at its end and is cut back from its end. Appending never moves
// a byte already stored: a full buffer stays where it is and the next byte starts a new one, so a
// file of n bytes costs n bytes of copying to write, where a std::vector that doubles would copy
// its whole contents (and fault in fresh pages) each time it outgrows its capacity. Buffers are
// below glibc's mmap threshold, so a released segment's buffers are reused by the next one.
// A shared chunk's bytes are not copied at all: the piece holds a reference to the chunk (which
// never changes) and the range of it that was appended, so a snapshot file made of the register's
// chunks costs a few words per chunk (issue 3: copying them was 12% of the time at 1.7 M values).
// Where the pieces lie is not visible: reads, sizes, truncation and prefix() see only the bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "core/env/chunked_bytes.h"
#include "core/env/types.h"

namespace keel::sim {

class FileContents {
 public:
  // The capacity of a buffer of the file's own.
  static constexpr std::size_t kChunkBytes = std::size_t{64} << 10;
  // A shared range shorter than this is copied: a reference would cost more than its bytes.
  static constexpr std::size_t kMinSharedBytes = std::size_t{4} << 10;

  FileContents() = default;
  FileContents(FileContents&&) noexcept = default;
  FileContents& operator=(FileContents&&) noexcept = default;
  // Copies are explicit (prefix()), since a file's contents may be megabytes.
  FileContents(const FileContents&) = delete;
  FileContents& operator=(const FileContents&) = delete;

  std::uint64_t size() const { return size_; }
  void append(ByteView data);
  // Appends bytes [offset, offset + length) of `chunk`, which must lie within it, by reference.
  void append(const ChunkedBytes::ChunkPtr& chunk, std::size_t offset, std::size_t length);
  // Up to `length` bytes at `offset`: fewer at the end, none past it (as env::File::read).
  Bytes read(std::uint64_t offset, std::size_t length) const;
  // Cuts the contents to `length` bytes, which must not exceed size(); frees the pieces past it.
  void truncate(std::uint64_t length);
  // A copy of the first `length` bytes, which must not exceed size(); it shares the shared chunks.
  FileContents prefix(std::uint64_t length) const;

 private:
  // Bytes [start, start + length) of the file: in `owned` (kChunkBytes of capacity), or at
  // `shared_offset` in `shared`. Never empty.
  struct Piece {
    std::uint64_t start = 0;
    std::size_t length = 0;
    std::unique_ptr<std::uint8_t[]> owned;
    ChunkedBytes::ChunkPtr shared;
    std::size_t shared_offset = 0;

    const std::uint8_t* data() const {
      return owned ? owned.get() : shared->bytes.data() + shared_offset;
    }
  };

  std::vector<Piece> pieces_;  // in file order, contiguous from 0 to size_
  std::uint64_t size_ = 0;
};

}  // namespace keel::sim
