#include "sim/file_contents.h"

#include <algorithm>
#include <cstring>

#include "core/env/assert.h"

namespace keel::sim {

void FileContents::append(ByteView data) {
  std::size_t done = 0;
  while (done < data.size()) {
    const std::size_t within = size_ % kChunkBytes;
    if (within == 0) {
      // The chunks end exactly at size_ (truncate frees any past it). Never zeroed: every byte
      // below size_ has been written.
      chunks_.push_back(std::make_unique_for_overwrite<std::uint8_t[]>(kChunkBytes));
    }
    const std::size_t n = std::min(kChunkBytes - within, data.size() - done);
    std::memcpy(chunks_[size_ / kChunkBytes].get() + within, data.data() + done, n);
    done += n;
    size_ += n;
  }
}

Bytes FileContents::read(std::uint64_t offset, std::size_t length) const {
  if (offset >= size_) return {};
  const std::size_t total = std::min<std::uint64_t>(length, size_ - offset);
  Bytes out(total);
  std::size_t done = 0;
  while (done < total) {
    const std::uint64_t at = offset + done;
    const std::size_t within = at % kChunkBytes;
    const std::size_t n = std::min(kChunkBytes - within, total - done);
    std::memcpy(out.data() + done, chunks_[at / kChunkBytes].get() + within, n);
    done += n;
  }
  return out;
}

void FileContents::truncate(std::uint64_t length) {
  KEEL_ASSERT(length <= size_, "FileContents::truncate to ", length, " bytes, past the end at ",
              size_);
  size_ = length;
  chunks_.resize((length + kChunkBytes - 1) / kChunkBytes);
}

FileContents FileContents::prefix(std::uint64_t length) const {
  KEEL_ASSERT(length <= size_, "FileContents::prefix of ", length, " bytes, past the end at ",
              size_);
  FileContents copy;
  for (std::uint64_t at = 0; at < length; at += kChunkBytes) {
    const std::size_t n = std::min<std::uint64_t>(kChunkBytes, length - at);
    copy.append(ByteView(chunks_[at / kChunkBytes].get(), n));
  }
  return copy;
}

}  // namespace keel::sim
