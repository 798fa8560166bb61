#include "core/node/append_register.h"

#include "core/codec/limits.h"
#include "core/codec/reader.h"
#include "core/codec/writer.h"

namespace keel::node {

Bytes AppendRegister::snapshot() const {
  Bytes out;
  codec::Writer writer(out);
  writer.varint(values_.size());
  for (const SharedBytes& value : values_) writer.bytes(value);
  return out;
}

Status AppendRegister::restore(ByteView snapshot) {
  codec::Reader reader(snapshot);
  const std::size_t count = reader.count("register.count", kMaxValues);
  std::vector<SharedBytes> values;
  for (std::size_t i = 0; i < count && reader.ok(); ++i) {
    values.emplace_back(reader.bytes("register.value", codec::kMaxEntryDataBytes));
  }
  if (Status done = reader.finish("register snapshot"); !done) return done;
  values_ = std::move(values);
  return {};
}

}  // namespace keel::node
