#include "core/node/append_register.h"

#include <algorithm>
#include <memory>

#include "core/codec/bounded_writer.h"
#include "core/codec/limits.h"
#include "core/codec/reader.h"
#include "core/codec/writer.h"
#include "core/env/assert.h"

namespace keel::node {

void AppendRegister::apply(const raft::Entry& entry) { append(entry.data); }

void AppendRegister::append(ByteView value) {
  KEEL_ASSERT(size_ < kMaxValues, "the register is full at ", kMaxValues, " values");
  KEEL_ASSERT(value.size() <= codec::kMaxEntryDataBytes, "a value of ", value.size(),
              " bytes, over kMaxEntryDataBytes");
  const std::size_t encoded = codec::kMaxVarintBytes + value.size();  // at most
  if (open_used_ + encoded > open_.size()) open_chunk(encoded);
  // Encoded in place, as codec::Writer::bytes would append it.
  std::uint8_t* const at = codec::put_varint(open_.data() + open_used_, value.size());
  const auto offset = static_cast<std::size_t>(at - open_.data());
  codec::put_raw(at, value);
  open_used_ = offset + value.size();
  ++size_;
}

void AppendRegister::open_chunk(std::size_t encoded) {
  if (open_used_ > 0) {
    open_.resize(open_used_);  // shrinks, so moves nothing
    sealed_.push_back(std::make_shared<const ChunkedBytes::Chunk>(std::move(open_)));
  }
  open_ = Bytes(std::max(kChunkBytes, encoded));
  open_used_ = 0;
}

ByteView AppendRegister::Cursor::next() {
  KEEL_ASSERT(left_ > 0, "read past the ", reg_->size_, " values of a register");
  while (offset_ == reg_->chunk(chunk_).size()) {
    ++chunk_;
    offset_ = 0;
  }
  const ByteView chunk = reg_->chunk(chunk_);
  codec::Reader reader(chunk.subspan(offset_));
  const ByteView value = reader.bytes("register.value", codec::kMaxEntryDataBytes);
  KEEL_ASSERT(reader.ok(), "the register's own encoding does not decode at offset ", offset_,
              " of chunk ", chunk_);
  offset_ = static_cast<std::size_t>(value.data() + value.size() - chunk.data());
  --left_;
  return value;
}

ChunkedBytes AppendRegister::snapshot() const {
  Bytes count;
  codec::Writer(count).varint(size_);
  ChunkedBytes out(std::move(count));
  for (const ChunkedBytes::ChunkPtr& chunk : sealed_) out.append(chunk);
  out.append(Bytes(open_.begin(), open_.begin() + static_cast<std::ptrdiff_t>(open_used_)));
  return out;
}

Status AppendRegister::restore(ByteView snapshot) {
  codec::Reader reader(snapshot);
  const std::size_t count = reader.count("register.count", kMaxValues);
  AppendRegister restored;
  for (std::size_t i = 0; i < count && reader.ok(); ++i) {
    const ByteView value = reader.bytes("register.value", codec::kMaxEntryDataBytes);
    if (reader.ok()) restored.append(value);
  }
  if (Status done = reader.finish("register snapshot"); !done) return done;
  *this = std::move(restored);
  return {};
}

}  // namespace keel::node
