// ChunkedBytes: an immutable byte string held as a sequence of shared, immutable chunks. A large
// state that only grows (the AppendRegister) keeps its image in chunks, so a snapshot of it shares
// the chunks instead of copying the whole image, and a snapshot file is written chunk by chunk
// without first assembling one more buffer (issue 3: the speed fell as the register grew).
//
// Contract:
// - A chunk never changes once made; copies of a ChunkedBytes share its chunks (a reference count
//   per chunk, as std::shared_ptr). Building one appends chunks; the bytes are the chunks' bytes in
//   order. Where the chunk boundaries lie is not part of the value: operator== compares content.
// - A chunk carries a slot for the CRC32C of its bytes, filled in once by whoever first needs it
//   (storage's snapshot writer, core/storage/snapshot_writer.h): since the bytes never change, the
//   checksum stays right, and a chunk shared by many snapshots is checksummed once.
// - The reference counts are std::shared_ptr's; the copies stay on one thread anyway (DESIGN.md
//   principle 1).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "core/env/types.h"

namespace keel {

class ChunkedBytes {
 public:
  struct Chunk {
    explicit Chunk(Bytes b) : bytes(std::move(b)) {}
    const Bytes bytes;
    mutable std::optional<std::uint32_t> crc32c;  // of `bytes`, once someone computed it
  };
  using ChunkPtr = std::shared_ptr<const Chunk>;

  ChunkedBytes() = default;
  // One chunk holding `bytes` (moved in, not copied).
  explicit ChunkedBytes(Bytes bytes) { append(std::move(bytes)); }

  // Appends a new chunk holding `bytes` (nothing if empty).
  void append(Bytes bytes);
  // Appends a chunk shared with its other holders (nothing if empty).
  void append(ChunkPtr chunk);

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  std::span<const ChunkPtr> chunks() const { return chunks_; }

  // Copies `length` bytes from `offset` (offset + length <= size()), across chunks if need be.
  Bytes copy(std::size_t offset, std::size_t length) const;
  // All the bytes as one buffer (a copy).
  Bytes flatten() const { return copy(0, size_); }
  // Calls `f` with every piece of [offset, offset + length) in order, each a view into a chunk.
  template <typename F>
  void for_each_piece(std::size_t offset, std::size_t length, F&& f) const;
  // The same pieces, each as `f(chunk, offset in the chunk, length)`, for a holder that keeps a
  // reference to the chunk instead of copying the piece (env::File::append_shared).
  template <typename F>
  void for_each_chunk_piece(std::size_t offset, std::size_t length, F&& f) const;

  friend bool operator==(const ChunkedBytes& a, const ChunkedBytes& b);

 private:
  std::vector<ChunkPtr> chunks_;  // none empty
  std::size_t size_ = 0;
};

template <typename F>
void ChunkedBytes::for_each_piece(std::size_t offset, std::size_t length, F&& f) const {
  for_each_chunk_piece(offset, length, [&](const ChunkPtr& chunk, std::size_t at, std::size_t n) {
    f(ByteView(chunk->bytes).subspan(at, n));
  });
}

template <typename F>
void ChunkedBytes::for_each_chunk_piece(std::size_t offset, std::size_t length, F&& f) const {
  for (const ChunkPtr& chunk : chunks_) {
    if (length == 0) return;
    const std::size_t chunk_size = chunk->bytes.size();
    if (offset >= chunk_size) {
      offset -= chunk_size;
      continue;
    }
    const std::size_t take = std::min(length, chunk_size - offset);
    f(chunk, offset, take);
    offset = 0;
    length -= take;
  }
}

}  // namespace keel
