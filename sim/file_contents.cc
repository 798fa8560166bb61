#include "sim/file_contents.h"

#include <algorithm>
#include <cstring>

#include "core/env/assert.h"

namespace keel::sim {

void FileContents::append(ByteView data) {
  std::size_t done = 0;
  while (done < data.size()) {
    if (pieces_.empty() || !pieces_.back().owned || pieces_.back().length == kChunkBytes) {
      // Never zeroed: every byte below a piece's length has been written.
      Piece piece;
      piece.start = size_;
      piece.owned = std::make_unique_for_overwrite<std::uint8_t[]>(kChunkBytes);
      pieces_.push_back(std::move(piece));
    }
    Piece& last = pieces_.back();
    const std::size_t n = std::min(kChunkBytes - last.length, data.size() - done);
    std::memcpy(last.owned.get() + last.length, data.data() + done, n);
    last.length += n;
    done += n;
    size_ += n;
  }
}

void FileContents::append(const ChunkedBytes::ChunkPtr& chunk, std::size_t offset,
                          std::size_t length) {
  KEEL_ASSERT(chunk != nullptr, "a null chunk appended to a simulated file");
  KEEL_ASSERT(offset <= chunk->bytes.size() && length <= chunk->bytes.size() - offset,
              "FileContents::append of ", length, " bytes at ", offset, " of a chunk of ",
              chunk->bytes.size());
  if (length < kMinSharedBytes) {
    append(ByteView(chunk->bytes).subspan(offset, length));
    return;
  }
  Piece piece;
  piece.start = size_;
  piece.length = length;
  piece.shared = chunk;
  piece.shared_offset = offset;
  pieces_.push_back(std::move(piece));
  size_ += length;
}

Bytes FileContents::read(std::uint64_t offset, std::size_t length) const {
  if (offset >= size_) return {};
  const std::size_t total = std::min<std::uint64_t>(length, size_ - offset);
  Bytes out(total);
  // The first piece that ends past `offset`: the last one starting at or before it.
  auto it = std::upper_bound(pieces_.begin(), pieces_.end(), offset,
                             [](std::uint64_t at, const Piece& piece) { return at < piece.start; });
  --it;
  std::size_t done = 0;
  while (done < total) {
    KEEL_ASSERT(it != pieces_.end(), "FileContents: pieces end before size ", size_);
    const std::size_t within = offset + done - it->start;
    const std::size_t n = std::min(it->length - within, total - done);
    std::memcpy(out.data() + done, it->data() + within, n);
    done += n;
    ++it;
  }
  return out;
}

void FileContents::truncate(std::uint64_t length) {
  KEEL_ASSERT(length <= size_, "FileContents::truncate to ", length, " bytes, past the end at ",
              size_);
  while (!pieces_.empty() && pieces_.back().start >= length) pieces_.pop_back();
  if (!pieces_.empty()) pieces_.back().length = length - pieces_.back().start;
  size_ = length;
}

FileContents FileContents::prefix(std::uint64_t length) const {
  KEEL_ASSERT(length <= size_, "FileContents::prefix of ", length, " bytes, past the end at ",
              size_);
  FileContents copy;
  for (const Piece& piece : pieces_) {
    if (piece.start >= length) break;
    const std::size_t n = std::min<std::uint64_t>(piece.length, length - piece.start);
    if (piece.owned) {
      copy.append(ByteView(piece.owned.get(), n));
    } else {
      copy.append(piece.shared, piece.shared_offset, n);
    }
  }
  return copy;
}

}  // namespace keel::sim
