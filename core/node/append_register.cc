#include "core/node/append_register.h"

#include "core/codec/limits.h"
#include "core/codec/reader.h"
#include "core/codec/writer.h"
#include "core/env/assert.h"

namespace keel::node {

void AppendRegister::apply(const raft::Entry& entry) {
  KEEL_ASSERT(places_.size() < kMaxValues, "the register is full at ", kMaxValues, " values");
  codec::Writer(image_).bytes(entry.data);
  places_.push_back(Place{image_.size() - entry.data.size(), entry.data.size()});
}

ByteView AppendRegister::value(std::size_t i) const {
  KEEL_ASSERT(i < places_.size(), "value ", i, " of a register of ", places_.size());
  return ByteView(image_).subspan(places_[i].offset, places_[i].size);
}

Bytes AppendRegister::snapshot() const {
  Bytes out;
  out.reserve(codec::kMaxVarintBytes + image_.size());
  codec::Writer writer(out);
  writer.varint(places_.size());
  writer.raw(image_);
  return out;
}

Status AppendRegister::restore(ByteView snapshot) {
  codec::Reader reader(snapshot);
  const std::size_t count = reader.count("register.count", kMaxValues);
  const std::size_t image_start = reader.offset();
  std::vector<Place> places;
  places.reserve(count);
  for (std::size_t i = 0; i < count && reader.ok(); ++i) {
    const ByteView value = reader.bytes("register.value", codec::kMaxEntryDataBytes);
    places.push_back(Place{reader.offset() - value.size() - image_start, value.size()});
  }
  if (Status done = reader.finish("register snapshot"); !done) return done;
  places_ = std::move(places);
  image_.assign(snapshot.begin() + static_cast<std::ptrdiff_t>(image_start), snapshot.end());
  return {};
}

}  // namespace keel::node
