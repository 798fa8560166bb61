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
  if (size_ % kPlacesPerBlock == 0) places_.emplace_back().reserve(kPlacesPerBlock);
  places_.back().push_back(Place{static_cast<std::uint32_t>(sealed_.size()),
                                 static_cast<std::uint32_t>(offset),
                                 static_cast<std::uint32_t>(value.size())});
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

ByteView AppendRegister::value(std::size_t i) const {
  KEEL_ASSERT(i < size_, "value ", i, " of a register of ", size_);
  const Place& place = places_[i / kPlacesPerBlock][i % kPlacesPerBlock];
  const Bytes& chunk = place.chunk < sealed_.size() ? sealed_[place.chunk]->bytes : open_;
  return ByteView(chunk).subspan(place.offset, place.size);
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
  restored.places_.reserve((count + kPlacesPerBlock - 1) / kPlacesPerBlock);
  for (std::size_t i = 0; i < count && reader.ok(); ++i) {
    const ByteView value = reader.bytes("register.value", codec::kMaxEntryDataBytes);
    if (reader.ok()) restored.append(value);
  }
  if (Status done = reader.finish("register snapshot"); !done) return done;
  *this = std::move(restored);
  return {};
}

}  // namespace keel::node
