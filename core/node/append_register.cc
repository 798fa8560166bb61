#include "core/node/append_register.h"

#include "core/codec/limits.h"
#include "core/codec/reader.h"
#include "core/codec/writer.h"

namespace keel::node {

void AppendRegister::apply(const raft::Entry& entry) {
  values_.push_back(entry.data);
  codec::Writer(image_).bytes(entry.data);
}

Bytes AppendRegister::snapshot() const {
  Bytes out;
  out.reserve(codec::kMaxVarintBytes + image_.size());
  codec::Writer writer(out);
  writer.varint(values_.size());
  writer.raw(image_);
  return out;
}

Status AppendRegister::restore(ByteView snapshot) {
  codec::Reader reader(snapshot);
  const std::size_t count = reader.count("register.count", kMaxValues);
  const std::size_t image_start = reader.offset();
  std::vector<SharedBytes> values;
  values.reserve(count);
  for (std::size_t i = 0; i < count && reader.ok(); ++i) {
    values.emplace_back(reader.bytes("register.value", codec::kMaxEntryDataBytes));
  }
  if (Status done = reader.finish("register snapshot"); !done) return done;
  values_ = std::move(values);
  image_.assign(snapshot.begin() + static_cast<std::ptrdiff_t>(image_start), snapshot.end());
  return {};
}

}  // namespace keel::node
