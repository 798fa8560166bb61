#include "core/env/chunked_bytes.h"

#include <algorithm>

#include "core/env/assert.h"

namespace keel {

void ChunkedBytes::append(Bytes bytes) {
  if (bytes.empty()) return;
  append(std::make_shared<const Chunk>(std::move(bytes)));
}

void ChunkedBytes::append(ChunkPtr chunk) {
  KEEL_ASSERT(chunk != nullptr, "a null chunk appended to ChunkedBytes");
  if (chunk->bytes.empty()) return;
  size_ += chunk->bytes.size();
  chunks_.push_back(std::move(chunk));
}

Bytes ChunkedBytes::copy(std::size_t offset, std::size_t length) const {
  KEEL_ASSERT(offset <= size_ && length <= size_ - offset, "a copy of ", length, " bytes at ",
              offset, " out of ", size_, " chunked bytes");
  Bytes out;
  out.reserve(length);
  for_each_piece(offset, length,
                 [&](ByteView piece) { out.insert(out.end(), piece.begin(), piece.end()); });
  return out;
}

bool operator==(const ChunkedBytes& a, const ChunkedBytes& b) {
  if (a.size() != b.size()) return false;
  // Walks both chunk sequences at once; their boundaries may differ.
  std::size_t ai = 0, bi = 0, ao = 0, bo = 0;
  while (ai < a.chunks_.size() && bi < b.chunks_.size()) {
    const Bytes& ac = a.chunks_[ai]->bytes;
    const Bytes& bc = b.chunks_[bi]->bytes;
    const std::size_t n = std::min(ac.size() - ao, bc.size() - bo);
    if (!std::equal(ac.begin() + static_cast<std::ptrdiff_t>(ao),
                    ac.begin() + static_cast<std::ptrdiff_t>(ao + n),
                    bc.begin() + static_cast<std::ptrdiff_t>(bo))) {
      return false;
    }
    ao += n;
    bo += n;
    if (ao == ac.size()) ++ai, ao = 0;
    if (bo == bc.size()) ++bi, bo = 0;
  }
  return true;
}

}  // namespace keel
